package io.jsmdb.v8.graph;

import io.jsmdb.testing.Json;
import io.jsmdb.testing.NodeBinaries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * memlab's heap parser on a .heapsnapshot (cores/memlab-check.js), as a test sees it. memlab is
 * installed by bin/test (cores/install-memlab) into target/memlab, or where -Djsmdb.memlab
 * points; missing, the test fails saying how to install it (it is not skipped).
 */
final class Memlab {
    private Memlab() {}

    static Path dir() {
        return Path.of(System.getProperty("jsmdb.memlab", "target/memlab")).toAbsolutePath();
    }

    /** memlab loads the file (and computes its dominators): its node and edge counts equal the file's. */
    static Map<String, Object> checkLoads(Path file, String... names) throws IOException, InterruptedException {
        Path mod = dir().resolve("node_modules/@memlab/heap-analysis");
        if (!Files.isDirectory(mod)) {
            throw new AssertionError("memlab is not installed in " + dir() + ": run cores/install-memlab (bin/test does)");
        }
        List<String> cmd = new ArrayList<>(List.of(NodeBinaries.binary("22.23.3").toString(),
                Path.of("cores/memlab-check.js").toAbsolutePath().toString(), file.toString()));
        cmd.addAll(List.of(names));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
        pb.environment().put("NODE_PATH", dir().resolve("node_modules").toString());
        pb.environment().put("HOME", dir().toString()); // memlab keeps a work directory under $HOME
        Path err = Files.createTempFile("memlab", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("memlab took more than 10 minutes on " + file);
        }
        String stderr = Files.readString(err);
        Files.deleteIfExists(err);
        String stdout = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) throw new AssertionError("memlab cannot load " + file + ": " + stderr.strip());
        String last = null;
        for (String line : stdout.split("\n")) {
            String l = line.replaceAll("\u001b\\[[0-9;]*[A-Za-z]", "").strip();
            if (l.startsWith("{")) last = l;
        }
        if (last == null) throw new AssertionError("memlab printed no result for " + file + ": " + stdout + stderr);
        Map<String, Object> r = Json.parseObject(last);
        SnapshotFile f = new SnapshotFile(file);
        if (((Double) r.get("nodes")).intValue() != f.nodeCount || ((Double) r.get("edges")).intValue() != f.edgeCount) {
            throw new AssertionError("memlab read " + r.get("nodes") + " nodes and " + r.get("edges") + " edges, the file has "
                    + f.nodeCount + " and " + f.edgeCount);
        }
        return r;
    }
}
