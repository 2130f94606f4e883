package io.jsmdb.v8.graph;

import io.jsmdb.testing.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A .heapsnapshot read into int arrays (test code): the header through {@link Json}, the
 * nodes, edges and locations by a number scanner (millions of numbers, no boxing), the strings
 * through {@link Json}. Checks the layout it needs and throws IllegalArgumentException
 * otherwise, so a malformed file fails the test that reads it.
 */
final class SnapshotFile {
    final Map<String, Object> snapshot;
    final List<String> nodeFields, nodeTypes, edgeFields, edgeTypes;
    final int nf, ef;
    final int nodeCount, edgeCount;
    final long[] nodes, edges, locations;
    final String[] strings;
    /** First edge (index into edges / ef) of each node, and one past the last at [nodeCount]. */
    final int[] firstEdge;
    final int fType, fName, fId, fSize, fEdgeCount;

    @SuppressWarnings("unchecked")
    SnapshotFile(Path file) throws IOException {
        String s = Files.readString(file, StandardCharsets.UTF_8);
        int nodesAt = key(s, "nodes", 0);
        String head = s.substring(0, nodesAt - "\"nodes\":".length()).strip();
        if (!head.endsWith(",")) throw new IllegalArgumentException("no ',' before \"nodes\"");
        Map<String, Object> top = Json.parseObject(head.substring(0, head.length() - 1) + "}");
        snapshot = Json.object(top, "snapshot");
        Map<String, Object> meta = Json.object(snapshot, "meta");
        nodeFields = strs(Json.array(meta, "node_fields"));
        edgeFields = strs(Json.array(meta, "edge_fields"));
        nodeTypes = strs((List<Object>) Json.array(meta, "node_types").get(0));
        edgeTypes = strs((List<Object>) Json.array(meta, "edge_types").get(0));
        nf = nodeFields.size();
        ef = edgeFields.size();
        nodeCount = ((Double) snapshot.get("node_count")).intValue();
        edgeCount = ((Double) snapshot.get("edge_count")).intValue();
        int[] end = new int[1];
        nodes = numbers(s, nodesAt, end);
        int edgesAt = key(s, "edges", end[0]);
        edges = numbers(s, edgesAt, end);
        int locAt = key(s, "locations", end[0]);
        locations = numbers(s, locAt, end);
        int strAt = key(s, "strings", end[0]);
        int open = s.indexOf('[', strAt);
        int close = s.lastIndexOf(']');
        if (!s.substring(close + 1).strip().equals("}")) throw new IllegalArgumentException("the file does not end with ]}");
        strings = strs((List<Object>) Json.parse(s.substring(open, close + 1))).toArray(new String[0]);
        fType = nodeFields.indexOf("type");
        fName = nodeFields.indexOf("name");
        fId = nodeFields.indexOf("id");
        fSize = nodeFields.indexOf("self_size");
        fEdgeCount = nodeFields.indexOf("edge_count");
        if (nodes.length != (long) nodeCount * nf) {
            throw new IllegalArgumentException("nodes has " + nodes.length + " numbers, node_count x fields is " + (long) nodeCount * nf);
        }
        if (edges.length != (long) edgeCount * ef) {
            throw new IllegalArgumentException("edges has " + edges.length + " numbers, edge_count x fields is " + (long) edgeCount * ef);
        }
        firstEdge = new int[nodeCount + 1];
        for (int i = 0; i < nodeCount; i++) firstEdge[i + 1] = firstEdge[i] + (int) nodes[i * nf + fEdgeCount];
    }

    String type(int node) { return nodeTypes.get((int) nodes[node * nf + fType]); }
    String name(int node) { return strings[(int) nodes[node * nf + fName]]; }
    long id(int node) { return nodes[node * nf + fId]; }
    long selfSize(int node) { return nodes[node * nf + fSize]; }
    String edgeType(int e) { return edgeTypes.get((int) edges[e * ef]); }
    /** The edge's name, or its index as text for element and hidden edges. */
    String edgeName(int e) {
        String t = edgeType(e);
        long v = edges[e * ef + 1];
        return t.equals("element") || t.equals("hidden") ? Long.toString(v) : strings[(int) v];
    }
    int edgeTo(int e) { return (int) (edges[e * ef + 2] / nf); }

    /**
     * The structural faults of the file, empty when it is well formed: edge_count sums to the
     * edges, every to_node a multiple of the node fields and in range, every string index and
     * type in range, location object indices on node boundaries.
     */
    List<String> faults() {
        List<String> out = new ArrayList<>();
        if (firstEdge[nodeCount] != edgeCount) out.add("edge_count sums to " + firstEdge[nodeCount] + ", edges hold " + edgeCount);
        for (int i = 0; i < nodeCount && out.size() < 20; i++) {
            long t = nodes[i * nf + fType], n = nodes[i * nf + fName];
            if (t < 0 || t >= nodeTypes.size()) out.add("node " + i + ": type " + t);
            if (n < 0 || n >= strings.length) out.add("node " + i + ": name index " + n);
        }
        for (int e = 0; e < edgeCount && out.size() < 40; e++) {
            long t = edges[e * ef], v = edges[e * ef + 1], to = edges[e * ef + 2];
            if (t < 0 || t >= edgeTypes.size()) out.add("edge " + e + ": type " + t);
            else if (!edgeTypes.get((int) t).equals("element") && !edgeTypes.get((int) t).equals("hidden")
                    && (v < 0 || v >= strings.length)) out.add("edge " + e + ": name index " + v);
            if (to % nf != 0 || to < 0 || to / nf >= nodeCount) out.add("edge " + e + ": to_node " + to);
        }
        if (locations.length % 4 != 0) out.add("locations: " + locations.length + " numbers, not a multiple of 4");
        for (int i = 0; i + 3 < locations.length && out.size() < 60; i += 4) {
            long at = locations[i];
            if (at % nf != 0 || at < 0 || at / nf >= nodeCount) out.add("location " + i / 4 + ": object_index " + at);
        }
        return out;
    }

    /** The offset just after {@code "name":} at or after from. */
    private static int key(String s, String name, int from) {
        int i = s.indexOf("\"" + name + "\":", from);
        if (i < 0) throw new IllegalArgumentException("no \"" + name + "\"");
        return i + name.length() + 3;
    }

    /** The array of integers starting at the '[' at or after from; end[0] gets the offset after ']'. */
    private static long[] numbers(String s, int from, int[] end) {
        int i = s.indexOf('[', from);
        long[] out = new long[1024];
        int n = 0;
        i++;
        while (true) {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\n' || s.charAt(i) == '\r' || s.charAt(i) == '\t')) i++;
            if (i >= s.length()) throw new IllegalArgumentException("unterminated array");
            char c = s.charAt(i);
            if (c == ']') {
                end[0] = i + 1;
                return Arrays.copyOf(out, n);
            }
            if (c == ',') {
                if (n == 0) throw new IllegalArgumentException("',' before the first number at " + i);
                i++;
                continue;
            }
            boolean neg = c == '-';
            if (neg) i++;
            long v = 0;
            int digits = 0;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                v = v * 10 + (s.charAt(i++) - '0');
                digits++;
            }
            if (digits == 0) throw new IllegalArgumentException("not a number at " + i + ": '" + s.charAt(i) + "'");
            if (n == out.length) out = Arrays.copyOf(out, n * 2);
            out[n++] = neg ? -v : v;
        }
    }

    private static List<String> strs(List<Object> l) {
        List<String> out = new ArrayList<>();
        for (Object o : l) out.add((String) o);
        return out;
    }
}
