package io.jsmdb.core;

import static org.junit.jupiter.api.Assertions.*;

import io.jsmdb.core.CommandLine.Source;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line from synthetic initial stacks laid out as Linux's execve lays them out, then
 * damaged the ways a process or a hostile core can: every failure falls back and says why.
 */
@Timeout(20)
class InitialStackTest {
    @TempDir Path tmp;

    static final long STACK = 0x7ffd_0000_0000L, STACK_SIZE = 0x8000;
    static final List<String> ARGV = List.of("/usr/local/bin/node", "--max-old-space-size=4096", "--enable-source-maps",
            "/srv/app/dist/server/main.js", "--port", "8080", "--name", "two words", "");
    static final List<String> ENV = List.of("PATH=/usr/bin:/bin", "HOME=/root", "NODE_ENV=production");
    static final String EXECFN = "/usr/local/bin/node";

    /** An initial stack as create_elf_tables writes it, with the addresses of its parts. */
    static final class Stack {
        final byte[] bytes = new byte[(int) STACK_SIZE];
        final ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long argcAt, auxvAt, execfnAt, randomAt, platformAt;
        long[] argvAt, envAt;
        long[] auxv;

        Stack(List<String> argv, List<String> env) {
            int top = (int) STACK_SIZE - 8; // the top word stays zero
            top -= EXECFN.length() + 1;
            int execfnOff = top;
            put(execfnOff, EXECFN);
            int[] envOff = new int[env.size()], argvOff = new int[argv.size()];
            int size = 0;
            for (String s : argv) size += utf8(s).length + 1;
            for (String s : env) size += utf8(s).length + 1;
            int p = top - size; // arg_start: argv strings, then env strings, contiguous
            for (int i = 0; i < argv.size(); i++) { argvOff[i] = p; put(p, argv.get(i)); p += utf8(argv.get(i)).length + 1; }
            for (int i = 0; i < env.size(); i++) { envOff[i] = p; put(p, env.get(i)); p += utf8(env.get(i)).length + 1; }
            int platform = top - size - 7;
            put(platform, "x86_64");
            int random = (platform - 16) & ~15;
            for (int i = 0; i < 16; i++) bytes[random + i] = (byte) (0xa0 + i);
            execfnAt = STACK + execfnOff;
            randomAt = STACK + random;
            platformAt = STACK + platform;
            auxv = new long[] {33, 0x7ffd_0001_0000L, 6, 4096, 3, 0x400040, 9, 0x401000, 25, randomAt, 31, execfnAt, 15, platformAt};
            int words = 1 + argv.size() + 1 + env.size() + 1 + auxv.length + 2;
            int sp = (random - 8 * words) & ~15;
            argcAt = STACK + sp;
            buf.putLong(sp, argv.size());
            argvAt = new long[argv.size()];
            envAt = new long[env.size()];
            int w = sp + 8;
            for (int i = 0; i < argv.size(); i++, w += 8) buf.putLong(w, argvAt[i] = STACK + argvOff[i]);
            buf.putLong(w, 0);
            w += 8;
            for (int i = 0; i < env.size(); i++, w += 8) buf.putLong(w, envAt[i] = STACK + envOff[i]);
            buf.putLong(w, 0);
            w += 8;
            auxvAt = STACK + w;
            for (long v : auxv) { buf.putLong(w, v); w += 8; }
            // Below argc: the program's own stack frames, as garbage
            for (int i = 0x100; i < sp; i += 8) buf.putLong(i, 0x5555_0000_0000L + i);
        }

        void put(int off, String s) {
            byte[] b = utf8(s);
            System.arraycopy(b, 0, bytes, off, b.length);
            bytes[off + b.length] = 0;
        }

        int off(long addr) { return (int) (addr - STACK); }
    }

    static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private CommandLine open(Stack st, Consumer<SyntheticCore> more) throws Exception {
        SyntheticCore sc = new SyntheticCore().load(STACK, STACK_SIZE, st.bytes, 6).auxv(st.auxv);
        more.accept(sc);
        Path p = tmp.resolve("core" + System.nanoTime());
        Files.write(p, sc.build());
        try (CoreFile c = CoreFile.open(p)) {
            CommandLine cl = c.commandLine();
            assertSame(cl, c.commandLine(), "computed once");
            return cl;
        }
    }

    private CommandLine open(Stack st) throws Exception {
        return open(st, sc -> sc.psinfo(String.join(" ", ARGV)));
    }

    private static void assertFallback(CommandLine cl, Source source, String problem) {
        assertEquals(source, cl.source(), cl.describeSource());
        assertNotNull(cl.stackProblem(), cl.describeSource());
        assertTrue(cl.stackProblem().contains(problem), "expected '" + problem + "' in: " + cl.stackProblem());
        assertTrue(cl.describeSource().contains("not from the initial stack: "), cl.describeSource());
        assertFalse(cl.describeSource().contains("\n"));
    }

    @Test
    void theFullCommandLineAndEnvironmentWherePsinfoKeeps79Characters() throws Exception {
        CommandLine cl = open(new Stack(ARGV, ENV));
        assertEquals(Source.INITIAL_STACK, cl.source(), cl.describeSource());
        assertEquals(ARGV, cl.argv());
        assertEquals(ENV, cl.environment());
        assertTrue(cl.separated());
        assertEquals("from the initial stack", cl.describeSource());
        assertTrue(String.join(" ", ARGV).length() > 79, "the test needs a command line psinfo cuts");
    }

    @Test
    void noEnvironmentAndOneArgument() throws Exception {
        CommandLine cl = open(new Stack(List.of("node"), List.of()));
        assertEquals(Source.INITIAL_STACK, cl.source(), cl.describeSource());
        assertEquals(List.of("node"), cl.argv());
        assertEquals(List.of(), cl.environment());
    }

    @Test
    void environmentEditedInPlaceBySetenvAndUnsetenvStillReadsAsExecveGaveIt() throws Exception {
        Stack st = new Stack(ARGV, ENV);
        // While environ is the stack's array: setenv replaces an entry with a heap pointer,
        // unsetenv shifts the rest down over the removed one, NULL included.
        long envp = st.argcAt + 8 + 8L * (ARGV.size() + 1);
        st.buf.putLong(st.off(envp), 0x0000_5600_1234_5670L);
        st.buf.putLong(st.off(envp + 8), st.envAt[2]);
        st.buf.putLong(st.off(envp + 16), 0);
        CommandLine cl = open(st);
        assertEquals(Source.INITIAL_STACK, cl.source(), cl.describeSource());
        assertEquals(ARGV, cl.argv());
        assertEquals(ENV, cl.environment());
    }

    @Test
    void processTitleOverwritingTheArgumentsIsDetected() throws Exception {
        Stack st = new Stack(ARGV, ENV);
        // libuv's uv_set_process_title: the title at argv[0], zeros up to the end of the arguments
        int from = st.off(st.argvAt[0]), to = st.off(st.envAt[0]);
        java.util.Arrays.fill(st.bytes, from, to, (byte) 0);
        st.put(from, "my-server");
        CommandLine cl = open(st);
        assertEquals(Source.INITIAL_STACK_OVERWRITTEN, cl.source(), cl.describeSource());
        assertEquals("my-server", cl.argv().get(0));
        assertEquals(ARGV.size(), cl.argv().size());
        assertEquals(ENV, cl.environment(), "the environment strings are not touched by a title");
        assertTrue(cl.describeSource().contains("process.title"), cl.describeSource());
    }

    @Test
    void aTitleAsLongAsArgv0IsDetectedToo() throws Exception {
        Stack st = new Stack(ARGV, ENV);
        int from = st.off(st.argvAt[0]), to = st.off(st.envAt[0]);
        java.util.Arrays.fill(st.bytes, from, to, (byte) 0);
        st.put(from, "x".repeat(ARGV.get(0).length()));
        CommandLine cl = open(st);
        assertEquals(Source.INITIAL_STACK_OVERWRITTEN, cl.source(), cl.describeSource());
        assertEquals(ENV, cl.environment());
    }

    @Test
    void aTitleOverASingleArgumentIsDetectedByTheZerosItLeaves() throws Exception {
        for (List<String> env : List.of(ENV, List.<String>of())) {
            Stack st = new Stack(List.of("/usr/local/bin/node"), env);
            int from = st.off(st.argvAt[0]), to = from + "/usr/local/bin/node".length() + 1;
            java.util.Arrays.fill(st.bytes, from, to, (byte) 0);
            st.put(from, "srv");
            CommandLine cl = open(st);
            assertEquals(Source.INITIAL_STACK_OVERWRITTEN, cl.source(), env + ": " + cl.describeSource());
            assertEquals(List.of("srv"), cl.argv());
            assertEquals(env, cl.environment());
        }
    }

    @Test
    void anEnvironmentPointerThatStartsNoStringMeansTheLayoutChanged() throws Exception {
        Stack st = new Stack(ARGV, ENV);
        long envp = st.argcAt + 8 + 8L * (ARGV.size() + 1);
        st.buf.putLong(st.off(envp + 8), st.envAt[1] + 2); // into the middle of HOME=/root
        CommandLine cl = open(st);
        assertEquals(Source.INITIAL_STACK_OVERWRITTEN, cl.source(), cl.describeSource());
        assertEquals(ARGV, cl.argv());
    }

    @Test
    void argvPointingOutsideTheStringAreaFallsBackToPsinfo() throws Exception {
        Stack st = new Stack(ARGV, ENV);
        st.buf.putLong(st.off(st.argcAt + 8 + 8 * 3), 0x0000_5600_0000_0000L); // argv[3] into the heap
        CommandLine cl = open(st);
        assertFallback(cl, Source.PSINFO, "no argc before the auxiliary vector");
        assertEquals(List.of(String.join(" ", ARGV).substring(0, 79)), cl.argv());
        assertTrue(cl.describeSource().startsWith("from psinfo (truncated to 80 chars)"), cl.describeSource());
        assertFalse(cl.separated());
    }

    @Test
    void argvPointingBackIntoTheAuxvIsRefused() throws Exception {
        Stack st = new Stack(ARGV, ENV);
        st.buf.putLong(st.off(st.argcAt + 8), st.auxvAt + 8);
        assertFallback(open(st), Source.PSINFO, "no argc");
    }

    @Test
    void stringsWithoutATerminatingNulFallBack() throws Exception {
        Stack st = new Stack(ARGV, ENV);
        java.util.Arrays.fill(st.bytes, st.off(st.argvAt[0]), st.off(st.execfnAt), (byte) 'x');
        assertFallback(open(st), Source.PSINFO, "has no NUL before the AT_EXECFN string");
        // The AT_EXECFN string itself running to the end of the mapping
        Stack st2 = new Stack(ARGV, ENV);
        java.util.Arrays.fill(st2.bytes, st2.off(st2.execfnAt), (int) STACK_SIZE, (byte) 'y');
        assertFallback(open(st2), Source.PSINFO, "AT_EXECFN string");
    }

    @Test
    void lyingArgcAndPointerLoopsStayBounded() throws Exception {
        Stack st = new Stack(ARGV, ENV);
        st.buf.putLong(st.off(st.argcAt), Integer.MAX_VALUE);
        assertFallback(open(st), Source.PSINFO, "no argc");
        // Every argv entry names the same string: no longer the kernel's layout.
        Stack st2 = new Stack(ARGV, ENV);
        for (int i = 0; i < ARGV.size(); i++) st2.buf.putLong(st2.off(st2.argcAt + 8 + 8L * i), st2.argvAt[0]);
        CommandLine cl = open(st2);
        assertEquals(Source.INITIAL_STACK_OVERWRITTEN, cl.source());
        assertEquals(ARGV.size(), cl.argv().size());
        // A stack of nothing but pointers to itself: the walk ends at its bound, not in a loop.
        Stack st3 = new Stack(ARGV, ENV);
        for (int w = 0; w < st3.off(st3.auxvAt); w += 8) st3.buf.putLong(w, st3.execfnAt - 1);
        assertFallback(open(st3), Source.PSINFO, "no argc");
    }

    @Test
    void auxvPointingOutsideTheCoreFallsBack() throws Exception {
        Stack st = new Stack(ARGV, ENV);
        st.auxv[11] = 0x10; // AT_EXECFN nowhere
        assertFallback(open(st), Source.PSINFO, "AT_EXECFN string at 0x10 is unreadable");
    }

    @Test
    void aStackMissingFromTheCoreFallsBackToGcoresProgramName() throws Exception {
        Stack st = new Stack(ARGV, ENV);
        SyntheticCore sc = new SyntheticCore().loadAt(STACK, STACK_SIZE, 0, 0).auxv(st.auxv).psinfo(ARGV.get(0)).gdb();
        Path p = tmp.resolve("gcore");
        Files.write(p, sc.build());
        try (CoreFile c = CoreFile.open(p)) {
            CommandLine cl = c.commandLine();
            assertFallback(cl, Source.PSINFO_PROGRAM_NAME, "AT_EXECFN string");
            assertEquals(List.of(ARGV.get(0)), cl.argv());
            assertTrue(cl.describeSource().startsWith("program name only (gcore)"), cl.describeSource());
        }
    }

    @Test
    void withoutPsinfoTheExecfnPathAndThenNothing() throws Exception {
        Stack st = new Stack(ARGV, ENV);
        st.buf.putLong(st.off(st.argcAt), 0x4141); // argc gone
        CommandLine cl = open(st, sc -> { });
        assertFallback(cl, Source.EXECFN, "no argc");
        assertEquals(List.of(EXECFN), cl.argv());
        Path p = tmp.resolve("bare");
        Files.write(p, new SyntheticCore().load(STACK, STACK_SIZE, new byte[(int) STACK_SIZE], 6).build());
        try (CoreFile c = CoreFile.open(p)) {
            CommandLine none = c.commandLine();
            assertEquals(Source.NONE, none.source());
            assertEquals(List.of(), none.argv());
            assertTrue(none.stackProblem().contains("no auxiliary vector"), none.stackProblem());
        }
    }

    @Test
    void noCopyOfTheAuxvOnTheStack() throws Exception {
        Stack st = new Stack(ARGV, ENV);
        st.buf.putLong(st.off(st.auxvAt + 8), 12345); // AT_SYSINFO_EHDR's value differs from NT_AUXV's
        assertFallback(open(st), Source.PSINFO, "no copy of the auxiliary vector");
    }
}
