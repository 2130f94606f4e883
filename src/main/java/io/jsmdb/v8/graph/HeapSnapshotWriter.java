package io.jsmdb.v8.graph;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Streams a {@link HeapGraph} as a Chrome DevTools {@code .heapsnapshot}: the JSON V8's
 * HeapSnapshotJSONSerializer writes (snapshot.meta, nodes, edges, trace_function_infos,
 * trace_tree, samples, locations, strings), number by number into a buffer of a few hundred
 * KB, never as a JSON tree in memory. Chrome DevTools' Memory tab and memlab read it.
 *
 * <p>As V8 writes it: a node is {@code type,name,id,self_size,edge_count[,trace_node_id],detachedness},
 * an edge {@code type,name_or_index,to_node} with to_node the target's index times the number of
 * node fields; node ids are odd and increase from 1 (the root), 3 ("(GC roots)"), 5, 7, ...
 * (V8's HeapObjectsMap: synthetic roots first, then heap objects, step 2; even ids are for
 * embedder nodes, which a core does not have); locations are {@code object_index,script_id,line,column}
 * with 0-based line and column. Strings are written with every non-ASCII character as a
 * {@code \\uXXXX} escape, so the file is plain ASCII and a lone surrogate stays valid JSON.
 */
public final class HeapSnapshotWriter {
    /**
     * The meta layout of one V8 generation, as v8.writeHeapSnapshot() files of the seven node
     * builds show it:
     * <ul>
     * <li>node fields: seven with trace_node_id up to V8 12 (node 16..22), six without it from
     *     V8 13 (node 24..26), which also adds "extra_native_bytes" to the snapshot header;</li>
     * <li>node types: up to "bigint" until V8 10 (node 16, 18); V8 11 (node 20) adds "object
     *     shape" and "wasm object"; V8 12 and later (node 22..26) have "object shape" only.
     *     Where a V8 has no "object shape", maps are "hidden" nodes ("system / Map"), and the
     *     writer writes OBJECT_SHAPE nodes so.</li>
     * <li>the node_types entry lists after the type names one field kind per other node field
     *     ("string", then "number"s), except V8 13 (node 24), which dropped trace_node_id from
     *     node_fields but still lists five "number"s ({@code staleNumber}).</li>
     * </ul>
     */
    public record Format(boolean traceNodeId, boolean extraNativeBytes, boolean objectShape, boolean wasmObject,
                         boolean staleNumber) {
        /** The layout V8 of this major version writes. */
        public static Format forV8Major(int major) {
            if (major <= 10) return new Format(true, false, false, false, false);
            if (major == 11) return new Format(true, false, true, true, false);
            if (major == 12) return new Format(true, false, true, false, false);
            if (major == 13) return new Format(false, true, true, false, true);
            return new Format(false, true, true, false, false);
        }

        int nodeFields() {
            return traceNodeId ? 7 : 6;
        }

        /** The node_types names, in V8's order. */
        List<String> nodeTypes() {
            List<String> out = new ArrayList<>();
            for (NodeType t : NodeType.values()) {
                if (t == NodeType.OBJECT_SHAPE && !objectShape) continue;
                out.add(t.snapshotName());
            }
            if (wasmObject) out.add("wasm object");
            return out;
        }

        /** The number a node of this type is written as. */
        int typeNumber(int ordinal) {
            return ordinal == NodeType.OBJECT_SHAPE.ordinal() && !objectShape ? NodeType.HIDDEN.ordinal() : ordinal;
        }
    }

    /** Where a node's JavaScript is defined (functions): script id, 0-based line and column. */
    @FunctionalInterface
    public interface Locations {
        /** Fills out[0..2] with script id, line, column and returns true; false when the node has none. */
        boolean locate(HeapGraph graph, int node, int[] out);

        Locations NONE = (g, n, o) -> false;
    }

    private static final String[] NODE_FIELDS_7 = {"type", "name", "id", "self_size", "edge_count", "trace_node_id", "detachedness"};
    private static final String[] NODE_FIELDS_6 = {"type", "name", "id", "self_size", "edge_count", "detachedness"};

    private final OutputStream out;
    private final byte[] buf = new byte[1 << 18];
    private int pos;
    private long written;

    private HeapSnapshotWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * Writes graph to out (not closed). cancel is polled (it throws to cancel); progress receives
     * the nodes and edges written so far out of nodeCount + edgeCount. Returns the bytes written.
     */
    public static long write(HeapGraph graph, Format format, Locations locations, OutputStream out,
                             Runnable cancel, LongConsumer progress) throws IOException {
        HeapSnapshotWriter w = new HeapSnapshotWriter(out);
        w.writeAll(graph, format, locations, cancel, progress);
        return w.written;
    }

    private void writeAll(HeapGraph g, Format f, Locations loc, Runnable cancel, LongConsumer progress) throws IOException {
        int nodes = g.nodeCount(), edges = g.edgeCount();
        int nf = f.nodeFields();
        // names: a CsrHeapGraph's own table, else one made here
        CsrHeapGraph csr = g instanceof CsrHeapGraph c ? c : null;
        StringTable own = csr == null ? new StringTable() : null;

        ascii("{\"snapshot\":{\"meta\":{\"node_fields\":");
        stringArray(f.traceNodeId ? NODE_FIELDS_7 : NODE_FIELDS_6);
        ascii(",\"node_types\":[[");
        List<String> nts = f.nodeTypes();
        for (int i = 0; i < nts.size(); i++) {
            if (i > 0) ascii(",");
            string(nts.get(i));
        }
        ascii("],\"string\",\"number\",\"number\",\"number\",\"number\"" + (f.traceNodeId || f.staleNumber ? ",\"number\"" : "") + "]");
        ascii(",\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],\"edge_types\":[[");
        EdgeType[] ets = EdgeType.values();
        for (int i = 0; i < ets.length; i++) {
            if (i > 0) ascii(",");
            string(ets[i].snapshotName());
        }
        ascii("],\"string_or_number\",\"node\"]"
                + ",\"trace_function_info_fields\":[\"function_id\",\"name\",\"script_name\",\"script_id\",\"line\",\"column\"]"
                + ",\"trace_node_fields\":[\"id\",\"function_info_index\",\"count\",\"size\",\"children\"]"
                + ",\"sample_fields\":[\"timestamp_us\",\"last_assigned_id\"]"
                + ",\"location_fields\":[\"object_index\",\"script_id\",\"line\",\"column\"]},");
        ascii("\"node_count\":");
        number(nodes);
        ascii(",\"edge_count\":");
        number(edges);
        ascii(",\"trace_function_count\":0");
        if (f.extraNativeBytes) ascii(",\"extra_native_bytes\":0");
        ascii("},\n\"nodes\":[");
        long done = 0;
        for (int n = 0; n < nodes; n++) {
            if ((n & 0xffff) == 0) {
                cancel.run();
                progress.accept(done + n);
            }
            if (n > 0) ascii(",");
            number(f.typeNumber(csr != null ? csr.typeOrdinal(n) : g.type(n).ordinal()));
            byte_(',');
            number(csr != null ? csr.nameId(n) : own.intern(g.name(n)));
            byte_(',');
            number(2L * n + 1);
            byte_(',');
            number(g.selfSize(n));
            byte_(',');
            number(g.edgeEnd(n) - g.firstEdge(n));
            if (f.traceNodeId) ascii(",0");
            ascii(",0\n");
        }
        done += nodes;
        ascii("],\n\"edges\":[");
        for (int e = 0; e < edges; e++) {
            if ((e & 0xffff) == 0) {
                cancel.run();
                progress.accept(done + e);
            }
            if (e > 0) ascii(",");
            int type = csr != null ? csr.edgeTypeOrdinal(e) : g.edgeType(e).ordinal();
            number(type);
            byte_(',');
            if (csr != null) {
                number(csr.edgeNameOrIndex(e));
            } else if (g.edgeType(e).isIndexed()) {
                number(g.edgeIndex(e));
            } else {
                number(own.intern(g.edgeName(e)));
            }
            byte_(',');
            number((long) g.edgeTarget(e) * nf);
            byte_('\n');
        }
        done += edges;
        ascii("],\n\"trace_function_infos\":[],\n\"trace_tree\":[],\n\"samples\":[],\n\"locations\":[");
        int[] at = new int[3];
        boolean first = true;
        for (int n = 0; n < nodes; n++) {
            if ((n & 0xffff) == 0) cancel.run();
            NodeType t = g.type(n);
            if (t != NodeType.CLOSURE && t != NodeType.OBJECT) continue;
            boolean ok;
            try {
                ok = loc.locate(g, n, at);
            } catch (RuntimeException ex) {
                ok = false;
            }
            if (!ok) continue;
            if (!first) ascii(",");
            first = false;
            number((long) n * nf);
            byte_(',');
            number(at[0]);
            byte_(',');
            number(at[1]);
            byte_(',');
            number(at[2]);
            byte_('\n');
        }
        ascii("],\n\"strings\":[");
        int count = csr != null ? csr.stringCount() : own.size();
        for (int i = 0; i < count; i++) {
            if ((i & 0xffff) == 0) cancel.run();
            if (i > 0) ascii(",\n");
            string(csr != null ? csr.string(i) : own.get(i));
        }
        ascii("]}\n");
        flush();
        progress.accept(done);
    }

    private void stringArray(String[] a) throws IOException {
        byte_('[');
        for (int i = 0; i < a.length; i++) {
            if (i > 0) byte_(',');
            string(a[i]);
        }
        byte_(']');
    }

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** A JSON string: quotes and backslashes escaped, controls and every non-ASCII char as \\uXXXX. */
    private void string(String s) throws IOException {
        byte_('"');
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                byte_(c);
                continue;
            }
            switch (c) {
                case '"' -> ascii("\\\"");
                case '\\' -> ascii("\\\\");
                case '\n' -> ascii("\\n");
                case '\r' -> ascii("\\r");
                case '\t' -> ascii("\\t");
                case '\b' -> ascii("\\b");
                case '\f' -> ascii("\\f");
                default -> {
                    if (pos + 6 > buf.length) flush();
                    buf[pos++] = '\\';
                    buf[pos++] = 'u';
                    buf[pos++] = HEX[(c >>> 12) & 15];
                    buf[pos++] = HEX[(c >>> 8) & 15];
                    buf[pos++] = HEX[(c >>> 4) & 15];
                    buf[pos++] = HEX[c & 15];
                }
            }
        }
        byte_('"');
    }

    private void number(long v) throws IOException {
        if (pos + 20 > buf.length) flush();
        if (v < 0) {
            buf[pos++] = '-';
            v = -v; // never Long.MIN_VALUE here: counts, ids, sizes
        }
        if (v < 10) {
            buf[pos++] = (byte) ('0' + v);
            return;
        }
        int start = pos;
        while (v > 0) {
            buf[pos++] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        for (int i = start, j = pos - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
    }

    private void ascii(String s) throws IOException {
        int n = s.length();
        if (pos + n > buf.length) flush();
        if (n > buf.length) {
            for (int i = 0; i < n; i++) byte_(s.charAt(i));
            return;
        }
        for (int i = 0; i < n; i++) buf[pos++] = (byte) s.charAt(i);
    }

    private void byte_(int c) throws IOException {
        if (pos == buf.length) flush();
        buf[pos++] = (byte) c;
    }

    private void flush() throws IOException {
        if (pos > 0) {
            out.write(buf, 0, pos);
            written += pos;
            pos = 0;
        }
    }
}
