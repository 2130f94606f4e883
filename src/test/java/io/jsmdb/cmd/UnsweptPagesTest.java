package io.jsmdb.cmd;

import static org.junit.jupiter.api.Assertions.*;

import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import io.jsmdb.v8.heap.WalkStats;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The sweep fixture's core: most old-generation pages not swept after the full GC that killed
 * 98 % of the instances, and new maps allocated where the dead instances' maps were. The census
 * counts exactly the survivors V8 kept, walks every page to its end, and tells the user how many
 * unswept pages and dead objects it stepped over. Before the walk asked the marking bitmap first,
 * a dead instance whose map had been reused (another instance size) or freed stopped the page
 * (11.5 MB not walked in such a core of 16) or made dead instances count (38 times the survivors
 * in one of 25).
 */
class UnsweptPagesTest {
    static final List<String> VERSIONS = TestCores.ABORT_VERSIONS;

    @ParameterizedTest(name = "{0}")
    @FieldSource("VERSIONS")
    void theCensusCountsTheSurvivorsAndWalksEveryPage(String version) throws Exception {
        TestCore tc = TestCores.get(version, "sweep", TestCores.ABORT);
        @SuppressWarnings("unchecked")
        Map<String, Object> values = (Map<String, Object>) tc.oracle().get("values");
        long survivors = ((Number) values.get("survivors")).longValue();
        long made = ((Number) values.get("made")).longValue();
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            WalkStats w = t.heapWalker().walk(() -> (addr, map, type, size) -> { }, 2, () -> { }, done -> { });
            assertTrue(w.sweepingKnown(), tc.name() + ": this V8's sweeping state and marking bitmap are unknown");
            assertTrue(w.unsweptPages() >= 20, tc.name() + ": the fixture left too few pages unswept to test: " + w.unsweptPages());
            assertEquals(List.of(), w.unsweptUnverified(), tc.name() + ": unswept pages whose bitmap was not trusted");
            assertTrue(w.deadObjects() >= made - survivors, tc.name() + ": dead objects skipped " + w.deadObjects());
            assertEquals(0, w.bytesMaybeLive(), tc.name() + ": bytes that may hold objects not walked");

            CommandRunner.Captured r = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), t,
                    "::findjsobjects -c JsmdbSweepObject | ::findjsobjects -l ! wc -l");
            assertEquals("", r.err(), tc.name());
            assertEquals(String.valueOf(survivors), r.out().strip(), tc.name() + ": JsmdbSweepObject instances");

            String v = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), t, "::findjsobjects -v ! grep -E 'unswept|dead objects|not swept'").out();
            assertTrue(v.contains("unswept old-generation pages => " + w.unsweptPages()), tc.name() + ":\n" + v);
            assertFalse(v.contains("not swept yet, but"), tc.name() + ":\n" + v);
        }
    }
}
