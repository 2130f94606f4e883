package io.jsmdb.cmd;

import io.jsmdb.core.MemoryFault;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.jsmdb.cmd.CommandRunner.Status.*;
import static org.junit.jupiter.api.Assertions.*;

class CommandRunnerTest {
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final List<String> calls = new ArrayList<>();
    private final DcmdRegistry registry = new DcmdRegistry(List.of(new HelpDcmd(), new DcmdsDcmd(), new QuitDcmd()));
    private final CommandRunner runner = new CommandRunner(registry, null, outBytes,
            new PrintStream(errBytes, true, StandardCharsets.UTF_8), CommandRunner.Config.plain());

    CommandRunnerTest() {
        // ::nums [-n N]: emits 1..N (default 3) as "n=<i>" lines
        registry.register(FakeDcmd.of("nums", AddressMode.NONE, (self, ctx, inv) -> {
            int n = DcmdArgs.parse(self, inv.args(), "n:").intNumber('n', 3);
            ctx.out().println("header");
            for (int i = 1; i <= n; i++) {
                ctx.out().emitAddress(i, "n=" + i);
            }
        }));
        // ::double: ADDR -> 2*ADDR, records how it was called
        registry.register(FakeDcmd.of("double", AddressMode.REQUIRED, (self, ctx, inv) -> {
            long a = inv.address().getAsLong();
            calls.add("double " + a + " piped=" + inv.piped() + " first=" + ctx.firstInLoop() + " args=" + inv.args());
            ctx.out().emitAddress(2 * a);
        }));
        registry.register(FakeDcmd.of("show", AddressMode.OPTIONAL, (self, ctx, inv) -> {
            calls.add("show " + (inv.address().isPresent() ? Long.toHexString(inv.address().getAsLong()) : "-")
                    + " piped=" + inv.piped() + " pipedOut=" + ctx.out().addressesPiped());
            ctx.out().println("show " + (inv.address().isPresent() ? Long.toHexString(inv.address().getAsLong()) : "-"));
        }));
        registry.register(FakeDcmd.of("none", AddressMode.NONE, (self, ctx, inv) -> calls.add("none")));
        registry.register(FakeDcmd.of("fail", AddressMode.OPTIONAL, (self, ctx, inv) -> {
            calls.add("fail");
            throw new DcmdException("it went wrong");
        }));
        registry.register(FakeDcmd.of("oddfail", AddressMode.REQUIRED, (self, ctx, inv) -> {
            long a = inv.address().getAsLong();
            calls.add("oddfail " + a);
            if (a % 2 == 1) {
                throw new MemoryFault(a, 8, "not in the core");
            }
            ctx.out().println("ok " + a);
        }));
        registry.register(FakeDcmd.of("usagefail", AddressMode.OPTIONAL, (self, ctx, inv) -> {
            calls.add("usagefail");
            DcmdArgs.parse(self, List.of("-z"), "v");
        }));
        registry.register(FakeDcmd.of("npe", AddressMode.NONE, (self, ctx, inv) -> {
            String s = null;
            s.length();
        }));
        registry.register(FakeDcmd.of("ise", AddressMode.NONE, (self, ctx, inv) -> {
            throw new IllegalStateException("bad map word at 0x1000\nsecond line");
        }));
        registry.register(FakeDcmd.of("deep", AddressMode.NONE, (self, ctx, inv) -> recurse(0)));
        registry.register(FakeDcmd.of("warn", AddressMode.NONE, (self, ctx, inv) -> {
            ctx.out().println("before");
            ctx.warn("careful");
            assertNull(ctx.target());
            assertFalse(ctx.interactive());
            assertFalse(ctx.out().isTerminal());
        }));
        registry.register(FakeDcmd.of("lines", AddressMode.NONE, (self, ctx, inv) -> {
            int n = DcmdArgs.parse(self, inv.args(), "n:").intNumber('n', 10);
            for (int i = n; i > 0; i--) {
                ctx.out().printf("%d line%s%n", i, i == 1 ? "" : "s");
            }
        }));
    }

    private static int recurse(int n) {
        return recurse(n + 1) + 1;
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void addressesPrintWhenNotPiped() {
        assertEquals(OK, runner.run("::nums"));
        assertEquals("header\nn=1\nn=2\nn=3\n", out());
        assertEquals("", err());
    }

    @Test
    void defaultAddressLineIsPlainHex() {
        assertEquals(OK, runner.run("0x7f00::double"));
        assertEquals("fe00\n", out());
    }

    @Test
    void dcmdPipeRunsNextStageOncePerAddress() {
        assertEquals(OK, runner.run("::nums | ::double -x | ::show"));
        assertEquals(List.of(
                "double 1 piped=true first=true args=[-x]",
                "double 2 piped=true first=false args=[-x]",
                "double 3 piped=true first=false args=[-x]",
                "show 2 piped=true pipedOut=false",
                "show 4 piped=true pipedOut=false",
                "show 6 piped=true pipedOut=false"), calls);
        assertEquals("header\nshow 2\nshow 4\nshow 6\n", out(), "text of earlier stages is shown, addresses are not");
    }

    @Test
    void firstStageGetsItsOwnAddress() {
        assertEquals(OK, runner.run("0t21::double | ::show"));
        assertEquals(List.of("double 21 piped=false first=true args=[]", "show 2a piped=true pipedOut=false"), calls);
        assertEquals(OK, runner.run("::show"));
        assertEquals("show -", calls.getLast().substring(0, 6));
    }

    @Test
    void noAddressesMeansNextStageDoesNotRun() {
        assertEquals(OK, runner.run("::nums -n 0 | ::double | ::show"));
        assertEquals(List.of(), calls);
        assertEquals("header\n", out());
    }

    @Test
    void addressModes() {
        assertEquals(FAILED, runner.run("::double"));
        assertEquals("jsmdb: ::double: an address is required; usage: ADDR::double [-v]\n", err());
        errBytes.reset();
        assertEquals(FAILED, runner.run("10::none"));
        assertEquals("jsmdb: ::none: takes no address; usage: ::none [-v]\n", err());
        assertEquals(List.of(), calls);
        errBytes.reset();
        assertEquals(FAILED, runner.run("::nums | ::none"));
        assertEquals(1, err().lines().count(), "a usage error stops the pipe at once");
    }

    @Test
    void unknownDcmd() {
        assertEquals(FAILED, runner.run("::nums | ::nosuch"));
        assertEquals("jsmdb: unknown dcmd 'nosuch'; ::dcmds lists them\n", err());
        assertEquals("", out(), "nothing runs when a stage is unknown");
    }

    @Test
    void syntaxErrors() {
        assertEquals(FAILED, runner.run("nums"));
        assertEquals("jsmdb: expected '::dcmd', '!command' or '$q', not 'nums' (did you mean ::nums?)\n", err());
        errBytes.reset();
        assertEquals(FAILED, runner.run("zz::nums"));
        assertTrue(err().startsWith("jsmdb: bad address 'zz'"), err());
    }

    @Test
    void dcmdExceptionIsOneLine() {
        assertEquals(FAILED, runner.run("::fail"));
        assertEquals("jsmdb: ::fail: it went wrong\n", err());
    }

    @Test
    void unexpectedExceptionsAreOneLineWithoutStackTrace() {
        assertEquals(FAILED, runner.run("::ise"));
        assertEquals(FAILED, runner.run("::npe"));
        assertEquals(FAILED, runner.run("::deep"));
        List<String> lines = err().lines().toList();
        assertEquals(3, lines.size(), err());
        assertEquals("jsmdb: ::ise: bad map word at 0x1000", lines.get(0));
        assertTrue(lines.get(1).startsWith("jsmdb: ::npe: internal error: NullPointerException"), lines.get(1));
        assertTrue(lines.get(2).startsWith("jsmdb: ::deep: stack overflow"), lines.get(2));
        assertFalse(err().contains("\tat "));
    }

    @Test
    void debugPrintsStackTraces() {
        CommandRunner debug = new CommandRunner(registry, null, outBytes, new PrintStream(errBytes, true, StandardCharsets.UTF_8),
                new CommandRunner.Config(false, false, false, false, false, true));
        assertEquals(FAILED, debug.run("::ise"));
        assertTrue(err().startsWith("jsmdb: ::ise: bad map word at 0x1000\n"));
        assertTrue(err().contains("\tat "), err());
    }

    @Test
    void failingRunInAPipeDoesNotStopTheOthers() {
        assertEquals(FAILED, runner.run("::nums -n 4 | ::oddfail"));
        assertEquals(List.of("oddfail 1", "oddfail 2", "oddfail 3", "oddfail 4"), calls);
        assertEquals("header\nok 2\nok 4\n", out());
        assertEquals("jsmdb: ::oddfail: cannot read 8 bytes at 0x1: not in the core\n"
                + "jsmdb: ::oddfail: cannot read 8 bytes at 0x3: not in the core\n", err());
    }

    @Test
    void usageErrorStopsThePipe() {
        assertEquals(FAILED, runner.run("::nums | ::usagefail"));
        assertEquals(List.of("usagefail"), calls);
        assertEquals("jsmdb: ::usagefail: unknown option '-z'; usage: [ADDR]::usagefail [-v]\n", err());
    }

    @Test
    void warnings() {
        assertEquals(OK, runner.run("::warn"));
        assertEquals("before\n", out());
        assertEquals("jsmdb: warning: careful\n", err());
    }

    @Test
    void shellPipeThroughSort() {
        assertEquals(OK, runner.run("::lines -n 12 ! sort -n | head -3"));
        assertEquals("1 line\n2 lines\n3 lines\n", out());
        assertEquals("", err());
    }

    @Test
    void shellPipeOfADcmdPipe() {
        assertEquals(OK, runner.run("::nums | ::double | ::show ! sort -r"));
        assertEquals("show 6\nshow 4\nshow 2\nheader\n", out());
    }

    @Test
    void shellThatStopsReadingEarlyIsFine() {
        assertEquals(OK, runner.run("::lines -n 200000 ! head -1"));
        assertEquals("200000 lines\n", out());
        assertEquals("", err());
    }

    @Test
    void shellExitStatusCounts() {
        assertEquals(FAILED, runner.run("::lines ! grep nothing-matches"));
        assertEquals(FAILED, runner.run("!exit 3"));
        assertEquals(OK, runner.run("!echo hi; echo there >&2"));
        assertEquals("hi\n", out());
        assertEquals("there\n", err());
    }

    @Test
    void shellCommandInterleavesWithDcmdOutput() {
        assertEquals(OK, runner.run("::lines -n 1"));
        assertEquals(OK, runner.run("!echo test: next"));
        assertEquals(OK, runner.run("::lines -n 1"));
        assertEquals("1 line\ntest: next\n1 line\n", out());
    }

    @Test
    void failedDcmdInShellPipeFails() {
        assertEquals(FAILED, runner.run("::fail ! cat"));
        assertEquals("jsmdb: ::fail: it went wrong\n", err());
    }

    @Test
    void quitAndEmpty() {
        assertEquals(QUIT, runner.run("$q"));
        assertEquals(QUIT, runner.run("::quit"));
        assertEquals(OK, runner.run(""));
        assertEquals(FAILED, runner.run("::quit now"));
    }

    @Test
    void builtIns() {
        assertEquals(OK, runner.run("::dcmds"));
        List<String> lines = out().lines().toList();
        assertTrue(lines.contains("dcmds     - list the dcmds"), lines.toString());
        assertTrue(lines.contains("usagefail - fake usagefail"), lines.toString());
        assertEquals(lines.stream().sorted().toList(), lines, "sorted");
        outBytes.reset();
        assertEquals(OK, runner.run("::help"));
        assertTrue(out().contains("ADDR::dcmd"));
        assertTrue(out().contains("  nums      - fake nums"));
        outBytes.reset();
        assertEquals(OK, runner.run("::help ::double"));
        assertEquals("NAME\n  double - fake double\n\nSYNOPSIS\n  ADDR::double [-v]\n\n"
                + "DESCRIPTION\n  A fake dcmd.\n  Second line.\n", out());
        assertEquals(FAILED, runner.run("::help nosuch"));
        assertEquals("jsmdb: ::help: unknown dcmd 'nosuch'; ::dcmds lists them\n", err());
    }

    @Test
    void cancelStopsACommandThatPolls() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        registry.register(FakeDcmd.of("spin", AddressMode.NONE, (self, ctx, inv) -> {
            started.countDown();
            try (Progress p = ctx.out().progress("spinning")) {
                for (long i = 0; ; i++) {
                    p.update(i, 0);
                }
            }
        }));
        Thread canceller = Thread.ofPlatform().start(() -> {
            try {
                started.await(10, TimeUnit.SECONDS);
                Thread.sleep(50);
                runner.cancel();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertEquals(FAILED, runner.run("::spin"));
        canceller.join();
        assertEquals("^C (cancelled)\n", err());
        assertEquals(OK, runner.run("::lines -n 1"), "the next command runs normally");
    }

    @Test
    void cancelInterruptsABlockedCommand() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        registry.register(FakeDcmd.of("block", AddressMode.NONE, (self, ctx, inv) -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                ctx.checkCancelled();
            }
        }));
        Thread canceller = Thread.ofPlatform().start(() -> {
            try {
                started.await(10, TimeUnit.SECONDS);
                runner.cancel();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long t0 = System.nanoTime();
        assertEquals(FAILED, runner.run("::block"));
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L);
        canceller.join();
        assertEquals("^C (cancelled)\n", err());
    }

    @Test
    void cancelKillsAShellCommand() throws Exception {
        Thread canceller = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(200);
                runner.cancel();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long t0 = System.nanoTime();
        assertEquals(FAILED, runner.run("!sleep 30"));
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L);
        canceller.join();
        assertEquals("^C (cancelled)\n", err());
    }

    @Test
    void closedStdoutEndsQuietly() {
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        java.io.OutputStream closed = new java.io.OutputStream() {
            @Override public void write(int b) throws java.io.IOException { throw new java.io.IOException("Broken pipe"); }
        };
        CommandRunner r = new CommandRunner(registry, null, closed, err, CommandRunner.Config.plain());
        assertEquals(OUTPUT_CLOSED, r.run("::lines -n 100000"));
        assertEquals(OUTPUT_CLOSED, r.run("::lines -n 1"), "even when the output fits the buffer");
        assertEquals("", err());
    }

    @Test
    void closedOutputInADcmdPipeStopsAtTheFirstWriteEvenWhenTheDcmdWrapsIt() {
        // like ::jsprint, a dcmd that turns every RuntimeException into its own failure
        registry.register(FakeDcmd.of("wraps", AddressMode.REQUIRED, (self, ctx, inv) -> {
            try {
                calls.add("wraps");
                ctx.out().println("x".repeat(100_000));
            } catch (RuntimeException e) {
                throw new DcmdException("cannot decode: " + e, e);
            }
        }));
        registry.register(FakeDcmd.of("swallows", AddressMode.REQUIRED, (self, ctx, inv) -> {
            calls.add("swallows");
            try {
                ctx.out().println("x".repeat(100_000));
            } catch (RuntimeException e) {
                // a dcmd that ignores the failure and goes on: the runner still stops the loop
            }
        }));
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        java.io.OutputStream closed = new java.io.OutputStream() {
            @Override public void write(int b) throws java.io.IOException { throw new java.io.IOException("Broken pipe"); }
        };
        assertEquals(OUTPUT_CLOSED, new CommandRunner(registry, null, closed, err, CommandRunner.Config.plain())
                .run("::nums -n 5000 | ::wraps"));
        assertEquals(OUTPUT_CLOSED, new CommandRunner(registry, null, closed, err, CommandRunner.Config.plain())
                .run("::nums -n 5000 | ::swallows"));
        assertEquals("", err(), "not one line per piped address");
        assertEquals(List.of("wraps", "swallows"), calls);
    }

    @Test
    void failedWriteIsOneLineAndOutputFailed() {
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        java.io.OutputStream full = new java.io.OutputStream() {
            @Override public void write(int b) throws java.io.IOException { throw new java.io.IOException("No space left on device"); }
        };
        CommandRunner r = new CommandRunner(registry, null, full, err, CommandRunner.Config.plain());
        assertEquals(OUTPUT_FAILED, r.run("::lines -n 100000"));
        assertEquals(OUTPUT_FAILED, r.run("::nums -n 5000 | ::show"), "even when a dcmd pipe writes it");
        assertEquals(OUTPUT_FAILED, r.run("::lines -n 1"), "even when the output fits the buffer");
        assertEquals("jsmdb: cannot write the output: No space left on device\n".repeat(3), err());
    }

    @Test
    void syntaxErrorsEscapeTheCommandTheyQuote() {
        assertEquals(FAILED, runner.run("\u001b[31mred\u202e::x"));
        assertFalse(err().contains("\u001b"), err());
        assertFalse(err().contains("\u202e"), err());
    }

    @Test
    void runCaptured() {
        CommandRunner.Captured c = CommandRunner.runCaptured(registry, null, "::lines -n 2; ::fail\n::lines -n 1; $q; ::lines");
        assertEquals(FAILED, c.status());
        assertEquals("2 lines\n1 line\n1 line\n", c.out());
        assertEquals("jsmdb: ::fail: it went wrong\n", c.err());
        assertEquals(OK, CommandRunner.runCaptured(registry, null, "::lines -n 1").status());
    }

    @Test
    void registryRejectsDuplicatesAndBadNames() {
        assertThrows(IllegalArgumentException.class, () -> registry.register(FakeDcmd.of("nums", AddressMode.NONE, (s, c, i) -> { })));
        assertThrows(IllegalArgumentException.class, () -> registry.register(FakeDcmd.of("a b", AddressMode.NONE, (s, c, i) -> { })));
        assertTrue(registry.lookup("help").isPresent());
        assertTrue(registry.lookup("nosuch").isEmpty());
        assertEquals(registry.names().stream().sorted().toList(), registry.names());
    }
}
