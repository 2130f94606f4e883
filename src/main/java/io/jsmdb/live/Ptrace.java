package io.jsmdb.live;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Linux x86-64 ptrace(2) and waitpid(2) through java.lang.foreign: the calls a tracer needs to
 * stop a live process, read each thread's registers and let it go. Every call must come from
 * the thread that seized the tracee (the kernel ties a tracee to its tracer thread). When the
 * tracing process exits, the kernel detaches its tracees and they run on.
 */
final class Ptrace {
    private Ptrace() {}

    // <sys/ptrace.h>, linux/ptrace.h
    static final int PTRACE_DETACH = 17, PTRACE_GETREGSET = 0x4204, PTRACE_SEIZE = 0x4206, PTRACE_INTERRUPT = 0x4207;
    // <elf.h> regset types
    static final int NT_PRSTATUS = 1, NT_PRFPREG = 2, NT_X86_XSTATE = 0x202;
    static final int WALL = 0x40000000;
    static final int ESRCH = 3, EPERM = 1, EINTR = 4, ECHILD = 10;
    /** user_regs_struct: 27 registers. */
    static final int GP_REGS_BYTES = 27 * 8;
    /** user_fpregs_struct (fxsave area). */
    static final int FP_REGS_BYTES = 512;
    /** Room for the XSAVE area (AVX-512 machines need about 2.7 KiB). */
    static final int XSTATE_MAX_BYTES = 8192;

    /** A failed call: the errno and what was being done. */
    static final class PtraceException extends Exception {
        final int errno;

        PtraceException(String what, int errno) {
            super(what + ": " + strerror(errno));
            this.errno = errno;
        }
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle PTRACE, WAITPID, STRERROR;

    static {
        Linker.Option errno = Linker.Option.captureCallState("errno");
        // long ptrace(enum __ptrace_request request, ...): variadic after the request
        PTRACE = LINKER.downcallHandle(LINKER.defaultLookup().find("ptrace").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG),
                errno, Linker.Option.firstVariadicArg(1));
        WAITPID = LINKER.downcallHandle(LINKER.defaultLookup().find("waitpid").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), errno);
        STRERROR = LINKER.downcallHandle(LINKER.defaultLookup().find("strerror").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE)),
                        ValueLayout.JAVA_INT));
    }

    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** ptrace(request, tid, addr, data); returns the result, throws with errno on -1. */
    static long call(int request, int tid, long addr, long data, String what) throws PtraceException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            long r = (long) PTRACE.invokeExact(state, request, tid, addr, data);
            if (r == -1) throw new PtraceException(what, (int) ERRNO.get(state, 0L));
            return r;
        } catch (PtraceException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("ptrace call failed", t);
        }
    }

    static final int WNOHANG = 1;
    /** How long a thread may take to reach its ptrace-stop after PTRACE_INTERRUPT. */
    static final long STOP_TIMEOUT_NANOS = 10_000_000_000L;

    /**
     * Waits until the thread is in its ptrace-stop; returns false if it exited. The stop is
     * normally reported to this thread by waitpid(__WALL); but when the tracee is also a child
     * of this process (a test that started it), another thread of the JVM (Java's process
     * reaper, blocked in waitpid for that child) can take the report first, so the thread's
     * state in /proc (t: tracing stop) is watched as well, never blocking on waitpid.
     */
    static boolean waitStopped(int pid, int tid) throws PtraceException {
        long deadline = System.nanoTime() + STOP_TIMEOUT_NANOS;
        java.nio.file.Path stat = java.nio.file.Path.of("/proc/" + pid + "/task/" + tid + "/stat");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            MemorySegment status = a.allocate(ValueLayout.JAVA_INT);
            long sleep = 20_000;
            while (true) {
                int r = (int) WAITPID.invokeExact(state, tid, status, WALL | WNOHANG);
                if (r == tid) {
                    int st = status.get(ValueLayout.JAVA_INT, 0);
                    if (stopped(st)) return true;
                    if (gone(st)) return false;
                }
                char s = threadState(stat);
                if (s == 't') return true;
                if (s == 0 || s == 'X' || s == 'Z') return false;
                if (System.nanoTime() > deadline) throw new PtraceException("thread " + tid + " did not stop", 62 /* ETIME */);
                java.util.concurrent.locks.LockSupport.parkNanos(sleep);
                sleep = Math.min(sleep * 2, 2_000_000);
            }
        } catch (PtraceException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("waitpid call failed", t);
        }
    }

    /** The state letter of /proc/PID/task/TID/stat (after the parenthesised name), or 0 if the thread is gone. */
    private static char threadState(java.nio.file.Path stat) {
        try {
            String s = java.nio.file.Files.readString(stat);
            int close = s.lastIndexOf(')');
            return close > 0 && close + 2 < s.length() ? s.charAt(close + 2) : 0;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /** WIFSTOPPED(status). */
    static boolean stopped(int status) {
        return (status & 0xff) == 0x7f;
    }

    /** WIFEXITED or WIFSIGNALED: the thread is gone. */
    static boolean gone(int status) {
        return !stopped(status) && (status & 0xffff) != 0xffff;
    }

    /**
     * PTRACE_GETREGSET of one register set into a byte array: the kernel says how many bytes it
     * filled (the XSAVE area's size depends on the CPU). Empty array when the set is not there.
     */
    static byte[] regset(int tid, int type, int max) throws PtraceException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(max, 16);
            MemorySegment iov = a.allocate(16, 8);
            iov.set(ValueLayout.JAVA_LONG, 0, buf.address());
            iov.set(ValueLayout.JAVA_LONG, 8, max);
            try {
                call(PTRACE_GETREGSET, tid, type, iov.address(), "reading registers (set " + type + ") of thread " + tid);
            } catch (PtraceException e) {
                if (e.errno == 19 /* ENODEV */ || e.errno == 22 /* EINVAL */) return new byte[0];
                throw e;
            }
            long n = Math.min(max, iov.get(ValueLayout.JAVA_LONG, 8));
            return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        }
    }
}
