package io.jsmdb.v8.graph;

/** Receives the GC roots, one call per root reference. */
@FunctionalInterface
public interface RootVisitor {
    /**
     * @param category the root's kind as V8's snapshot names its synthetic parent: "(Global handles)",
     *                 "(Strong roots)", "(Stack roots)", "(Eternal handles)", "(Handle scope)", ...
     * @param name     the edge's name under that parent (a root list entry's name, a frame's slot,
     *                 ...), or null where V8 gives an index
     * @param target   the tagged address the root refers to (a heap object)
     * @param weak     true for a weak root (it does not keep its target alive)
     */
    void root(String category, String name, long target, boolean weak);
}
