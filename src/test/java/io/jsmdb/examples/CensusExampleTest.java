package io.jsmdb.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.testing.TestCores.TestCore;
import io.jsmdb.testing.TestCores;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The design doc's library example gives V8's own counts for the heap fixture's classes. */
class CensusExampleTest {
    static Stream<String> versions() {
        return TestCores.VERSIONS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void theCensusCountsTheFixturesClassesAsV8Does(String version) throws Exception {
        TestCore tc = TestCores.get(version, "heap", TestCores.ABORT);
        @SuppressWarnings("unchecked") Map<String, Object> heapCounts = (Map<String, Object>) tc.oracle().get("heapCounts");
        Map<String, long[]> census = CensusExample.census(tc.node(), tc.core());
        for (String c : new String[] {"JsmdbLeakA", "JsmdbLeakB", "JsmdbOldStyle", "JsmdbDictMode"}) {
            long want = ((Number) heapCounts.get(c)).longValue();
            long[] got = census.getOrDefault(c, new long[2]);
            assertEquals(want, got[0], tc.name() + ": " + c);
            assertTrue(got[1] >= 16 * want, tc.name() + ": " + c + " bytes " + got[1]);
        }
    }
}
