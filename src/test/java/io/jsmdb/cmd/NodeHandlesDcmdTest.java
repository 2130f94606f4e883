package io.jsmdb.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.node.NodeHandles;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ::nodehandles and ::noderequests against what the process fixture recorded before it threw: the
 * resources process.getActiveResourcesInfo() named (node 17+), the child's pid and command, the
 * client socket's ports, its two timers and its pending fs request with their callbacks, every
 * version.
 */
class NodeHandlesDcmdTest {
    static Stream<String> versions() { return TestCores.VERSIONS.stream(); }

    static Stream<String> abortVersions() { return TestCores.ABORT_VERSIONS.stream(); }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) { return (Map<String, Object>) o; }

    /** The name node's getActiveResourcesInfo() gives a handle. */
    private static String resourceName(NodeHandles.Handle h) {
        return switch (h.type()) {
            case "TCP" -> h.ownerClass().equals("Server") ? "TCPServerWrap" : "TCPSocketWrap";
            case "PROCESS" -> "ProcessWrap";
            case "TIMER (JS)" -> "Timeout";
            default -> h.type();
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("abortVersions")
    void whatTheProcessRecorded(String version) throws Exception {
        TestCore tc = TestCores.get(version, "process", "abort");
        Map<String, Object> o = tc.oracle();
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            List<String> warnings = new ArrayList<>();
            List<NodeHandles.Handle> hs = new NodeHandles(t).handles(warnings);
            List<NodeHandles.Handle> reqs = new NodeHandles(t).requests(warnings);
            assertEquals(List.of(), warnings, tc.name());
            // getActiveResourcesInfo(): requests (by class), then handles, then timers
            List<String> names = new ArrayList<>(reqs.stream().map(NodeHandles.Handle::ownerClass).toList());
            names.addAll(hs.stream().map(NodeHandlesDcmdTest::resourceName).toList());
            if (o.get("activeResources") != null) {
                List<String> expected = new ArrayList<>(((List<?>) o.get("activeResources")).stream().map(String::valueOf).toList());
                names.sort(null);
                expected.sort(null);
                assertEquals(expected, names, tc.name());
            }
            Map<String, Object> child = map(o.get("child"));
            // under qemu-user the child (the host's x86-64 sleep, run by an arm64 guest) fails to start
            // and is gone before the oracle is written: it has a handle exactly when node listed one
            boolean childRuns = o.get("activeResources") == null || ((List<?>) o.get("activeResources")).contains("ProcessWrap");
            if (childRuns) assertTrue(hs.stream().anyMatch(h -> h.detail().equals("pid " + ((Number) child.get("pid")).intValue() + ", " + child.get("command"))),
                    tc.name() + ": " + hs);
            Map<String, Object> client = map(o.get("client"));
            String ports = "local " + client.get("localAddress") + ":" + ((Number) client.get("localPort")).intValue()
                    + ", remote " + client.get("remoteAddress") + ":" + ((Number) client.get("remotePort")).intValue();
            assertTrue(hs.stream().anyMatch(h -> h.ownerClass().equals("Socket") && h.detail().endsWith(ports)), tc.name() + ": " + hs);
            assertTrue(hs.stream().anyMatch(h -> h.ownerClass().equals("Server") && h.detail().contains("listening on 127.0.0.1, port chosen by the kernel")),
                    tc.name() + ": " + hs);
            for (Object x : (List<?>) o.get("timers")) {
                Map<String, Object> timer = map(x);
                int ms = ((Number) timer.get("ms")).intValue();
                String text = ((Boolean) timer.get("repeat") ? "every " : "after ") + ms + " ms (due in ";
                String calls = " ms), calls " + timer.get("callback") + " (";
                int line = ((Number) map(timer).get("line")).intValue();
                NodeHandles.Handle h = hs.stream().filter(y -> y.detail().startsWith(text) && y.detail().contains(calls)
                        && y.detail().contains("process.js:" + line + ":")).findFirst()
                        .orElseThrow(() -> new AssertionError(tc.name() + ": no " + text + "..." + calls + " in " + hs));
                // made less than a second before the crash, by the loop's clock (a minute under qemu,
                // which runs the arm64 guest many times slower)
                long dueIn = Long.parseLong(h.detail().substring(text.length(), h.detail().indexOf(calls)));
                assertTrue(dueIn > ms - (tc.arm64() ? 60_000 : 1000) && dueIn <= ms, tc.name() + ": " + h.detail());
            }
            // the fixture opened its FIFO (path.resolve('jsmdb.fifo')) in its working directory
            String fifo = "open " + map(o.get("info")).get("cwd") + "/jsmdb.fifo, ";
            for (Object x : (List<?>) o.get("requests")) {
                Map<String, Object> req = map(x);
                int line = ((Number) req.get("line")).intValue();
                assertTrue(reqs.stream().anyMatch(r -> r.ownerClass().equals(req.get("type"))
                        && r.detail().startsWith(fifo + "calls " + req.get("callback") + " (") && r.detail().contains("process.js:" + line + ":")),
                        tc.name() + ": " + reqs);
            }
            // piped, the owners' addresses go on: the child process prints as a ChildProcess
            CommandRunner.Captured r = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), t, "::nodehandles | ::jsconstructor");
            assertTrue((!childRuns || r.out().contains("ChildProcess")) && r.out().contains("Timeout"), r.out() + r.err());
        }
    }

    /**
     * Each worker's own event loop (found on its thread's stack) and timers: the fixture's workers
     * each run setInterval(jsmdbWorkerTick, 100000) and nothing else that keeps a loop alive.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("abortVersions")
    void eachWorkersOwnLoop(String version) throws Exception {
        TestCore tc = TestCores.get(version, "process", "abort");
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            long mainLoop = new NodeHandles(t).loop().orElseThrow();
            List<io.jsmdb.node.Isolates.IsolateInfo> workers = io.jsmdb.node.Isolates.of(t).stream().filter(i -> !i.main()).toList();
            assertEquals(2, workers.size(), tc.name());
            java.util.Set<Long> loops = new java.util.HashSet<>();
            for (io.jsmdb.node.Isolates.IsolateInfo w : workers) {
                t.selectIsolate(w.heap());
                NodeHandles nh = new NodeHandles(t);
                long loop = nh.loop().orElseThrow(() -> new AssertionError(tc.name() + ": " + nh.loopProblem()));
                assertTrue(loop != mainLoop && loops.add(loop), tc.name());
                List<String> warnings = new ArrayList<>();
                List<NodeHandles.Handle> hs = nh.handles(warnings);
                assertEquals(List.of(), warnings, tc.name());
                assertEquals(1, hs.size(), tc.name() + ": " + hs);
                String d = hs.getFirst().detail();
                assertTrue(d.startsWith("every 100000 ms (due in ") && d.contains(" ms), calls jsmdbWorkerTick ([worker eval]:"), tc.name() + ": " + d);
                long dueIn = Long.parseLong(d.substring("every 100000 ms (due in ".length(), d.indexOf(" ms), calls")));
                assertTrue(dueIn > (tc.arm64() ? 40_000 : 90_000) && dueIn <= 100_000, tc.name() + ": " + d); // qemu: slower
            }
            t.selectIsolate(t.mainHeap());
            assertEquals(mainLoop, new NodeHandles(t).loop().orElseThrow(), tc.name());
        }
    }
}
