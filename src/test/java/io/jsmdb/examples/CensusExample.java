package io.jsmdb.examples;

import io.jsmdb.node.NodeTarget;
import io.jsmdb.v8.graph.HeapGraph;
import io.jsmdb.v8.graph.NodeType;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The library example of docs/design.md: a census of a core's JavaScript objects by constructor,
 * with counts and bytes, written against the library alone (no dcmd). CensusExampleTest runs it
 * on the fixtures' cores, so the example cannot rot.
 *
 * <pre>java -cp target/jsmdb.jar:target/test-classes io.jsmdb.examples.CensusExample NODE CORE</pre>
 */
public final class CensusExample {
    private CensusExample() {}

    /** Constructor name to {count, self bytes} of every JavaScript object in the core. */
    public static Map<String, long[]> census(Path node, Path core) throws Exception {
        try (NodeTarget target = NodeTarget.open(node, core, List.of())) {
            HeapGraph g = target.heapGraph(() -> { }, done -> { });
            Map<String, long[]> byName = new HashMap<>();
            for (int n = 0; n < g.nodeCount(); n++) {
                if (g.type(n) != NodeType.OBJECT || g.address(n) == 0) continue;
                long[] row = byName.computeIfAbsent(g.name(n), k -> new long[2]);
                row[0]++;
                row[1] += g.selfSize(n);
            }
            return byName;
        }
    }

    public static void main(String[] args) throws Exception {
        census(Path.of(args[0]), Path.of(args[1])).entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(20)
                .forEach(e -> System.out.printf("%10d %12d  %s%n", e.getValue()[0], e.getValue()[1], e.getKey()));
    }
}
