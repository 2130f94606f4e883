package io.jsmdb.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.core.ThreadState;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Native frames from {@link NativeStack} held against {@code gdb -batch -ex 'thread apply all bt'}
 * on the same core, for every thread of each version's async-abort core (SIGABRT from glibc's
 * abort, called by node::Abort from JavaScript) and heap-gcore core (idle in epoll_wait).
 *
 * <p>gdb runs without separate debug info, so that it names frames from the same .symtab /
 * .dynsym and unwinds with the same .eh_frame as jsmdb (node's own DWARF still gives it inlined
 * libuv frames; those are folded into their physical frame). For each physical frame gdb
 * reports, up to and including the first one without CFI (a V8 builtin or JIT frame, after
 * which gdb reads garbage), the pc must be equal and, where gdb has a name, so must the function
 * name without its parameter list. On the gcore cores no JavaScript is on any stack, so the
 * whole backtraces must be equal.
 */
class NativeStackGdbTest {
    static Stream<TestCore> cores() {
        List<TestCore> out = new ArrayList<>();
        for (String v : TestCores.VERSIONS) {
            out.add(TestCores.get(v, "async", TestCores.ABORT));
            out.add(TestCores.get(v, "heap", TestCores.GCORE));
        }
        return out.stream();
    }

    record GdbFrame(long pc, boolean hasPc, String name) {}

    @ParameterizedTest(name = "{0}")
    @MethodSource("cores")
    void agreesWithGdb(TestCore tc) throws Exception {
        Map<Integer, List<GdbFrame>> gdb = gdbBacktraces(tc);
        boolean gcore = tc.kind().equals(TestCores.GCORE);
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            NativeSymbolizer sym = t.symbolizer();
            CfiUnwinder cfi = new CfiUnwinder(t.core(), sym);
            List<ThreadState> threads = t.core().threads();
            assertEquals(threads.size(), gdb.size(), tc.name() + ": thread count vs gdb");
            StringBuilder report = new StringBuilder();
            int namedTotal = 0;
            for (ThreadState th : threads) {
                List<GdbFrame> g = gdb.get(th.tid());
                assertTrue(g != null && !g.isEmpty(), tc.name() + ": gdb has no backtrace for LWP " + th.tid());
                List<NativeFrame> mine = NativeStack.walk(t.core(), sym, cfi, th.registers());
                String ctx = tc.name() + " LWP " + th.tid() + "\n gdb: " + g + "\n jsmdb: " + mine + "\n";
                int named = 0;
                boolean stoppedAtV8 = false;
                for (int i = 0; i < g.size(); i++) {
                    GdbFrame gf = g.get(i);
                    assertTrue(i < mine.size(), ctx + "jsmdb has no frame #" + i);
                    NativeFrame f = mine.get(i);
                    long pc = gf.hasPc() ? gf.pc() : th.registers().pc();
                    assertEquals(pc, f.pc(), ctx + String.format("pc of frame #%d: gdb %#x, jsmdb %#x", i, pc, f.pc()));
                    if (!gf.name().equals("??")) {
                        String ours = symbolName(t.core(), sym, f.pc(), i == 0).orElse("??");
                        assertEquals(normalise(gf.name()), normalise(ours), ctx + "name of frame #" + i);
                        named++;
                    }
                    boolean covered = cfi.hasCfi(i == 0 ? f.pc() : f.pc() - 1);
                    if (!covered) { // a V8 builtin / JIT frame: gdb goes on without CFI and guesses
                        stoppedAtV8 = true;
                        break;
                    }
                }
                if (!stoppedAtV8 && gcore) {
                    assertEquals(g.size(), mine.size(), ctx + "frame count");
                }
                namedTotal += named;
                report.append(String.format("  LWP %d: %d gdb frames, %d named agree%s%n", th.tid(), g.size(), named,
                        stoppedAtV8 ? " (stopped at first V8 frame)" : ""));
            }
            // the thread that died: raise/abort/node::Abort..., or epoll_wait/uv__io_poll/uv_run/node::...
            List<NativeFrame> main = NativeStack.walk(t.core(), sym, cfi, threads.getFirst().registers());
            List<String> names = main.stream().map(NativeFrame::description).toList();
            if (gcore) {
                assertTrue(names.stream().anyMatch(n -> n.startsWith("uv_run")), tc.name() + ": " + names);
                assertTrue(names.stream().anyMatch(n -> n.startsWith("node::Start(")), tc.name() + ": " + names);
            } else {
                assertTrue(names.stream().anyMatch(n -> n.startsWith("libc.so.6`abort")), tc.name() + ": " + names);
                assertTrue(names.stream().anyMatch(n -> n.startsWith("node::Abort(")), tc.name() + ": " + names);
                assertTrue(names.stream().anyMatch(n -> n.startsWith("uv_run")), tc.name() + ": JS frames walked by fp: " + names);
            }
            // all the way down, through the JavaScript frames (fp chain) on the abort cores
            assertTrue(names.getLast().startsWith("_start+"), tc.name() + ": ends at " + names.getLast());
            assertTrue(namedTotal >= threads.size() * 3, tc.name() + ": too few named frames compared\n" + report);
            System.out.print(tc.name() + ": agrees with gdb\n" + report);
        }
    }

    /** The symbol name (demangled) of a frame's function: for a return address, that of pc-1. */
    static Optional<String> symbolName(io.jsmdb.core.CoreFile core, NativeSymbolizer sym, long pc, boolean top) {
        return sym.locate(top ? pc : pc - 1).flatMap(NativeSymbolizer.Location::symbol).map(Symbol::demangled);
    }

    /** A function name without parameter list, cv-qualifiers, symbol version or clone suffix. */
    static String normalise(String name) {
        String s = name.strip();
        int at = s.indexOf('@');
        if (at > 0) s = s.substring(0, at);
        s = s.replaceAll(" \\[clone [^]]*\\]$", "");
        s = s.replaceAll("\\s+(const|volatile|&|&&)$", "");
        if (s.endsWith(")")) {
            int depth = 0;
            for (int i = s.length() - 1; i >= 0; i--) {
                char c = s.charAt(i);
                if (c == ')') depth++;
                else if (c == '(' && --depth == 0) {
                    if (i > 0) s = s.substring(0, i);
                    break;
                }
            }
        }
        return s;
    }

    private static final Pattern THREAD = Pattern.compile("^Thread \\d+ \\((?:Thread 0x[0-9a-f]+ )?\\(?LWP (\\d+)\\)");
    private static final Pattern FRAME = Pattern.compile("^#(\\d+)\\s+(?:(0x[0-9a-f]+) in )?(.*)$");

    /** gdb's backtrace of every thread, by LWP: physical frames (inlined callers folded in). */
    static Map<Integer, List<GdbFrame>> gdbBacktraces(TestCore tc) throws IOException, InterruptedException {
        String text = io.jsmdb.testing.GdbBatch.run(tc.node(), tc.core(), List.of("thread apply all bt 64"));
        Map<Integer, List<GdbFrame>> result = new LinkedHashMap<>();
        List<GdbFrame> cur = null;
        String pendingName = null;
        for (String line : text.lines().toList()) {
            Matcher tm = THREAD.matcher(line);
            if (tm.find()) {
                cur = new ArrayList<>();
                result.put(Integer.parseInt(tm.group(1)), cur);
                continue;
            }
            if (cur == null) continue;
            Matcher fm = FRAME.matcher(line);
            if (!fm.matches()) continue;
            String name = functionName(fm.group(3));
            if (fm.group(2) != null || cur.isEmpty()) {
                cur.add(new GdbFrame(fm.group(2) == null ? 0 : Long.parseUnsignedLong(fm.group(2).substring(2), 16),
                        fm.group(2) != null, name));
            } else {
                // no address: an inlined caller sharing the previous frame's pc; the physical
                // function (the one .symtab names) is the outermost of them
                GdbFrame last = cur.removeLast();
                cur.add(new GdbFrame(last.pc(), last.hasPc(), name));
            }
        }
        assertFalse(result.isEmpty(), "no backtrace from gdb:\n" + text);
        return result;
    }

    /** {@code NAME (ARGS) [from LIB | at FILE:LINE]} -> NAME. */
    static String functionName(String rest) {
        String s = rest.replaceAll(" (from|at) \\S+$", "").strip();
        if (s.endsWith(")")) {
            int depth = 0;
            for (int i = s.length() - 1; i >= 0; i--) {
                char c = s.charAt(i);
                if (c == ')') depth++;
                else if (c == '(' && --depth == 0) {
                    s = s.substring(0, i).strip();
                    break;
                }
            }
        }
        return s;
    }
}
