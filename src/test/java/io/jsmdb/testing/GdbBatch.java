package io.jsmdb.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** gdb as the tests' oracle: one batch run on a core, its output (stdout and stderr) as text. */
public final class GdbBatch {
    private GdbBatch() {}

    /**
     * Runs {@code gdb -nx -batch} without debuginfod or separate debug info, paging off, the
     * commands given (each an -ex), on core with its executable. Fails the test when gdb is
     * missing or takes over three minutes.
     */
    public static String run(Path node, Path core, List<String> commands) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("gdb", "-nx", "-batch",
                "-iex", "set debug-file-directory /nonexistent", "-iex", "set debuginfod enabled off",
                "-ex", "set pagination off", "-ex", "set width 0"));
        for (String c : commands) {
            cmd.add("-ex");
            cmd.add(c);
        }
        cmd.addAll(List.of("-c", core.toString(), node.toString()));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("gdb is needed as the oracle here (bin/test installs it): " + e.getMessage());
            return "";
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("gdb timed out on " + core);
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
