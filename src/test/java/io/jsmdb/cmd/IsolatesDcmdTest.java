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

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
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

            CommandRunner.Captured r = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), t, "::findjsobjects -c JsmdbWorkerJob");
            assertEquals("", r.out(), tc.name() + ": worker objects counted in the main isolate");
            assertTrue(r.err().contains("the main isolate's heap only:") && r.err().contains(" of 2 worker isolates left out"), r.err());
            String listing = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), t, "::isolates").out();
            assertEquals(4, listing.lines().count(), listing);
            assertTrue(listing.lines().skip(1).findFirst().orElse("").matches("0 +MAIN +" + pid + " .*jsmdbOnImmediate"), listing);
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
