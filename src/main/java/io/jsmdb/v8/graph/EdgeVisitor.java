package io.jsmdb.v8.graph;

/** Receives an object's outgoing references, one call per reference, in the object's order. */
@FunctionalInterface
public interface EdgeVisitor {
    /**
     * @param type   the reference's kind
     * @param name   its name (property, context variable, internal field); null for indexed kinds
     * @param index  its index for indexed kinds (element, hidden); -1 otherwise
     * @param target the tagged address referred to (a heap object; never a Smi)
     */
    void edge(EdgeType type, String name, int index, long target);
}
