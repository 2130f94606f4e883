package io.jsmdb.v8.graph;

/**
 * What the heap snapshot shows of one heap object: whether it is a node, its kind, name and own
 * size, and its outgoing references, as V8's HeapSnapshotGenerator (V8HeapExplorer) gives them.
 * The object is given as the heap walk found it: tagged address, map, instance type and size.
 */
public interface ObjectModel {
    /** False for objects V8's snapshot leaves out (fillers, free space, ...). */
    boolean isNode(long addr, long map, int instanceType, int size);

    NodeType type(long addr, long map, int instanceType, int size);

    /** The node name: constructor name, function name, string content, "system / Context", ... */
    String name(long addr, long map, int instanceType, int size);

    /** The node's self size in bytes as V8's snapshot counts it. */
    long selfSize(long addr, long map, int instanceType, int size);

    /** The object's outgoing references, named and typed, weak ones as WEAK. */
    void edges(long addr, long map, int instanceType, int size, EdgeVisitor out);
}
