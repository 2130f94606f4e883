package io.jsmdb.cmd;

import io.jsmdb.core.CommandLine;
import io.jsmdb.core.CoreFile;
import io.jsmdb.core.ProcessInfo;
import io.jsmdb.core.SignalInfo;
import io.jsmdb.core.Signals;
import io.jsmdb.core.ThreadState;
import io.jsmdb.node.DeathCause;
import io.jsmdb.node.NodeTarget;
import java.util.List;
import java.util.Optional;

/** {@code ::status}: what was opened, and how the process died. */
public final class StatusDcmd implements Dcmd {
    @Override public String name() { return "status"; }
    @Override public String usage() { return ""; }
    @Override public String summary() { return "core file, node binary, versions, process, signal, cause, threads, warnings"; }
    @Override public List<String> options() { return List.of(); }
    @Override public AddressMode addressMode() { return AddressMode.NONE; }

    @Override
    public String help() {
        return """
                Summarizes the target: the core file and its size, the machine it comes from
                (x86-64 or AArch64; where the core lists no mapped files, as qemu-user's do not,
                a line says they were rebuilt from the process's dynamic linker), the node binary and its
                build-id, the node and V8 versions, the process (pid, the full command line read
                from its initial stack, and on the next line where the command line came from:
                the initial stack, or psinfo's 80 characters, gcore's program name or AT_EXECFN
                when the stack cannot be read, with the reason), the signal that ended it and
                the thread that took it, the cause in one line (out of memory, an uncaught
                exception under --abort-on-uncaught-exception, a live snapshot by gcore, or the
                signal and the function the dying thread was in), the number of threads, and
                every warning met while opening the core (missing or truncated data).""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs.parse(this, inv.args(), "").expectPositional(0, 0);
        NodeTarget t = ctx.target();
        CoreFile core = t.core();
        Output out = ctx.out();
        // paths (the binary found from the core's NT_FILE), versions and warnings come from the core
        // jsmdb -p: the core is jsmdb's in-memory copy of the live process (a memfd)
        boolean inMemory = core.capturedByJsmdb().isPresent() && core.path().toString().startsWith("/proc/self/fd/");
        row(out, "core file", inMemory ? "none: a copy of the live process in jsmdb's memory (jsmdb -p), " + human(core.fileSize())
                : Strings.escape(core.path().toString()) + " (" + human(core.fileSize()) + ")");
        row(out, "machine", core.arch().displayName);
        if (core.mappingsRebuilt()) {
            row(out, "mapped files", "from the dynamic linker's list in the process (the core lists none, as qemu-user's cores do not)");
        }
        row(out, "node binary", Strings.escape(t.nodeBinary().path().toString())
                + t.nodeBinary().buildId().map(b -> " (build-id " + b + ")").orElse(""));
        if (!t.nodeBinary().path().toString().equals(t.executablePath())) row(out, "process binary", Strings.escape(t.executablePath()));
        row(out, "node version", t.nodeVersion().map(v -> Strings.escape(v.toString())).orElse("unknown"));
        row(out, "V8 version", t.v8VersionString().map(Strings::escape).orElse("unknown"));
        Optional<ProcessInfo> ps = core.processInfo();
        row(out, "pid", ps.map(p -> p.pid() + " (ppid " + p.ppid() + ", uid " + p.uid() + ")").orElse("unknown"));
        CommandLine cmd = core.commandLine();
        row(out, "command line", cmd.argv().isEmpty() ? "unknown" : commandLine(cmd));
        row(out, "", "(" + Strings.escape(cmd.describeSource()) + ")");
        row(out, "signal", describeSignal(core));
        row(out, "cause", Strings.escape(DeathCause.of(t).text()));
        row(out, "threads", Integer.toString(core.threads().size()));
        List<String> warnings = t.warnings();
        if (warnings.isEmpty()) {
            row(out, "warnings", "none");
        } else {
            for (int i = 0; i < warnings.size(); i++) row(out, i == 0 ? "warnings" : "", Strings.safe(warnings.get(i)));
        }
    }

    /**
     * The arguments as a shell would need them, each escaped for the terminal and then quoted
     * where it is empty or holds anything but plain characters. A psinfo or program-name command
     * line is one string and is shown as it is.
     */
    static String commandLine(CommandLine cmd) {
        if (!cmd.separated()) return Strings.escape(cmd.argv().get(0));
        StringBuilder sb = new StringBuilder();
        for (String a : cmd.argv()) {
            if (!sb.isEmpty()) sb.append(' ');
            String e = Strings.escape(a); // first, so that the quoting's own backslash stays single
            sb.append(e.matches("[A-Za-z0-9_@%+=:,./-]+") ? e : "'" + e.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    private static String describeSignal(CoreFile core) {
        Optional<ThreadState> faulting = core.faultingThread();
        Optional<SignalInfo> si = core.signalInfo();
        int signo = core.fatalSignal();
        if (core.writtenByGdb()) {
            return "none: a snapshot of a live process, written by gdb/gcore"
                    + faulting.map(th -> "; current thread " + th.tid()).orElse("");
        }
        if (core.capturedByJsmdb().isPresent()) {
            return "none: a snapshot of a live process, written by jsmdb gcore"
                    + faulting.map(th -> "; current thread " + th.tid()).orElse("");
        }
        if (signo == 0) {
            return "none: the process was alive when dumped (e.g. by gcore)"
                    + faulting.map(th -> "; current thread " + th.tid()).orElse("");
        }
        StringBuilder sb = new StringBuilder(Signals.name(signo));
        si.ifPresent(s -> {
            sb.append(" (").append(codeName(s)).append(')');
            s.faultAddress().ifPresent(a -> sb.append(String.format(" at 0x%x", a)));
            if (s.isSentByProcess() && s.senderPid() != 0) sb.append(" from pid ").append(s.senderPid());
        });
        faulting.ifPresent(th -> sb.append(", thread ").append(th.tid()));
        return sb.toString();
    }

    private static String codeName(SignalInfo s) {
        return switch (s.code()) {
            case 0 -> "sent by kill";
            case -6 -> "sent by tkill/raise";
            case 0x80 -> "raised by the kernel";
            default -> s.signo() == 11 && s.code() == 1 ? "address not mapped"
                    : s.signo() == 11 && s.code() == 2 ? "invalid permissions"
                    : "code " + s.code();
        };
    }

    private static void row(Output out, String key, String value) {
        out.println(String.format("%-15s %s", key.isEmpty() ? "" : key + ":", value));
    }

    static String human(long bytes) {
        if (bytes < 1024 * 1024) return String.format("%.1f KiB", bytes / 1024.0);
        if (bytes < 1024L * 1024 * 1024) return String.format("%.1f MiB", bytes / (1024.0 * 1024));
        return String.format("%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
