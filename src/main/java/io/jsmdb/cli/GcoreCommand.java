package io.jsmdb.cli;

import io.jsmdb.live.Gcore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code jsmdb gcore [-o FILE] PID}: a core of a live process, written by jsmdb itself (no gdb):
 * the process is stopped while its memory is copied and runs on. Exit status 0 written, 1 the
 * capture failed (no such process, not permitted, disk full: one line says which), 2 bad usage.
 */
@Command(name = "gcore",
        customSynopsis = "jsmdb gcore [-o FILE] PID",
        description = {
                "write a core of a live process without gdb; the process runs on",
                "",
                "Stops every thread of PID (ptrace), copies its registers and memory (as the",
                "kernel's core dumper chooses it, under /proc/PID/coredump_filter) into FILE",
                "(core.PID by default), and lets it go. Says where the core went, its size and",
                "how long the process was stopped."},
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        sortOptions = false)
final class GcoreCommand implements CliCommand {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", type = Path.class, converter = RunOptions.Word.class,
            description = "the core file to write (default: core.PID)")
    List<String> output = new ArrayList<>();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Parameters(paramLabel = "PID", hideParamSyntax = true, description = "the process to capture")
    List<String> pids = new ArrayList<>();

    @Override
    public int run(Context ctx) throws Main.UsageError {
        if (pids.size() != 1) throw new Main.UsageError(pids.isEmpty() ? "gcore needs a PID (jsmdb gcore [-o FILE] PID)"
                : "gcore takes one PID: '" + pids.get(1) + "' (jsmdb gcore [-o FILE] PID)");
        if (output.size() > 1) throw new Main.UsageError("gcore writes one file: -o given twice");
        int pid = Main.parsePid(pids.getFirst());
        Path file = output.isEmpty() ? Path.of("core." + pid) : Path.of(output.getFirst());
        try {
            Gcore.Result r = Gcore.capture(pid, file);
            return Main.print(ctx.io(), String.format("jsmdb: wrote %s (%s, %d threads) in %.2f s; the process was stopped for %d ms",
                    file, human(r.bytes()), r.threads(), r.totalNanos() / 1e9, r.stoppedNanos() / 1_000_000));
        } catch (Gcore.GcoreException e) {
            ctx.io().err().println("jsmdb: gcore: " + io.jsmdb.cmd.Strings.safe(e.getMessage()));
            return Main.FAILED;
        }
    }

    static String human(long bytes) {
        if (bytes >= 1L << 30) return String.format("%.1f GiB", bytes / (double) (1L << 30));
        if (bytes >= 1L << 20) return String.format("%.1f MiB", bytes / (double) (1L << 20));
        return String.format("%.1f KiB", bytes / 1024.0);
    }
}
