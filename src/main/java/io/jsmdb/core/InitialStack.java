package io.jsmdb.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads argv and the environment from the process's initial stack, the block execve builds at
 * the top of the main thread's stack (Linux fs/exec.c and fs/binfmt_elf.c create_elf_tables),
 * from low to high addresses:
 *
 * <pre>
 *   argc | argv[0..argc-1] | NULL | envp[0..] | NULL | auxv pairs .. AT_NULL | AT_RANDOM bytes,
 *   platform strings | argv strings | envp strings | AT_EXECFN string | 8 zero bytes (stack top)
 * </pre>
 *
 * The strings are contiguous: each argv string follows the previous one's NUL, the environment
 * strings follow the last argument, and the AT_EXECFN string (copied first, so highest) follows
 * the last environment string. The auxiliary vector of NT_AUXV is the very array copied onto the
 * stack (mm->saved_auxv; gdb reads the same from /proc/PID/auxv), so its copy is found by
 * searching down from the strings, and argc and argv by walking back from it.
 *
 * <p>Everything read is hostile: the search, the walk and the string area are bounded, every
 * pointer must land in the string area, every string must end there, and any failure becomes
 * the one-line reason the caller reports next to its fallback.
 */
final class InitialStack {
    static final long AT_NULL = 0, AT_PLATFORM = 15, AT_RANDOM = 25, AT_EXECFN = 31;
    /** How far below the lowest auxv string the auxv copy may be: auxv, its padding and AT_RANDOM fit in far less. */
    static final long MAX_AUXV_SEARCH = 1 << 20;
    /**
     * The string area's largest size: Linux caps argv + envp strings at a quarter of the stack
     * rlimit and at 6 MiB (3/4 of _STK_LIM; fs/exec.c bprm_stack_limits). 32 MiB leaves room
     * for other kernels; more is a lying core.
     */
    static final int MAX_STRING_AREA = 32 << 20;
    /** At most this many argv + envp pointers (each needs a string of at least one byte, and 8 bytes itself). */
    static final int MAX_POINTERS = 1 << 21;
    /** PATH_MAX: the AT_EXECFN string is a path. */
    static final int MAX_EXECFN = 4096;
    /** Only the non-null pairs of the auxv are matched; more than this is not an auxv. */
    static final int MAX_AUXV_PAIRS = 512;

    /** The initial stack's argv and environment, or why they cannot be read. */
    record Result(List<String> argv, List<String> environment, boolean overwritten, String problem) {
        static Result fail(String problem) { return new Result(List.of(), List.of(), false, problem); }
        boolean ok() { return problem == null; }
    }

    private final AddressSpace mem;
    private final long[] auxvPairs;

    /**
     * @param auxvPairs the NT_AUXV note as key, value, key, value ... up to (not including) AT_NULL
     */
    InitialStack(AddressSpace mem, long[] auxvPairs) {
        this.mem = mem;
        this.auxvPairs = auxvPairs;
    }

    Result read() {
        try {
            return readOrFail();
        } catch (MemoryFault f) {
            return Result.fail(f.getMessage());
        }
    }

    private Result readOrFail() {
        if (auxvPairs.length < 2) return Result.fail("the core has no auxiliary vector (NT_AUXV)");
        if (auxvPairs.length > 2 * MAX_AUXV_PAIRS) return Result.fail("the auxiliary vector has " + auxvPairs.length / 2 + " entries, more than an auxv holds");
        Optional<Long> execfnAt = auxvValue(AT_EXECFN);
        if (execfnAt.isEmpty()) return Result.fail("the auxiliary vector has no AT_EXECFN");
        long execfn = execfnAt.get();
        long execfnEnd = stringEnd(execfn, MAX_EXECFN);
        if (execfnEnd < 0) return Result.fail(String.format("the AT_EXECFN string at 0x%x is unreadable or has no NUL within %d bytes", execfn, MAX_EXECFN));
        // The auxv copy lies just below the lowest string it points to (AT_RANDOM's bytes,
        // AT_PLATFORM), which lie below the argument strings.
        long searchFrom = execfn;
        for (long key : new long[] {AT_RANDOM, AT_PLATFORM}) {
            Optional<Long> v = auxvValue(key);
            if (v.isPresent() && Long.compareUnsigned(v.get(), execfn) < 0
                    && Long.compareUnsigned(execfn - v.get(), MAX_STRING_AREA) < 0 && Long.compareUnsigned(v.get(), searchFrom) < 0) {
                searchFrom = v.get();
            }
        }
        long auxvAt = findAuxvCopy(searchFrom & ~7L);
        if (auxvAt == 0) return Result.fail(String.format("no copy of the auxiliary vector on the stack below 0x%x", searchFrom));
        // The strings lie above the auxv and above AT_RANDOM's bytes and the platform string.
        long floor = auxvAt + 8L * (auxvPairs.length + 2);
        Optional<Long> random = auxvValue(AT_RANDOM), platform = auxvValue(AT_PLATFORM);
        if (random.isPresent() && within(random.get(), floor, execfn)) floor = random.get() + 16;
        if (platform.isPresent() && within(platform.get(), floor, execfn)) {
            long end = stringEnd(platform.get(), MAX_EXECFN);
            if (end > 0) floor = end + 1;
        }
        long argcAt = findArgc(auxvAt, floor, execfnEnd);
        if (argcAt == 0) return Result.fail(String.format("no argc before the auxiliary vector at 0x%x", auxvAt));
        int argc = (int) mem.readLong(argcAt);
        long[] argvPtrs = new long[argc];
        for (int i = 0; i < argc; i++) argvPtrs[i] = mem.readLong(argcAt + 8 + 8L * i);
        List<Long> envPtrs = new ArrayList<>();
        for (long p = argcAt + 8 + 8L * (argc + 1); Long.compareUnsigned(p, auxvAt) < 0; p += 8) {
            long v = mem.readLong(p);
            if (v == 0) break; // the end of envp (glibc's unsetenv moves the NULL down in place)
            envPtrs.add(v);
        }
        // The string area: from argv[0] (the lowest string, mm->arg_start) up to AT_EXECFN's NUL.
        // envp[] is not used to find it: while environ is this very array, glibc's setenv
        // replaces its entries with heap pointers and unsetenv shifts them down.
        long lo = argc > 0 ? argvPtrs[0] : execfn;
        for (long p : argvPtrs) if (Long.compareUnsigned(p, lo) < 0) lo = p;
        if (Long.compareUnsigned(lo, floor) < 0 || Long.compareUnsigned(lo, execfn) > 0 || execfnEnd - lo > MAX_STRING_AREA) {
            return Result.fail(String.format("argv points outside the string area (0x%x .. 0x%x)", lo, execfnEnd));
        }
        byte[] area = mem.readBytes(lo, (int) (execfnEnd - lo));
        int execfnOff = (int) (execfn - lo);
        List<String> argv = new ArrayList<>(argc);
        boolean contiguous = true;
        int expected = 0; // where the next string starts in the kernel's layout
        for (int i = 0; i < argc; i++) {
            int off = (int) (argvPtrs[i] - lo);
            int nul = nul(area, off, execfnOff);
            if (nul < 0) return Result.fail(String.format("argv[%d] at 0x%x has no NUL before the AT_EXECFN string", i, argvPtrs[i]));
            if (off != expected) contiguous = false;
            argv.add(decode(area, off, nul));
            expected = nul + 1;
        }
        // The environment: the strings between the last argument and AT_EXECFN, exactly as execve
        // received them, whatever setenv/unsetenv did to envp[] since.
        List<String> env = new ArrayList<>();
        if (contiguous) {
            java.util.Set<Integer> starts = new java.util.HashSet<>();
            for (int off = expected; off < execfnOff; ) {
                int nul = nul(area, off, execfnOff);
                if (nul < 0) return Result.fail("the environment strings do not end before the AT_EXECFN string");
                starts.add(off);
                env.add(decode(area, off, nul));
                off = nul + 1;
            }
            // A title that leaves the argument pointers consistent (argc 1, or a title as long as
            // argv[0] when the other arguments were empty) still shows: libuv zeroes the rest of
            // the argument area, and the kernel's layout never has a run of NULs between the
            // last argument and the first environment string envp[] still names. envp[] entries
            // in the string area must also start environment strings. (unsetenv only removes
            // entries, keeping their order; setenv's heap pointers are outside the area.)
            int firstEnv = execfnOff;
            for (long p : envPtrs) {
                if (!within(p, lo, execfn)) continue;
                int off = (int) (p - lo);
                if (!starts.contains(off)) contiguous = false;
                firstEnv = Math.min(firstEnv, off);
            }
            if (expected < firstEnv && allZero(area, expected, firstEnv)) contiguous = false;
        }
        if (!contiguous) {
            // The end of the arguments is unknown: take the environment from envp[] (those
            // entries that still point into the string area).
            env.clear();
            for (long p : envPtrs) {
                if (!within(p, lo, execfn)) continue;
                int off = (int) (p - lo);
                int nul = nul(area, off, execfnOff);
                if (nul < 0) return Result.fail(String.format("an environment string at 0x%x has no NUL before the AT_EXECFN string", p));
                env.add(decode(area, off, nul));
            }
        }
        return new Result(argv, env, !contiguous, null);
    }

    private Optional<Long> auxvValue(long key) {
        for (int i = 0; i + 1 < auxvPairs.length; i += 2) if (auxvPairs[i] == key) return Optional.of(auxvPairs[i + 1]);
        return Optional.empty();
    }

    /** The end (address of the NUL) of a string of at most max bytes, or -1. */
    private long stringEnd(long at, int max) {
        for (int i = 0; i < max; i++) {
            if (!mem.isReadable(at + i, 1)) return -1;
            if (mem.readByte(at + i) == 0) return at + i;
        }
        return -1;
    }

    /** The address of the auxv copy: searched word by word downwards, stopping at unreadable memory. */
    private long findAuxvCopy(long from) {
        long bytes = 8L * (auxvPairs.length + 2); // the pairs and the AT_NULL pair
        for (long a = from - bytes, n = 0; n < MAX_AUXV_SEARCH / 8; a -= 8, n++) {
            if (!mem.isReadable(a, bytes)) return 0;
            if (mem.readLong(a) != auxvPairs[0]) continue;
            boolean match = mem.readLong(a + 8L * auxvPairs.length) == AT_NULL;
            for (int i = 1; match && i < auxvPairs.length; i++) match = mem.readLong(a + 8L * i) == auxvPairs[i];
            if (match) return a;
        }
        return 0;
    }

    /**
     * Walks back from the auxv over envp's and argv's NULL-terminated pointer arrays to argc: the
     * first non-zero word no larger than the number of words walked. It is argc when that many
     * pointers into [stringsStart, stringsEnd) and a NULL follow it. Returns 0 when nothing fits.
     */
    private long findArgc(long auxvAt, long stringsStart, long stringsEnd) {
        for (long p = auxvAt - 8, n = 0; n < MAX_POINTERS + 3; p -= 8, n++) {
            if (!mem.isReadable(p, 8)) return 0;
            long v = mem.readLong(p);
            // NULLs and pointers (envp entries may point into the heap after setenv) are passed
            // over; pointers are never as small as the count of words walked.
            if (v == 0 || Long.compareUnsigned(v, n) > 0) continue;
            for (long i = 0; i < v; i++) {
                long ptr = mem.readLong(p + 8 + 8 * i);
                if (!within(ptr, stringsStart, stringsEnd)) return 0;
            }
            return mem.readLong(p + 8 + 8 * v) == 0 ? p : 0;
        }
        return 0;
    }

    /** from <= addr < to, unsigned. */
    private static boolean within(long addr, long from, long to) {
        return Long.compareUnsigned(addr, from) >= 0 && Long.compareUnsigned(addr, to) < 0;
    }

    private static boolean allZero(byte[] area, int from, int to) {
        for (int i = from; i < to; i++) if (area[i] != 0) return false;
        return true;
    }

    private static int nul(byte[] area, int from, int limit) {
        if (from < 0 || from >= limit) return -1;
        for (int i = from; i < limit; i++) if (area[i] == 0) return i;
        return -1;
    }

    private static String decode(byte[] area, int from, int to) {
        return new String(area, from, to - from, StandardCharsets.UTF_8);
    }
}
