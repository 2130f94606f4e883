package io.jsmdb.live;

import io.jsmdb.live.Ptrace.PtraceException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code jsmdb gcore PID}: an ELF core of a live process, written by jsmdb itself. Every thread
 * is seized and interrupted with ptrace (the process stops, its state stays as it is: no signal
 * is delivered), each thread's registers are read, the memory is copied from /proc/PID/mem as the
 * kernel's core dumper would choose it, and the threads are let go. The process runs on.
 */
public final class Gcore {
    /** What a capture did: the file, its size, how long the process was stopped, its threads. */
    public record Result(Path file, long bytes, long stoppedNanos, long totalNanos, int threads, int mappings) {}

    /** A capture that could not be made, with a one-line reason. */
    public static final class GcoreException extends Exception {
        public GcoreException(String message) {
            super(message);
        }
    }

    /** Bytes copied from /proc/PID/mem at a time. */
    static final int CHUNK = 1 << 20;
    /** Rounds of re-reading /proc/PID/task for threads started while the others were being stopped. */
    static final int MAX_SEIZE_ROUNDS = 100;

    private Gcore() {}

    /** Captures pid into out (deleted again if the capture fails). */
    public static Result capture(int pid, Path out) throws GcoreException {
        long t0 = System.nanoTime();
        Path proc = Path.of("/proc/" + pid);
        if (pid <= 0 || !Files.isDirectory(proc)) throw new GcoreException("no such process: " + pid);
        if (pid == ProcessHandle.current().pid()) throw new GcoreException("jsmdb cannot capture itself (pid " + pid + ")");
        // what does not change while the process runs is read before it is stopped
        ProcessFacts facts = ProcessFacts.read(pid);
        // a partial core is removed only if it is a regular file this capture made (never /dev/full or a fifo)
        boolean madeHere = !Files.exists(out);
        Stopped stopped = null;
        boolean written = false;
        try {
            stopped = stop(pid, facts);
            long stoppedAt = System.nanoTime();
            long bytes = write(pid, facts, stopped, out);
            int threads = stopped.tids.size();
            stopped.resume();
            long stoppedNanos = System.nanoTime() - stoppedAt;
            stopped = null;
            written = true;
            return new Result(out, bytes, stoppedNanos, System.nanoTime() - t0, threads, facts.mappingCount);
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            if (why.contains("No space left on device")) {
                throw new GcoreException("disk full writing " + out + (madeHere ? ": the partial core was removed" : ""));
            }
            throw new GcoreException("cannot write " + out + ": " + why);
        } finally {
            if (stopped != null) stopped.resume();
            if (!written && madeHere && Files.isRegularFile(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // nothing more to do: the error says what went wrong
                }
            }
        }
    }

    // ---- stopping and resuming ------------------------------------------------------------------

    /** The seized threads, in the order their notes go (the main thread first). */
    static final class Stopped {
        final List<Integer> tids = new ArrayList<>();
        private boolean resumed;

        /** Detaches every thread: each runs on from where it stopped. */
        void resume() {
            if (resumed) return;
            resumed = true;
            for (int tid : tids) {
                try {
                    Ptrace.call(Ptrace.PTRACE_DETACH, tid, 0, 0, "detaching from thread " + tid);
                } catch (PtraceException e) {
                    // a thread that exited meanwhile: nothing to resume
                }
            }
        }
    }

    /**
     * Seizes and interrupts every thread, re-reading the thread list until no new one appears
     * (a thread can start while the others are being stopped; once all are stopped none can).
     */
    static Stopped stop(int pid, ProcessFacts facts) throws GcoreException {
        Stopped s = new Stopped();
        Set<Integer> seized = new LinkedHashSet<>();
        try {
            for (int round = 0; round < MAX_SEIZE_ROUNDS; round++) {
                List<Integer> now = tasks(pid);
                boolean added = false;
                for (int tid : now) {
                    if (seized.contains(tid)) continue;
                    try {
                        Ptrace.call(Ptrace.PTRACE_SEIZE, tid, 0, 0, "seizing thread " + tid);
                    } catch (PtraceException e) {
                        if (e.errno == Ptrace.ESRCH && !seized.isEmpty()) continue; // the thread exited
                        if (e.errno == Ptrace.ESRCH) throw new GcoreException("no such process: " + pid);
                        if (e.errno == Ptrace.EPERM) throw new GcoreException(notPermitted(pid, facts));
                        throw new GcoreException("cannot trace " + pid + ": " + e.getMessage());
                    }
                    seized.add(tid);
                    s.tids.add(tid);
                    added = true;
                    try {
                        Ptrace.call(Ptrace.PTRACE_INTERRUPT, tid, 0, 0, "stopping thread " + tid);
                        if (!Ptrace.waitStopped(pid, tid)) s.tids.remove(Integer.valueOf(tid));
                    } catch (PtraceException e) {
                        s.tids.remove(Integer.valueOf(tid)); // exited between seize and stop
                    }
                }
                if (!added) {
                    if (s.tids.isEmpty()) throw new GcoreException("no such process: " + pid);
                    // the main thread's notes come first (the kernel's order: the dumping thread, then the others)
                    s.tids.sort((a, b) -> a == pid ? -1 : b == pid ? 1 : Integer.compare(a, b));
                    return s;
                }
            }
            throw new GcoreException("process " + pid + " keeps starting threads: not all could be stopped");
        } catch (GcoreException | RuntimeException e) {
            s.resume();
            throw e;
        }
    }

    static List<Integer> tasks(int pid) throws GcoreException {
        List<Integer> out = new ArrayList<>();
        try (var ds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path p : ds) {
                try {
                    out.add(Integer.parseInt(p.getFileName().toString()));
                } catch (NumberFormatException ignored) {
                    // not a thread
                }
            }
        } catch (IOException e) {
            throw new GcoreException("no such process: " + pid);
        }
        out.sort(null);
        return out;
    }

    /** Why ptrace refused: Yama's scope, another tracer, or missing privileges, and what to do. */
    static String notPermitted(int pid, ProcessFacts facts) {
        String scope = "";
        try {
            scope = Files.readString(Path.of("/proc/sys/kernel/yama/ptrace_scope")).trim();
        } catch (IOException ignored) {
            // no Yama
        }
        if (facts.tracerPid != 0) {
            return "not permitted to trace " + pid + ": it is already traced by pid " + facts.tracerPid
                    + " (a debugger or strace): detach that first";
        }
        boolean root = "0".equals(uidOfSelf());
        if (scope.equals("3")) {
            return "not permitted to trace " + pid + ": /proc/sys/kernel/yama/ptrace_scope is 3 (no process may trace another;"
                    + " only a reboot lowers it)";
        }
        if (scope.equals("2") && !root) {
            return "not permitted to trace " + pid + ": /proc/sys/kernel/yama/ptrace_scope is 2 (admin only):"
                    + " run jsmdb as root or with CAP_SYS_PTRACE";
        }
        if (scope.equals("1") && !root) {
            return "not permitted to trace " + pid + ": /proc/sys/kernel/yama/ptrace_scope is 1 (only descendants):"
                    + " run jsmdb as root, or set it to 0 (sysctl kernel.yama.ptrace_scope=0)";
        }
        if (facts.uid != -1 && !String.valueOf(facts.uid).equals(uidOfSelf())) {
            return "not permitted to trace " + pid + ": it belongs to uid " + facts.uid + ", jsmdb runs as uid " + uidOfSelf()
                    + ": run jsmdb as that user or as root";
        }
        return "not permitted to trace " + pid + ": ptrace needs CAP_SYS_PTRACE here (in a container: run it with"
                + " --cap-add=SYS_PTRACE, or without a seccomp profile that blocks ptrace)";
    }

    private static String uidOfSelf() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("Uid:")) return l.split("\\s+")[1];
            }
        } catch (IOException ignored) {
            // unknown
        }
        return "?";
    }

    // ---- what the core says about the process ---------------------------------------------------

    /** The process's ids, state, names and auxiliary vector, read from /proc before it is stopped. */
    static final class ProcessFacts {
        int ppid, pgrp, sid, nice, uid = -1, gid = -1, tracerPid, mappingCount;
        char state = 'R';
        String comm = "", args = "";
        byte[] auxv = new byte[0];

        static ProcessFacts read(int pid) throws GcoreException {
            ProcessFacts f = new ProcessFacts();
            Path proc = Path.of("/proc/" + pid);
            try {
                String stat = Files.readString(proc.resolve("stat"));
                // "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses
                int close = stat.lastIndexOf(')');
                f.comm = stat.substring(stat.indexOf('(') + 1, close);
                String[] rest = stat.substring(close + 2).split(" ");
                f.state = rest[0].charAt(0);
                f.ppid = Integer.parseInt(rest[1]);
                f.pgrp = Integer.parseInt(rest[2]);
                f.sid = Integer.parseInt(rest[3]);
                f.nice = Integer.parseInt(rest[16]);
                for (String l : Files.readAllLines(proc.resolve("status"))) {
                    if (l.startsWith("Uid:")) f.uid = Integer.parseInt(l.split("\\s+")[1]);
                    if (l.startsWith("Gid:")) f.gid = Integer.parseInt(l.split("\\s+")[1]);
                    if (l.startsWith("TracerPid:")) f.tracerPid = Integer.parseInt(l.split("\\s+")[1]);
                }
                byte[] cmdline = Files.readAllBytes(proc.resolve("cmdline"));
                f.args = new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' ').trim();
            } catch (IOException | RuntimeException e) {
                throw new GcoreException("no such process: " + pid);
            }
            try {
                f.auxv = Files.readAllBytes(proc.resolve("auxv"));
            } catch (IOException e) {
                // readable only with ptrace access: the seize that follows says why not
            }
            return f;
        }
    }

    private static long hex(String s) {
        try {
            return Long.parseUnsignedLong(s.trim(), 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A thread's pending and blocked signal masks (SigPnd, SigBlk of its status). */
    private static long[] signalMasks(int pid, int tid) {
        long[] out = new long[2];
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/task/" + tid + "/status"))) {
                if (l.startsWith("SigPnd:")) out[0] = hex(l.substring(7));
                if (l.startsWith("SigBlk:")) out[1] = hex(l.substring(7));
            }
        } catch (IOException ignored) {
            // zeros
        }
        return out;
    }

    // ---- writing -------------------------------------------------------------------------------

    private static long write(int pid, ProcessFacts facts, Stopped stopped, Path out) throws IOException, GcoreException {
        ProcessMappings maps;
        try {
            maps = ProcessMappings.of(pid);
        } catch (IOException e) {
            throw new GcoreException("cannot read the mappings of " + pid + ": " + e.getMessage());
        }
        facts.mappingCount = maps.mappings().size();
        try (FileChannel mem = FileChannel.open(Path.of("/proc/" + pid + "/mem"), StandardOpenOption.READ);
             FileChannel core = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                     StandardOpenOption.WRITE)) {
            List<ProcessMappings.Mapping> ms = maps.mappings();
            long[] sizes = new long[ms.size()];
            for (int i = 0; i < ms.size(); i++) sizes[i] = maps.dumpSize(ms.get(i), addr -> isElf(mem, addr));
            CoreWriter w = new CoreWriter();
            List<CoreWriter.FileMapping> files = new ArrayList<>();
            for (ProcessMappings.Mapping m : ms) {
                if (m.fileBacked()) files.add(new CoreWriter.FileMapping(m.start(), m.end(), m.offset(), m.path()));
            }
            boolean first = true;
            for (int tid : stopped.tids) {
                byte[] gp;
                byte[] fp;
                byte[] xstate;
                try {
                    gp = Ptrace.regset(tid, Ptrace.NT_PRSTATUS, Ptrace.GP_REGS_BYTES);
                    fp = Ptrace.regset(tid, Ptrace.NT_PRFPREG, Ptrace.FP_REGS_BYTES);
                    xstate = Ptrace.regset(tid, Ptrace.NT_X86_XSTATE, Ptrace.XSTATE_MAX_BYTES);
                } catch (PtraceException e) {
                    throw new GcoreException("cannot read the registers of thread " + tid + ": " + e.getMessage());
                }
                long[] sig = signalMasks(pid, tid);
                w.note("CORE", CoreWriter.NT_PRSTATUS, CoreWriter.prstatus(tid, facts.ppid, facts.pgrp, facts.sid, sig[0], sig[1], gp,
                        fp.length > 0));
                if (first) {
                    w.note("CORE", CoreWriter.NT_PRPSINFO, CoreWriter.prpsinfo(facts.state, facts.nice, facts.uid, facts.gid, pid,
                            facts.ppid, facts.pgrp, facts.sid, facts.comm, facts.args));
                    if (facts.auxv.length > 0) w.note("CORE", CoreWriter.NT_AUXV, facts.auxv);
                    w.note("CORE", CoreWriter.NT_FILE, CoreWriter.fileNote(files));
                    first = false;
                }
                if (fp.length > 0) w.note("CORE", CoreWriter.NT_FPREGSET, fp);
                if (xstate.length > 0) w.note("LINUX", CoreWriter.NT_X86_XSTATE, xstate);
            }
            w.note("JSMDB", CoreWriter.NT_JSMDB_CAPTURE,
                    ("jsmdb gcore of a live process at " + Instant.now() + "; it was stopped while its memory was copied")
                            .getBytes(StandardCharsets.UTF_8));
            List<CoreWriter.Load> loads = CoreWriter.loads(ms, sizes);
            CoreWriter.Layout layout = w.layout(loads);
            writeFully(core, ByteBuffer.wrap(layout.header()), 0);
            ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
            for (int i = 0; i < loads.size(); i++) {
                CoreWriter.Load l = loads.get(i);
                if (l.filesz() > 0) copy(mem, l.vaddr(), l.filesz(), core, layout.fileOffsets()[i], buf);
            }
            // the last load may end in a hole the file must still cover
            if (core.size() < layout.fileSize()) writeFully(core, ByteBuffer.allocate(1), layout.fileSize() - 1);
            return layout.fileSize();
        }
    }

    private static boolean isElf(FileChannel mem, long addr) {
        ByteBuffer b = ByteBuffer.allocate(4);
        try {
            while (b.hasRemaining() && mem.read(b, addr + b.position()) > 0) { }
        } catch (IOException e) {
            return false;
        }
        return b.position() == 4 && b.get(0) == 0x7f && b.get(1) == 'E' && b.get(2) == 'L' && b.get(3) == 'F';
    }

    /**
     * Copies len bytes of memory from addr to the core at pos. A chunk that cannot be read is
     * retried page by page, and a page that cannot be read is left a hole (zeros), as the kernel
     * leaves the pages it cannot get.
     */
    private static void copy(FileChannel mem, long addr, long len, FileChannel core, long pos, ByteBuffer buf) throws IOException {
        long done = 0;
        while (done < len) {
            int n = (int) Math.min(buf.capacity(), len - done);
            buf.clear().limit(n);
            if (readFully(mem, buf, addr + done)) {
                buf.flip();
                writeFully(core, buf, pos + done);
            } else {
                for (long p = 0; p < n; p += CoreWriter.PAGE) {
                    int m = (int) Math.min(CoreWriter.PAGE, n - p);
                    buf.clear().limit(m);
                    if (readFully(mem, buf, addr + done + p)) {
                        buf.flip();
                        writeFully(core, buf, pos + done + p);
                    }
                }
            }
            done += n;
        }
    }

    private static boolean readFully(FileChannel ch, ByteBuffer b, long at) {
        try {
            long start = b.position();
            while (b.hasRemaining()) {
                int r = ch.read(b, at + b.position() - start);
                if (r <= 0) return false;
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        long start = b.position();
        while (b.hasRemaining()) ch.write(b, at + b.position() - start);
    }
}
