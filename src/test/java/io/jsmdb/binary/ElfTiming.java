package io.jsmdb.binary;

import io.jsmdb.testing.NodeBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Prints how long open + symbols() (and a few first queries) take per node binary. Run in a fresh
 * JVM to see cold-start cost:
 * {@code java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes io.jsmdb.binary.ElfTiming [file...]}
 * Without arguments it times every node under ~/.cache/jsmdb/node.
 */
public final class ElfTiming {
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            for (String v : NodeBinaries.VERSIONS) time(NodeBinaries.location(v));
        } else {
            for (String a : args) time(Path.of(a));
        }
    }

    /** Times one file; returns a one-line report (also printed). */
    public static String time(Path p) throws Exception {
        if (!Files.exists(p)) throw new IllegalStateException("missing binary " + p);
        long t0 = System.nanoTime();
        try (ElfImage img = ElfImage.open(p)) {
            long t1 = System.nanoTime();
            SymbolTable st = img.symbols();
            long t2 = System.nanoTime();
            int dbg = st.withPrefix("v8dbg_").size();
            long t3 = System.nanoTime();
            Symbol main = st.byName("main").orElseThrow();
            for (String v : List.of("major_", "minor_", "build_", "patch_")) {
                st.byName("_ZN2v88internal7Version" + v.length() + v + "E").orElseThrow();
            }
            long t4 = System.nanoTime();
            String m = st.lookup(main.value() + main.size() / 2).orElseThrow().name();
            long t5 = System.nanoTime();
            String bid = img.buildId().orElse("-");
            long t6 = System.nanoTime();
            String line = String.format(
                    "%-45s open %5.1f ms  symbols(%d) %6.1f ms  withPrefix(v8dbg_)=%d %5.1f ms  byName x5 %5.2f ms  lookup(%s) %5.2f ms  buildId %5.2f ms  total %6.1f ms",
                    p, ms(t1 - t0), st.size(), ms(t2 - t1), dbg, ms(t3 - t2), ms(t4 - t3), m, ms(t5 - t4),
                    ms(t6 - t5), ms(t6 - t0));
            System.out.println(line);
            return line;
        }
    }

    private static double ms(long ns) {
        return ns / 1e6;
    }
}
