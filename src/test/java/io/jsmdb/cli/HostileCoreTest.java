package io.jsmdb.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.jsmdb.cmd.DcmdRegistry;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real test cores, corrupted on purpose (deterministically: fixed-seed {@link Random}), then read
 * with the commands users run first. A core is hostile input: whatever it holds, jsmdb exits
 * with 0, 1 or 2, prints one-line {@code jsmdb: } errors (no Java stack trace, no "internal
 * error"), escapes the text it takes from the core, and never hangs.
 *
 * <p>Each corrupted core is a sparse copy of the original; word and range corruptions are
 * undone after each run so that one copy serves every seed.
 */
class HostileCoreTest {
    @TempDir static Path tmp;

    /** A run that takes longer than this is a hang, and a hang is a bug. */
    private static final long RUN_LIMIT_SECONDS = 30;

    private static final String COMMANDS = "::status; ::threads; ::jsstack -v; ::jsstack -A; ::findjsobjects -v; ::jsfunctions"
            + "; ::jsexception; ::nodeinfo; ::nodehandles; ::isolates; ::regs; ::fpregs";

    private static final ExecutorService EXEC = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hostile-core-run");
        t.setDaemon(true);
        return t;
    });

    @AfterAll
    static void shutdown() {
        EXEC.shutdownNow();
    }

    record Result(int status, String out, String err, long millis) {}

    /** Problems found over a test, reported together (one run's failure should not hide another's). */
    private final List<String> problems = new ArrayList<>();

    // ---------------------------------------------------------------------------------------
    // (a) random words of writable memory overwritten

    @Test
    void heapWordsOverwritten() throws Exception {
        record Case(String version, String fixture, int words, long[] seeds) {}
        List<Case> cases = List.of(
                new Case("20.20.2", "heap", 20_000, new long[] {1}),
                new Case("20.20.2", "heap", 2_000, new long[] {2, 12}),
                new Case("24.21.0", "heap", 20_000, new long[] {3}),
                new Case("24.21.0", "heap", 2_000, new long[] {4, 14}),
                new Case("20.20.2", "stack", 5_000, new long[] {5}),
                new Case("24.21.0", "stack", 2_000, new long[] {6}),
                new Case("16.20.2", "stack", 2_000, new long[] {7, 17}),
                // unswept pages: the walk follows their marking bitmaps (in the page headers on 16),
                // which the overwrites hit too
                new Case("16.20.2", "sweep", 20_000, new long[] {8}),
                new Case("26.12.1", "sweep", 20_000, new long[] {9}),
                // AArch64 cores: their files rebuilt from the dynamic linker's list, which the
                // overwrites hit too (link_map entries, names, r_debug)
                new Case("arm64-20.20.2", "heap", 20_000, new long[] {21}),
                new Case("arm64-16.20.2", "stack", 2_000, new long[] {22, 23}));
        for (Case c : cases) {
            TestCore tc = TestCores.get(c.version(), c.fixture(), TestCores.ABORT);
            try (CoreCopy copy = CoreCopy.of(tc, tmp)) {
                for (long seed : c.seeds()) {
                    Random rnd = new Random(seed);
                    copy.overwriteWords(rnd, c.words());
                    exercise(tc.name() + " with " + c.words() + " words overwritten (seed " + seed + ")", tc.node(), copy.path, rnd);
                    copy.undo();
                }
            }
        }
        assertNoProblems();
    }

    // ---------------------------------------------------------------------------------------
    // (b) a 1 MiB range of heap data zeroed

    @Test
    void heapRangeZeroed() throws Exception {
        for (String[] vf : new String[][] {{"20.20.2", "heap"}, {"24.21.0", "heap"}, {"16.20.2", "stack"}}) {
            TestCore tc = TestCores.get(vf[0], vf[1], TestCores.ABORT);
            try (CoreCopy copy = CoreCopy.of(tc, tmp)) {
                Random rnd = new Random(11);
                for (int i = 0; i < 2; i++) {
                    long at = copy.zeroRange(rnd, 1 << 20);
                    exercise(tc.name() + " with 1 MiB zeroed at file offset 0x" + Long.toHexString(at), tc.node(), copy.path, rnd);
                    copy.undo();
                }
            }
        }
        assertNoProblems();
    }

    // ---------------------------------------------------------------------------------------
    // (c) truncated cores

    @Test
    void truncated() throws Exception {
        for (String[] vf : new String[][] {{"20.20.2", "heap"}, {"24.21.0", "stack"}, {"arm64-24.21.0", "heap"}}) {
            TestCore tc = TestCores.get(vf[0], vf[1], TestCores.ABORT);
            for (int percent : new int[] {10, 50, 90}) {
                Path cut = tmp.resolve("cut-" + vf[0] + "-" + percent);
                long size = Files.size(tc.core());
                CoreCopy.sparseCopy(tc.core(), cut, size * percent / 100);
                exercise(tc.name() + " truncated to " + percent + "%", tc.node(), cut, new Random(percent));
                Files.delete(cut);
            }
        }
        assertNoProblems();
    }

    /** A core cut just before the faulting thread's stack: ::jsstack says the stack is missing, in one line. */
    @Test
    void truncatedBeforeTheStack() throws Exception {
        for (String version : TestCores.VERSIONS) {
            TestCore tc = TestCores.get(version, "stack", TestCores.ABORT);
            Path cut = tmp.resolve("stackless-" + version);
            long rsp, at = -1;
            try (FileChannel ch = FileChannel.open(tc.core(), StandardOpenOption.READ)) {
                Elf elf = new Elf(ch);
                rsp = Elf.read(ch, elf.note(1) + 112 + 19 * 8, 8).getLong(0);
                for (int i = 0; i < elf.phnum; i++) {
                    if (elf.type[i] == 1 && Long.compareUnsigned(rsp - elf.vaddr[i], elf.memsz[i]) < 0) at = elf.offset[i];
                }
            }
            assertTrue(at > 0, tc.name() + ": the PT_LOAD of the stack");
            CoreCopy.sparseCopy(tc.core(), cut, at);
            Result r = run(tc.name() + " cut before its stack", tc.node(), cut, "::jsstack");
            assertNotNull(r, tc.name());
            judge(tc.name() + " cut before its stack", r);
            assertEquals(0, r.status(), tc.name() + ": " + r.err());
            assertTrue(r.out().startsWith("native: "), tc.name() + ": the frame in the registers\n" + r.out());
            assertEquals(List.of(String.format("jsmdb: warning: thread %d: its stack (rsp 0x%x) is not in the core "
                    + "(not in core: the core file is truncated): only the frame in its registers is known",
                    ((Number) tc.oracle().get("pid")).intValue(), rsp)), r.err().lines().toList(), tc.name());
            Files.delete(cut);
        }
        assertNoProblems();
    }

    // ---------------------------------------------------------------------------------------
    // (d) program headers, notes and registers that lie

    @Test
    void headersNotesAndRegistersLie() throws Exception {
        TestCore tc = TestCores.get("20.20.2", "stack", TestCores.ABORT);
        try (CoreCopy copy = CoreCopy.of(tc, tmp)) {
            Elf elf = copy.elf;
            Random rnd = new Random(21);
            int biggest = elf.largestWritableLoad();
            int other = (biggest + 1) % elf.phnum;

            List<Runnable> lies = new ArrayList<>();
            List<String> names = new ArrayList<>();
            names.add("PT_LOAD p_filesz and p_memsz of 2^62");
            lies.add(() -> { copy.putLong(elf.ph(biggest) + 32, 1L << 62); copy.putLong(elf.ph(biggest) + 40, 1L << 62); });
            names.add("PT_LOAD p_filesz larger than the file, p_memsz huge");
            lies.add(() -> { copy.putLong(elf.ph(biggest) + 32, elf.fileSize * 2); copy.putLong(elf.ph(biggest) + 40, Long.MAX_VALUE); });
            names.add("PT_LOAD p_offset past the end of the file");
            lies.add(() -> copy.putLong(elf.ph(biggest) + 8, elf.fileSize + (1L << 40)));
            names.add("PT_LOAD p_offset negative");
            lies.add(() -> copy.putLong(elf.ph(biggest) + 8, -4096));
            names.add("two PT_LOADs at the same p_vaddr");
            lies.add(() -> copy.putLong(elf.ph(other) + 16, copy.getLong(elf.ph(biggest) + 16)));
            names.add("PT_LOAD wrapping around the address space");
            lies.add(() -> { copy.putLong(elf.ph(biggest) + 16, -8192); copy.putLong(elf.ph(biggest) + 40, 1L << 40); });
            names.add("e_phnum PN_XNUM without section headers");
            lies.add(() -> copy.putShort(56, (short) 0xffff));
            names.add("e_phoff past the end");
            lies.add(() -> copy.putLong(32, elf.fileSize - 8));
            names.add("PT_NOTE p_filesz of 2^63-1");
            lies.add(() -> {
                for (int i = 0; i < elf.phnum; i++) if (elf.type[i] == 4) copy.putLong(elf.ph(i) + 32, Long.MAX_VALUE);
            });
            names.add("NT_FILE count 2^62");
            lies.add(() -> copy.putLong(elf.note(0x46494c45) , 1L << 62));
            names.add("NT_FILE count just under the cap, page size 1");
            lies.add(() -> { copy.putLong(elf.note(0x46494c45), (1L << 22) - 1); copy.putLong(elf.note(0x46494c45) + 8, 1); });
            names.add("NT_FILE entries with end before start and huge page offsets");
            lies.add(() -> {
                long at = elf.note(0x46494c45);
                long n = copy.getLong(at);
                for (long i = 0; i < n; i++) {
                    long e = at + 16 + i * 24;
                    long start = copy.getLong(e);
                    copy.putLong(e + 8, start - 4096 * (1 + rnd.nextInt(16)));
                    copy.putLong(e + 16, rnd.nextLong());
                }
            });
            names.add("note descsz of 2^32-1");
            lies.add(() -> copy.putInt(elf.noteHeader(1) + 4, -1));
            names.add("note namesz of 2^32-4");
            lies.add(() -> copy.putInt(elf.noteHeader(1), -4));
            names.add("NT_AUXV without terminator, random values");
            lies.add(() -> {
                long at = elf.note(6);
                int len = copy.getInt(elf.noteHeader(6) + 4);
                for (long p = at; p + 8 <= at + len; p += 8) copy.putLong(p, rnd.nextLong() | 1);
            });
            names.add("faulting thread's rsp, rbp and rip random");
            lies.add(() -> {
                long regs = elf.note(1) + 112;
                for (int r : new int[] {4 /* rbp */, 16 /* rip */, 19 /* rsp */}) copy.putLong(regs + r * 8L, rnd.nextLong());
            });
            names.add("every thread's rsp and rbp pointing at the middle of the heap");
            lies.add(() -> {
                long heap = elf.vaddr(biggest) + elf.filesz(biggest) / 2;
                for (long regs : elf.notes(1)) {
                    copy.putLong(regs + 112 + 4 * 8, heap + 8 * rnd.nextInt(1 << 16));
                    copy.putLong(regs + 112 + 19 * 8, heap + 8 * rnd.nextInt(1 << 16));
                }
            });
            names.add("faulting thread's stack overwritten with pointers into itself");
            lies.add(() -> {
                long regs = elf.note(1) + 112;
                long rsp = copy.getLong(regs + 19 * 8);
                long off = elf.fileOffsetOf(rsp);
                if (off < 0) return;
                for (int i = 0; i < 4096; i++) {
                    long where = off + 8L * i;
                    if (where + 8 > elf.fileSize) break;
                    copy.putLong(where, rsp + 8L * rnd.nextInt(4096) + (rnd.nextBoolean() ? 0 : rnd.nextInt(8)));
                }
            });
            for (int i = 0; i < lies.size(); i++) {
                lies.get(i).run();
                exercise(tc.name() + ", " + names.get(i), tc.node(), copy.path, rnd);
                copy.undo();
            }
        }
        assertNoProblems();
    }

    // ---------------------------------------------------------------------------------------
    // (e) file names in the core (NT_FILE) carrying terminal escapes and bidi overrides

    @Test
    void pathsFromTheCoreAreEscaped() throws Exception {
        TestCore tc = TestCores.get("20.20.2", "stack", TestCores.ABORT);
        try (CoreCopy copy = CoreCopy.of(tc, tmp)) {
            // every file name's last component starts with ESC and U+202E (RIGHT-TO-LEFT OVERRIDE)
            byte[] evil = {0x1b, (byte) 0xe2, (byte) 0x80, (byte) 0xae};
            long at = copy.elf.note(0x46494c45);
            long count = copy.getLong(at);
            long p = at + 16 + count * 24;
            int renamed = 0;
            for (long i = 0; i < count; i++) {
                StringBuilder name = new StringBuilder();
                long start = p;
                for (byte b; (b = copy.get(p, 1).get(0)) != 0; p++) name.append((char) (b & 0xff));
                p++;
                int slash = name.lastIndexOf("/");
                if (slash >= 0 && name.length() - slash - 1 >= evil.length) {
                    copy.put(start + slash + 1, evil);
                    renamed++;
                }
            }
            assertTrue(renamed > 5, "file names renamed: " + renamed);
            for (String[] args : List.of(new String[] {tc.node().toString(), copy.path.toString()},
                    new String[] {copy.path.toString()})) {
                String what = tc.name() + " with ESC and U+202E in every NT_FILE name, args " + List.of(args).size();
                ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
                String[] argv = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                        java.util.stream.Stream.of("-e", "::status; ::mappings; ::threads; ::jsstack; ::regs")).toArray(String[]::new);
                int status = Main.run(argv, Io.of(new ByteArrayInputStream(new byte[0]), out,
                        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of()), NodeTarget::open, DcmdRegistry::standard);
                String o = out.toString(StandardCharsets.UTF_8), e = err.toString(StandardCharsets.UTF_8);
                checkText(what, "stdout", o);
                checkText(what, "stderr", e);
                if (args.length == 2) {
                    assertTrue(status <= 1, what + ": " + e);
                    assertTrue(o.contains("\\x1b\\u202e"), what + ": the names are shown, escaped:\n" + o);
                } else {
                    // the binary the core names cannot be found (its name was changed): the error names it, escaped
                    assertEquals(2, status, what + ": " + e);
                    assertTrue(e.contains("\\x1b\\u202e"), what + ": " + e);
                }
            }
        }
        assertNoProblems();
    }

    // ---------------------------------------------------------------------------------------
    // running jsmdb and judging its output

    private static final Pattern OBJECT_ROW = Pattern.compile("(?m)^\\s*([0-9a-f]{6,16})\\s+\\d+\\s+\\d+ ");
    private static final Pattern FUNC_ROW = Pattern.compile("(?m)^\\s*([0-9a-f]{6,16})\\s+\\d+ \\S");
    private static final Pattern STACK_VALUE = Pattern.compile("(?m)^\\s+(?:this|arg\\d+): (?:0x)?([0-9a-f]{6,16}) \\(");

    /** The standard commands, then address commands on a few addresses they printed. */
    private void exercise(String what, Path node, Path core, Random rnd) {
        Result r = run(what, node, core, COMMANDS);
        if (r == null) return;
        judge(what + ": " + COMMANDS, r);
        if (r.status() == Main.USAGE) return; // the core could not be opened: nothing more to run

        Set<String> objects = new LinkedHashSet<>(), funcs = new LinkedHashSet<>();
        String fjo = section(r.out(), "OBJECT #OBJECTS");
        List<String> rows = matches(OBJECT_ROW, fjo);
        for (int i = 0; i < 5 && !rows.isEmpty(); i++) objects.add(rows.get(i < 1 ? 0 : rnd.nextInt(rows.size())));
        List<String> stackValues = matches(STACK_VALUE, r.out());
        for (int i = 0; i < 2 && !stackValues.isEmpty(); i++) objects.add(stackValues.get(rnd.nextInt(stackValues.size())));
        List<String> fns = matches(FUNC_ROW, section(r.out(), "FUNC   #FUNCS"));
        for (int i = 0; i < 2 && !fns.isEmpty(); i++) funcs.add(fns.get(rnd.nextInt(fns.size())));
        if (objects.isEmpty() && funcs.isEmpty()) return;

        // Every group's representative, printed as users print them.
        StringBuilder cmds = new StringBuilder("::findjsobjects | ::jsprint -d 2 -l 64; ::jsfunctions | ::jsclosure; ");
        for (String a : objects) {
            cmds.append(a).append("::jsprint -d 3; ").append(a).append("::v8print; ")
                    .append(a).append("::jsconstructor; ").append(a).append("::findjsobjects -r; ");
        }
        for (String f : funcs) {
            cmds.append(f).append("::jsprint; ").append(f).append("::jssource; ").append(f).append("::jsclosure; ");
        }
        Result r2 = run(what, node, core, cmds.toString());
        if (r2 != null) judge(what + ": " + cmds, r2);
    }

    private Result run(String what, Path node, Path core, String commands) {
        long t0 = System.nanoTime();
        Future<Result> f = EXEC.submit(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            int status = Main.run(new String[] {node.toString(), core.toString(), "-e", commands},
                    Io.of(new ByteArrayInputStream(new byte[0]), out, new PrintStream(err, true, StandardCharsets.UTF_8), Map.of()),
                    NodeTarget::open, DcmdRegistry::standard);
            return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                    (System.nanoTime() - t0) / 1_000_000);
        });
        try {
            return f.get(RUN_LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            problems.add(what + ": HANG, no result after " + RUN_LIMIT_SECONDS + " s running " + commands);
            return null;
        } catch (Exception e) {
            problems.add(what + ": the run threw " + e);
            return null;
        }
    }

    private void judge(String what, Result r) {
        // A summary of every run, for whoever reads the test's output: what failed, and how fast.
        List<String> errs = r.err().lines().toList();
        System.out.printf("hostile core: %s: status %d, %d ms, %d stdout lines, %d error lines%n", clip(what), r.status(), r.millis(),
                r.out().lines().count(), errs.size());
        errs.stream().distinct().limit(8).forEach(l -> System.out.println("    " + clip(l)));
        if (r.status() < 0 || r.status() > 2) problems.add(what + ": exit status " + r.status());
        for (String line : r.err().split("\n", -1)) {
            if (line.isEmpty()) continue;
            if (!line.startsWith("jsmdb: ")) problems.add(what + ": stderr line without 'jsmdb: ': " + clip(line));
            if (line.contains("Exception") || line.contains("\tat ") || JAVA_THROWABLE.matcher(line).find()
                    || line.contains("internal error") || line.contains("stack overflow") || line.contains("out of memory")) {
                problems.add(what + ": Java failure on stderr: " + clip(line));
            }
        }
        checkText(what, "stdout", r.out());
        checkText(what, "stderr", r.err());
    }

    private static final Pattern JAVA_THROWABLE = Pattern.compile("\\b(?:java|javax|jdk|sun|io\\.jsmdb)\\.[\\w.$]*(?:Error|Exception)\\b");

    private void checkText(String what, String stream, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int type = Character.getType(c);
            // C0/C1 controls, and the invisible ones that reorder or hide text (bidi overrides, marks)
            boolean invisible = (type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR) && c != 0x200c && c != 0x200d;
            if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c < 0xa0) || invisible) {
                int ls = s.lastIndexOf('\n', i) + 1, le = s.indexOf('\n', i);
                problems.add(what + ": raw control or format character U+" + String.format("%04x", (int) c) + " in " + stream + ": "
                        + clip(io.jsmdb.cmd.Strings.escape(s.substring(ls, le < 0 ? s.length() : le))));
                return;
            }
        }
    }

    private void assertNoProblems() {
        if (!problems.isEmpty()) {
            fail(problems.size() + " problem(s) with hostile cores:\n" + String.join("\n", problems.stream().map(p -> "  " + clip(p)).toList()));
        }
    }

    private static String clip(String s) {
        return s.length() <= 400 ? s : s.substring(0, 400) + "...";
    }

    private static String section(String out, String header) {
        int i = out.indexOf(header);
        if (i < 0) return "";
        int end = out.indexOf("\n\n", i);
        return out.substring(i, end < 0 ? out.length() : end);
    }

    private static List<String> matches(Pattern p, String s) {
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(s);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    // ---------------------------------------------------------------------------------------
    // the ELF core, as far as this test needs it

    /** Program headers and notes of a core file (x86-64 little-endian). */
    static final class Elf {
        final long fileSize, phoff;
        final int phnum;
        final long[] type, flags, offset, vaddr, filesz, memsz;
        /** Notes: {header file offset, type, desc file offset, descsz}. */
        final List<long[]> notes = new ArrayList<>();

        Elf(FileChannel ch) throws IOException {
            fileSize = ch.size();
            ByteBuffer h = read(ch, 0, 64);
            phoff = h.getLong(32);
            int n = Short.toUnsignedInt(h.getShort(56));
            if (n == 0xffff) n = read(ch, h.getLong(40), 64).getInt(44);
            phnum = n;
            type = new long[n]; flags = new long[n]; offset = new long[n]; vaddr = new long[n]; filesz = new long[n]; memsz = new long[n];
            ByteBuffer ph = read(ch, phoff, n * 56);
            for (int i = 0; i < n; i++) {
                int b = i * 56;
                type[i] = ph.getInt(b); flags[i] = ph.getInt(b + 4); offset[i] = ph.getLong(b + 8);
                vaddr[i] = ph.getLong(b + 16); filesz[i] = ph.getLong(b + 32); memsz[i] = ph.getLong(b + 40);
                if (type[i] == 4) {
                    ByteBuffer nb = read(ch, offset[i], (int) filesz[i]);
                    int p = 0;
                    while (p + 12 <= nb.limit()) {
                        int namesz = nb.getInt(p), descsz = nb.getInt(p + 4), t = nb.getInt(p + 8);
                        long desc = p + 12 + ((namesz + 3) & ~3);
                        notes.add(new long[] {offset[i] + p, t, offset[i] + desc, descsz});
                        p = (int) (desc + ((descsz + 3) & ~3));
                    }
                }
            }
        }

        long ph(int i) { return phoff + 56L * i; }
        long vaddr(int i) { return vaddr[i]; }
        long filesz(int i) { return filesz[i]; }

        int largestWritableLoad() {
            int best = -1;
            for (int i = 0; i < phnum; i++) if (type[i] == 1 && (flags[i] & 2) != 0 && (best < 0 || filesz[i] > filesz[best])) best = i;
            return best;
        }

        /** The descriptor of the first note of the type. */
        long note(int t) {
            for (long[] n : notes) if (n[1] == t) return n[2];
            throw new AssertionError("no note of type 0x" + Integer.toHexString(t));
        }

        /** The header of the first note of the type. */
        long noteHeader(int t) {
            for (long[] n : notes) if (n[1] == t) return n[0];
            throw new AssertionError("no note of type 0x" + Integer.toHexString(t));
        }

        List<Long> notes(int t) {
            List<Long> out = new ArrayList<>();
            for (long[] n : notes) if (n[1] == t) out.add(n[2]);
            return out;
        }

        /** Where the byte at vaddr a is in the file, or -1. */
        long fileOffsetOf(long a) {
            for (int i = 0; i < phnum; i++) {
                if (type[i] == 1 && Long.compareUnsigned(a - vaddr[i], filesz[i]) < 0) return offset[i] + (a - vaddr[i]);
            }
            return -1;
        }

        static ByteBuffer read(FileChannel ch, long at, int len) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) { }
            return b.clear();
        }
    }

    /**
     * A sparse copy of a core that can be corrupted and restored: every write first saves the
     * bytes it replaces. Knows the non-zero pages of the writable PT_LOADs (the V8 heap,
     * stacks, data), where corruption does its harm.
     */
    static final class CoreCopy implements AutoCloseable {
        static final int PAGE = 4096;
        final Path path;
        final FileChannel ch;
        final Elf elf;
        /** File offsets of the non-zero pages of writable PT_LOAD data. */
        final long[] dataPages;
        final int dataPageCount;
        private final List<Object[]> undo = new ArrayList<>();

        private CoreCopy(Path path, FileChannel ch, Elf elf, long[] dataPages, int n) {
            this.path = path; this.ch = ch; this.elf = elf; this.dataPages = dataPages; this.dataPageCount = n;
        }

        static CoreCopy of(TestCore tc, Path dir) throws IOException {
            Path p = dir.resolve(tc.version() + "-" + tc.fixture() + "-" + tc.kind() + ".core");
            Files.deleteIfExists(p);
            sparseCopy(tc.core(), p, Files.size(tc.core()));
            FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Elf elf = new Elf(ch);
            long[] pages = new long[1024];
            int n = 0;
            ByteBuffer buf = ByteBuffer.allocateDirect(PAGE).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < elf.phnum; i++) {
                if (elf.type[i] != 1 || (elf.flags[i] & 2) == 0) continue;
                long end = Math.min(elf.offset[i] + elf.filesz[i], elf.fileSize);
                for (long at = elf.offset[i]; at + PAGE <= end; at += PAGE) {
                    buf.clear();
                    while (buf.hasRemaining() && ch.read(buf, at + buf.position()) > 0) { }
                    if (nonZero(buf)) {
                        if (n == pages.length) pages = java.util.Arrays.copyOf(pages, n * 2);
                        pages[n++] = at;
                    }
                }
            }
            assertTrue(n > 16, "writable data pages in " + tc.core());
            return new CoreCopy(p, ch, elf, pages, n);
        }

        private static boolean nonZero(ByteBuffer b) {
            for (int i = 0; i < b.capacity(); i += 8) if (b.getLong(i) != 0) return true;
            return false;
        }

        /** Copies the first {@code length} bytes of {@code from}, leaving holes where it is all zeros. */
        static void sparseCopy(Path from, Path to, long length) throws IOException {
            try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 RandomAccessFile raf = new RandomAccessFile(to.toFile(), "rw")) {
                ByteBuffer buf = ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                for (long at = 0; at < length; ) {
                    buf.clear();
                    buf.limit((int) Math.min(buf.capacity(), length - at));
                    int n = in.read(buf, at);
                    if (n <= 0) break;
                    buf.flip();
                    boolean zero = true;
                    for (int i = 0; i + 8 <= n && zero; i += 8) zero = buf.getLong(i) == 0;
                    for (int i = n & ~7; i < n && zero; i++) zero = buf.get(i) == 0;
                    if (!zero) {
                        while (buf.hasRemaining()) out.write(buf, at + buf.position());
                    }
                    at += n;
                }
                raf.setLength(length);
            }
        }

        /**
         * Overwrites {@code count} random 8-byte words of the writable data with values that
         * hurt: random bits, Smis with absurd values, tagged pointers into the data (possibly
         * to the middle of an object), words copied from elsewhere (a valid map in the wrong
         * place), all-ones, zero.
         */
        void overwriteWords(Random rnd, int count) {
            for (int i = 0; i < count; i++) {
                long at = dataPages[rnd.nextInt(dataPageCount)] + 8L * rnd.nextInt(PAGE / 8);
                long v = switch (rnd.nextInt(8)) {
                    case 0 -> rnd.nextLong();
                    case 1 -> (long) rnd.nextInt() << 32;                               // a Smi, any value
                    case 2 -> (long) (Integer.MAX_VALUE - rnd.nextInt(16)) << 32;      // a huge Smi length
                    case 3, 4 -> vaddrOf(dataPages[rnd.nextInt(dataPageCount)] + 8L * rnd.nextInt(PAGE / 8)) | 1; // tagged pointer
                    case 5 -> getLong(dataPages[rnd.nextInt(dataPageCount)] + 8L * rnd.nextInt(PAGE / 8)); // a word from elsewhere
                    case 6 -> -1L;
                    default -> 0L;
                };
                putLong(at, v);
            }
        }

        /** Zeroes {@code len} bytes of writable data from a random non-zero page; returns the file offset. */
        long zeroRange(Random rnd, int len) {
            long at = dataPages[rnd.nextInt(dataPageCount)];
            len = (int) Math.min(len, elf.fileSize - at);
            put(at, new byte[len]);
            return at;
        }

        private long vaddrOf(long fileOffset) {
            for (int i = 0; i < elf.phnum; i++) {
                if (elf.type[i] == 1 && fileOffset - elf.offset[i] >= 0 && fileOffset - elf.offset[i] < elf.filesz[i]) {
                    return elf.vaddr[i] + (fileOffset - elf.offset[i]);
                }
            }
            return fileOffset;
        }

        long getLong(long at) { return get(at, 8).getLong(0); }
        int getInt(long at) { return get(at, 4).getInt(0); }
        void putLong(long at, long v) { put(at, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v).array()); }
        void putInt(long at, int v) { put(at, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, v).array()); }
        void putShort(long at, short v) { put(at, ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(0, v).array()); }

        ByteBuffer get(long at, int len) {
            try {
                ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
                while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) { }
                return b.clear();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        void put(long at, byte[] bytes) {
            undo.add(new Object[] {at, get(at, bytes.length).array()});
            write(at, bytes);
        }

        private void write(long at, byte[] bytes) {
            try {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) ch.write(b, at + b.position());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** Restores every byte written since the last undo, newest first. */
        void undo() {
            for (int i = undo.size() - 1; i >= 0; i--) write((Long) undo.get(i)[0], (byte[]) undo.get(i)[1]);
            undo.clear();
        }

        @Override
        public void close() throws IOException {
            ch.close();
            Files.deleteIfExists(path);
        }
    }
}
