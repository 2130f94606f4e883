package io.jsmdb.live;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code jsmdb -p PID}: a live process looked at through a core of it held in memory, not on
 * disk. The process is stopped while its memory is copied (the same capture as {@code jsmdb
 * gcore}) and runs on as soon as the copy is made; the commands then read the copy, which is the
 * process as it was at that moment. The copy lives in an anonymous memory file (memfd), gone
 * when jsmdb exits.
 */
public final class LiveSnapshot implements AutoCloseable {
    private final int fd;
    private final Path core;
    private final Path executable;
    private final Gcore.Result result;

    private LiveSnapshot(int fd, Path core, Path executable, Gcore.Result result) {
        this.fd = fd;
        this.core = core;
        this.executable = executable;
        this.result = result;
    }

    /** The in-memory core (a /proc/self/fd path jsmdb can open and map like any core). */
    public Path core() { return core; }

    /** The process's executable: its path when that file is still the one running, else /proc/PID/exe. */
    public Path executable() { return executable; }

    public Gcore.Result result() { return result; }

    public static LiveSnapshot capture(int pid) throws Gcore.GcoreException {
        Path exe = Path.of("/proc/" + pid + "/exe");
        if (!Files.isDirectory(Path.of("/proc/" + pid))) throw new Gcore.GcoreException("no such process: " + pid);
        Path executable;
        try {
            Path real = Files.readSymbolicLink(exe);
            // a binary replaced or deleted since the process started is read through the link itself
            executable = Files.isRegularFile(real) && !real.toString().endsWith(" (deleted)") ? real : exe;
        } catch (IOException | UnsupportedOperationException e) {
            throw new Gcore.GcoreException("cannot read /proc/" + pid + "/exe: " + e.getMessage()
                    + " (jsmdb -p needs the same access as a debugger: run it as the process's user or as root)");
        }
        int fd = memfd("jsmdb-core-" + pid);
        Path core = Path.of("/proc/self/fd/" + fd);
        try {
            Gcore.Result r = Gcore.capture(pid, core);
            return new LiveSnapshot(fd, core, executable, r);
        } catch (Gcore.GcoreException | RuntimeException e) {
            close(fd);
            throw e;
        }
    }

    @Override
    public void close() {
        close(fd);
    }

    // ---- memfd_create and close through java.lang.foreign ---------------------------------------

    private static final MethodHandle MEMFD_CREATE, CLOSE;

    static {
        Linker linker = Linker.nativeLinker();
        MEMFD_CREATE = linker.downcallHandle(linker.defaultLookup().find("memfd_create").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        CLOSE = linker.downcallHandle(linker.defaultLookup().find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    /** MFD_CLOEXEC: not inherited by the shell commands jsmdb runs ("! sort"). */
    private static final int MFD_CLOEXEC = 1;

    private static int memfd(String name) throws Gcore.GcoreException {
        try (Arena a = Arena.ofConfined()) {
            int fd = (int) MEMFD_CREATE.invokeExact(a.allocateFrom(name), MFD_CLOEXEC);
            if (fd < 0) throw new Gcore.GcoreException("cannot make an in-memory file for the snapshot (memfd_create failed)");
            return fd;
        } catch (Gcore.GcoreException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("memfd_create call failed", t);
        }
    }

    private static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            // nothing to do
        }
    }
}
