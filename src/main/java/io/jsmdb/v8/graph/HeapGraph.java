package io.jsmdb.v8.graph;

/**
 * The heap as a graph, as V8's heap snapshot shows it: nodes (heap objects plus synthetic roots)
 * and named, typed edges. Nodes and edges are dense ints (0..nodeCount-1, 0..edgeCount-1), so
 * analyses over millions of objects keep primitive arrays. A node's outgoing edges are the
 * contiguous range [firstEdge(node), edgeEnd(node)).
 *
 * <p>Node 0 is the synthetic root; its edges lead to the synthetic "(GC roots)" node and, as
 * V8's snapshot does, to the global objects; "(GC roots)" leads to one synthetic node per root
 * category ("(Strong roots)", "(Global handles)", ...), whose edges are the roots.
 */
public interface HeapGraph {
    int nodeCount();

    /** The number of edges of all nodes. */
    int edgeCount();

    /** The synthetic root node (0). */
    default int rootNode() {
        return 0;
    }

    /** The tagged address of a heap-object node; 0 for a synthetic node. */
    long address(int node);

    /** The node of the heap object at this tagged address, or -1 if none. */
    int nodeOf(long address);

    NodeType type(int node);

    /** The node's name as a snapshot names it (constructor, function name, string content, "(GC roots)"). */
    String name(int node);

    /** The node's own size in bytes (0 for a synthetic node). */
    long selfSize(int node);

    int firstEdge(int node);

    /** One past the node's last edge. */
    int edgeEnd(int node);

    EdgeType edgeType(int edge);

    /** The node the edge leads to. */
    int edgeTarget(int edge);

    /** The edge's name; for indexed kinds its index as a string. */
    String edgeName(int edge);

    /** The edge's index for indexed kinds (element, hidden), -1 otherwise. */
    int edgeIndex(int edge);
}
