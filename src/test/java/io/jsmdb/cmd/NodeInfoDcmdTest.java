package io.jsmdb.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.node.NodeProcess;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ::nodeinfo against what the process fixture recorded just before it threw (process.versions,
 * argv, execArgv, pid, ppid, title, cwd, process.uptime()), on every version. The fixture runs two
 * worker threads, so the main isolate must be told from theirs; and against an idle gcore.
 */
class NodeInfoDcmdTest {
    static Stream<String> versions() { return TestCores.VERSIONS.stream(); }

    static Stream<String> abortVersions() { return TestCores.ABORT_VERSIONS.stream(); }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) { return (Map<String, Object>) o; }

    private static String field(String out, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ":\\s+(.*)$").matcher(out);
        assertTrue(m.find(), name + " missing in\n" + out);
        return m.group(1);
    }

    private static String array(List<?> items) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) sb.append(i == 0 ? " " : ", ").append(NodeInfoDcmd.quote((String) items.get(i)));
        return sb.append(items.isEmpty() ? "]" : " ]").toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("abortVersions")
    void whatTheProcessRecorded(String version) throws Exception {
        TestCore tc = TestCores.get(version, "process", "abort");
        Map<String, Object> oracle = tc.oracle();
        Map<String, Object> info = map(oracle.get("info"));
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            assertEquals(map(info.get("versions")), Map.copyOf(t.nodeProcess().versions()), tc.name());
            CommandRunner.Captured r = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), t, "::nodeinfo");
            // the heap table stands on the census walk, which says the workers' heaps are left out
            assertTrue(r.err().matches("(jsmdb: warning: the main isolate's heap only: \\d+ pages of 2 other isolates left out"
                    + " \\(::isolates lists them\\)\n)?"), tc.name() + ": " + r.err());
            String out = r.out();
            assertEquals(array((List<?>) oracle.get("argv")), field(out, "argv"), tc.name());
            assertEquals(array((List<?>) oracle.get("execArgv")), field(out, "execArgv"), tc.name());
            assertEquals(((Number) info.get("pid")).intValue() + " (ppid " + ((Number) info.get("ppid")).intValue() + ")", field(out, "pid"));
            assertEquals(info.get("title"), field(out, "title"));
            assertEquals(info.get("cwd") + " (PWD at start)", field(out, "cwd"));
            // process.uptime() was read just before the immediate that threw
            double uptime = ((Number) info.get("uptimeSeconds")).doubleValue();
            double seen = t.nodeProcess().uptimeNanos().orElseThrow() / 1e9;
            assertTrue(seen >= uptime - 0.002 && seen <= uptime + 0.5, tc.name() + ": uptime " + seen + " s, the process said " + uptime);
            heapSpaces(tc.name(), out, (List<?>) info.get("heapSpaces"));
            assertTrue(out.contains("\nheap limit:  V8's default for the machine's memory"), out);
            assertTrue(out.contains("\nenvironment: " + t.core().commandLine().environment().size() + " variables\n"), out);
            CommandRunner.Captured pwd = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), t, "::nodeinfo -e PWD");
            assertEquals("PWD=" + info.get("cwd") + "\n", pwd.out());
            CommandRunner.Captured none = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), t, "::nodeinfo -e JSMDB_NOT_SET");
            assertEquals(CommandRunner.Status.FAILED, none.status());
            assertTrue(none.err().contains("JSMDB_NOT_SET is not set"), none.err());
        }
    }

    /**
     * The heap table against v8.getHeapSpaceStatistics() of the same process a moment earlier:
     * used never above size; large objects (no fillers, none made since) equal; the old space's
     * used within 10% (V8 also counts fillers and other threads' unused allocation buffers, and
     * the recording itself allocated).
     */
    private static void heapSpaces(String name, String out, List<?> recorded) {
        Matcher row = Pattern.compile("(?m)^  ([a-z_]+) +(\\d+) +(\\d+) +(>=)?(\\d+)(?: \\(code not included\\))?$").matcher(out);
        Map<String, long[]> seen = new java.util.HashMap<>();
        while (row.find()) {
            long size = Long.parseLong(row.group(3)), used = Long.parseLong(row.group(5));
            assertTrue(used <= size, name + ": " + row.group());
            seen.put(row.group(1), new long[] {size, used});
        }
        assertTrue(seen.containsKey("old") && seen.containsKey("new") && seen.containsKey("total"), name + "\n" + out);
        assertTrue(out.contains(" (machine code)\n"), out);
        for (Object o : recorded) {
            Map<String, Object> s = map(o);
            String space = ((String) s.get("name")).replaceFirst("_space$", "");
            long size = ((Number) s.get("size")).longValue(), used = ((Number) s.get("used")).longValue();
            long[] ours = seen.get(space);
            if (space.equals("large_object") && size > 0) {
                assertEquals(size, ours[0], name + " large-object space size");
                assertEquals(used, ours[1], name + " large-object space used");
            }
            if (space.equals("old")) {
                assertTrue(Math.abs(ours[1] - used) <= used / 10, name + ": old space used " + ours[1] + ", V8 said " + used);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("abortVersions")
    void theHeapLimitTheCommandLineSet(String version) throws Exception {
        TestCore tc = TestCores.get(version, "oom", "abort");
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            CommandRunner.Captured r = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), t, "::nodeinfo");
            assertEquals("old space 64 MiB, set by --max-old-space-size=64 (V8 adds the new space's reserve to it)",
                    field(r.out(), "heap limit"), tc.name());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void anIdleGcore(String version) throws Exception {
        TestCore tc = TestCores.get(version, "heap", "gcore");
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            NodeProcess np = t.nodeProcess();
            assertEquals(((String) tc.oracle().get("node")).substring(1), np.versions().get("node"), tc.name());
            assertEquals(tc.oracle().get("v8"), np.versions().get("v8"), tc.name());
            assertEquals(tc.oracle().get("argv"), np.argv().orElseThrow(), tc.name());
            assertTrue(np.uptimeNanos().isPresent(), tc.name());
        }
    }
}
