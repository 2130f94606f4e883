package io.jsmdb.binary;

import io.jsmdb.testing.NodeBinaries;
import org.junit.jupiter.api.Test;

/** Prints (does not assert) open + symbols() + first queries per node binary; see {@link ElfTiming}. */
class TimingTest {
    @Test
    void printTimings() throws Exception {
        System.out.println("jsmdb native layer timings (in a JVM already warmed by other tests; run ElfTiming for cold numbers):");
        for (String v : NodeBinaries.VERSIONS) ElfTiming.time(NodeBinaries.binary(v));
    }
}
