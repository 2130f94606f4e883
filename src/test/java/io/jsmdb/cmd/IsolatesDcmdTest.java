package io.jsmdb.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.node.Isolates;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ::isolates on the process fixture (a main thread and two workers, each worker holding two
 * JsmdbWorkerJob objects that the main isolate never has) and on a single-isolate core, every
 * version; the heap census covers the main isolate only and says so.
 */
class IsolatesDcmdTest {
    static Stream<String> versions() { return TestCores.VERSIONS.stream(); }

    static Stream<String> abortVersions() { return TestCores.ABORT_VERSIONS.stream(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("abortVersions")
    void mainAndWorkers(String version) throws Exception {
        TestCore tc = TestCores.get(version, "process", "abort");
        @SuppressWarnings("unchecked")
        int pid = ((Number) ((Map<String, Object>) tc.oracle().get("info")).get("pid")).intValue();
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            List<Isolates.IsolateInfo> all = Isolates.of(t);
            assertEquals(3, all.size(), tc.name() + ": " + all);
            Isolates.IsolateInfo main = all.getFirst();
            assertTrue(main.main(), tc.name());
            assertEquals(pid, main.thread().orElseThrow().tid(), tc.name() + ": the main isolate runs on the main thread");
            assertEquals("jsmdbOnImmediate", main.jsFunction().orElse(""), tc.name());
            for (Isolates.IsolateInfo w : all.subList(1, 3)) {
                assertTrue(!w.main() && w.pages() > 0 && w.thread().isPresent(), tc.name() + ": " + w);
                assertNotEquals(pid, w.thread().get().tid(), tc.name());
            }
            assertNotEquals(all.get(1).thread().get().tid(), all.get(2).thread().get().tid(), tc.name());
            // worker_threads' threadIds, as the workers reported them
            @SuppressWarnings("unchecked")
            List<Number> ids = (List<Number>) tc.oracle().get("workers");
            assertEquals(ids.stream().map(Number::longValue).sorted().toList(),
                    all.subList(1, 3).stream().map(w -> w.workerThreadId().orElse(-1)).sorted().toList(), tc.name());

            CommandRunner.Captured r = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), t, "::findjsobjects -c JsmdbWorkerJob");
            assertEquals("", r.out(), tc.name() + ": worker objects counted in the main isolate");
            assertTrue(r.err().contains("the main isolate's heap only:") && r.err().contains(" of 2 other isolates left out"), r.err());
            String listing = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), t, "::isolates").out();
            assertEquals(4, listing.lines().count(), listing);
            assertTrue(listing.lines().skip(1).findFirst().orElse("").matches("0\\* +MAIN +" + pid + " +0 .*jsmdbOnImmediate"), listing);

            // the main isolate's new space is found exactly, its workers' pages aside
            String v = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), t, "::findjsobjects -v").out();
            assertTrue(v.contains("new space: LAB at "), tc.name() + ": " + v.lines().filter(l -> l.contains("new space")).toList());
            // a worker's heap: its two JsmdbWorkerJob objects, then the main isolate's again
            for (int n : new int[] {1, 2}) {
                CommandRunner.Captured w = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), t,
                        "::isolate " + n + "; ::findjsobjects -c JsmdbWorkerJob | ::findjsobjects | ::jsprint -d 0");
                assertTrue(w.out().startsWith("isolate " + n + " (worker, thread " + all.get(n).thread().get().tid()), w.out());
                long jobs = w.out().lines().filter(l -> l.startsWith("JsmdbWorkerJob { n: ")).count();
                // a worker caught mid-allocation can leave new-space bytes unwalkable, or in the middle of a
                // scavenge (a fresh CI core of 22 had one): then the census says so
                assertTrue(jobs == 2 || (jobs < 2 && (w.err().contains("could not be walked and may hold live objects")
                        || w.err().contains("was in the middle of a garbage collection"))),
                        tc.name() + ":\n" + w.out() + w.err());
                assertTrue(w.err().contains("a worker isolate's (::isolate 0 selects the main one) heap only"), w.err());
            }
            CommandRunner.Captured back = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), t, "::isolate 0; ::findjsobjects -c JsmdbWorkerJob");
            assertEquals("isolate 0 (main, thread " + pid + ", heap " + Output.hex(main.heap()) + ") is the heap commands' isolate\n", back.out());
            CommandRunner.Captured bad = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), t, "::isolate 7");
            assertEquals(CommandRunner.Status.FAILED, bad.status());
            assertTrue(bad.err().contains("no isolate 7: there are 3"), bad.err());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void oneIsolate(String version) throws Exception {
        TestCore tc = TestCores.get(version, "heap", "gcore");
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            List<Isolates.IsolateInfo> all = Isolates.of(t);
            assertEquals(1, all.size(), tc.name() + ": " + all);
            assertTrue(all.getFirst().main(), tc.name());
            CommandRunner.Captured r = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), t, "::findjsobjects -c JsmdbLeakItem");
            assertTrue(!r.err().contains("worker isolate"), r.err());
        }
    }
}
