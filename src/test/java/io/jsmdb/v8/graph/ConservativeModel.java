package io.jsmdb.v8.graph;

import io.jsmdb.core.AddressSpace;
import io.jsmdb.core.MemoryFault;

/**
 * A stand-in ObjectModel for tests of the graph machinery on real cores, before (or besides)
 * the real one: every walked object is a node ("hidden", named by its instance type number),
 * its self size is its size, and its edges are an INTERNAL "map" edge plus a HIDDEN edge per
 * word of its body that looks like a tagged pointer (the builder drops those that are no
 * object start). It reads the heap as the walk gives it, so it exercises the builder, the
 * writer and the file's consumers at a real heap's scale.
 */
final class ConservativeModel implements ObjectModel {
    private final AddressSpace mem;
    private final long tag, tagMask;

    ConservativeModel(AddressSpace mem, long tag, long tagMask) {
        this.mem = mem;
        this.tag = tag;
        this.tagMask = tagMask;
    }

    @Override public boolean isNode(long addr, long map, int type, int size) { return true; }
    @Override public NodeType type(long addr, long map, int type, int size) { return NodeType.HIDDEN; }
    @Override public String name(long addr, long map, int type, int size) { return "type " + type; }
    @Override public long selfSize(long addr, long map, int type, int size) { return size; }

    @Override
    public void edges(long addr, long map, int type, int size, EdgeVisitor out) {
        out.edge(EdgeType.INTERNAL, "map", -1, map);
        long base = addr - tag;
        int words = Math.min(size, 1 << 16) / 8;
        for (int i = 1; i < words; i++) {
            long w;
            try {
                w = mem.readLong(base + 8L * i);
            } catch (MemoryFault e) {
                return;
            }
            if ((w & tagMask) == tag && w != 0) out.edge(EdgeType.HIDDEN, null, i, w);
        }
    }
}
