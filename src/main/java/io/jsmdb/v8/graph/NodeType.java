package io.jsmdb.v8.graph;

/**
 * A node's kind as V8's heap snapshot names it (HeapGraphNode::Type), in the order of the
 * snapshot's meta "node_types": the ordinal is the number a .heapsnapshot stores.
 */
public enum NodeType {
    HIDDEN("hidden"),
    ARRAY("array"),
    STRING("string"),
    OBJECT("object"),
    CODE("code"),
    CLOSURE("closure"),
    REGEXP("regexp"),
    NUMBER("number"),
    NATIVE("native"),
    SYNTHETIC("synthetic"),
    CONCATENATED_STRING("concatenated string"),
    SLICED_STRING("sliced string"),
    SYMBOL("symbol"),
    BIGINT("bigint"),
    OBJECT_SHAPE("object shape");

    private final String snapshotName;

    NodeType(String snapshotName) {
        this.snapshotName = snapshotName;
    }

    /** The name in the snapshot's meta node_types. */
    public String snapshotName() {
        return snapshotName;
    }
}
