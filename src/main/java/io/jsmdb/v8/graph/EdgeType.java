package io.jsmdb.v8.graph;

/**
 * A reference's kind as V8's heap snapshot names it (HeapGraphEdge::Type), in the order of the
 * snapshot's meta "edge_types": the ordinal is the number a .heapsnapshot stores.
 */
public enum EdgeType {
    /** A variable of a function's context (named). */
    CONTEXT("context"),
    /** An indexed element of an array or array-like (index). */
    ELEMENT("element"),
    /** A named JavaScript property. */
    PROPERTY("property"),
    /** A field of V8's object layout (map, properties, elements, shared, ...), named. */
    INTERNAL("internal"),
    /** A reference not shown to users (index). */
    HIDDEN("hidden"),
    /** A shortcut DevTools shows instead of the real path (named). */
    SHORTCUT("shortcut"),
    /** A weak reference: it does not keep its target alive (named). */
    WEAK("weak");

    private final String snapshotName;

    EdgeType(String snapshotName) {
        this.snapshotName = snapshotName;
    }

    /** The name in the snapshot's meta edge_types. */
    public String snapshotName() {
        return snapshotName;
    }

    /** True where the edge's name_or_index is an index (element, hidden), not a string. */
    public boolean isIndexed() {
        return this == ELEMENT || this == HIDDEN;
    }
}
