package io.jsmdb.cmd;

import static org.junit.jupiter.api.Assertions.*;

import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import io.jsmdb.v8.frames.Frame;
import io.jsmdb.v8.frames.JsFrame;
import io.jsmdb.v8.frames.StackWalker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ::jsstack, ::jsframe and ::jssource on every Node version, against V8's own structured stack
 * trace that the fixture recorded at the same moment (oracle.json "stack"). Each core is opened
 * once; the library walk and the dcmd output are checked on the same target.
 */
class JsStackDcmdTest {
    static Stream<String> abortCores() {
        List<String> out = new ArrayList<>();
        for (String v : TestCores.ABORT_VERSIONS) for (String f : List.of("stack", "async", "esm", "deopt")) out.add(v + " " + f);
        return out.stream();
    }

    static Stream<String> versions() { return TestCores.VERSIONS.stream(); }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("abortCores")
    void jsFramesMatchV8sStackTrace(String spec) throws Exception {
        String[] p = spec.split(" ");
        TestCore tc = TestCores.get(p[0], p[1], TestCores.ABORT);
        Map<String, Object> oracle = tc.oracle();
        List<Map<String, Object>> stack = tc.machineStack(); // async frames are not on the machine stack
        assertFalse(stack.isEmpty(), tc.name());
        Map<String, Object> crash = (Map<String, Object>) oracle.get("crashSite");
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            StackWalker w = t.stackWalker();
            List<Frame> frames = w.walk(t.core().faultingThread().orElseThrow());
            List<JsFrame> js = frames.stream().filter(Frame::isJs).map(Frame::js).toList();

            // the oracle's frames are an ordered subsequence of ours, each at the same place
            int at = 0;
            for (int k = 0; k < stack.size(); k++) {
                Map<String, Object> want = stack.get(k);
                String name = (String) want.get("functionName");
                String where = tc.name() + " oracle frame #" + k + " " + name + " " + want.get("fileName") + ":" + want.get("line");
                int j = at;
                while (j < js.size() && !nameOf(js.get(j)).equals(name == null ? "" : name)) j++;
                assertTrue(j < js.size(), where + ": not found (in order) among " + js.stream().map(JsStackDcmdTest::nameOf).toList());
                JsFrame got = js.get(j);
                at = j + 1;
                // the file V8's stack traces print: the "//# sourceURL=" of code that has one, else the script's name
                Object file = want.get("scriptNameOrSourceURL") != null ? want.get("scriptNameOrSourceURL") : want.get("fileName");
                if (file != null) {
                    assertEquals(file, got.scriptName().orElse(null), where + ": script");
                }
                if (want.get("line") != null) {
                    int line = ((Number) want.get("line")).intValue();
                    int col = ((Number) want.get("column")).intValue();
                    if (k == 0 && crash != null) col = ((Number) crash.get("column")).intValue();  // see cores/README.md
                    assertNotNull(got.position(), where + ": no position");
                    assertEquals(JsFrame.PositionKind.EXECUTING, got.positionKind(), where);
                    assertEquals(line + ":" + col, got.position().line() + ":" + got.position().column(), where + ": line:column");
                }
                if (want.get("argc") != null && got.argc() >= 0) {
                    assertEquals(((Number) want.get("argc")).intValue(), got.argc(), where + ": argument count");
                }
                if (want.get("tier") != null && got.inlinedInto() == null) {
                    assertEquals(want.get("tier"), got.tier().toString(), where + ": tier");
                }
                if (want.get("argc") != null && got.argc() < 0) {
                    // only frames whose arguments are not on the stack may lack a count
                    assertTrue(got.inlinedInto() != null || got.resumed(), where + ": argument count unknown");
                }
            }
            if (tc.fixture().equals("deopt")) assertLazyDeopt(tc, stack, js);
            else assertExitFrames(tc, w, js);
            assertJsstackOutput(tc, t, js);
        }
    }

    /**
     * C++ called from JS is a JS frame named as V8 names the function: the API callback
     * process.abort (ApiCallbackExitFrame on 22+, HandleApiCall's BuiltinExitFrame on 16-20) just
     * inside the fixture's leaf, ModuleWrap's evaluate(-1, false) under the ESM loader, and the
     * C++ builtin JSON.parse(text, reviver) under the reviver.
     */
    private static void assertExitFrames(TestCore tc, StackWalker w, List<JsFrame> js) {
        switch (tc.fixture()) {
            case "async", "esm" -> {
                String leaf = tc.fixture().equals("async") ? "jsmdbAsyncAbort" : "jsmdbEsmLeaf";
                int i = indexOf(js, leaf, 0);
                assertTrue(i > 0, tc.name() + ": " + leaf + " with a frame inside it");
                JsFrame abort = js.get(i - 1);
                assertEquals("abort", abort.debugName(), tc.name() + ": the API callback process.abort");
                assertEquals(JsFrame.Tier.API_CALLBACK, abort.tier(), tc.name());
                assertEquals(0, abort.argc(), tc.name() + ": process.abort()");
                assertEquals("process", w.heap().constructorNameOf(abort.receiver()).orElse(null), tc.name() + ": this of process.abort");
                if (tc.fixture().equals("esm")) {
                    int e = indexOf(js, "evaluate", i);
                    assertTrue(e > i, tc.name() + ": ModuleWrap#evaluate under the module");
                    JsFrame ev = js.get(e);
                    assertEquals(JsFrame.Tier.API_CALLBACK, ev.tier(), tc.name());
                    assertEquals(2, ev.argc(), tc.name() + ": evaluate(timeout, breakOnSigint)");
                    assertEquals("-1", JsFramePrinter.summary(w.heap(), ev.args()[0]), tc.name());
                    assertEquals("false", JsFramePrinter.summary(w.heap(), ev.args()[1]), tc.name());
                    assertEquals("ModuleWrap", w.heap().constructorNameOf(ev.receiver()).orElse(null), tc.name());
                }
            }
            default -> {
                int r = indexOf(js, "jsmdbReviver", 0);
                assertTrue(r >= 0 && r + 1 < js.size(), tc.name());
                JsFrame parse = js.get(r + 1);
                assertEquals("parse", parse.debugName(), tc.name() + ": JSON.parse under its reviver");
                assertEquals(JsFrame.Tier.CPP_BUILTIN, parse.tier(), tc.name());
                assertEquals(2, parse.argc(), tc.name() + ": JSON.parse(text, reviver)");
                assertEquals(js.get(r).function(), parse.args()[1], tc.name() + ": the reviver is JSON.parse's second argument");
            }
        }
    }

    /**
     * The deopt fixture: the frames whose optimized code V8 invalidated while they were on the
     * stack (oracle expect.lazyDeopt: Turbofan on all 7, Maglev on 24+) are found in their
     * code's lazy-deopt exits and stand at their call (checked against the oracle above); the
     * callee inlined into the Turbofan frame is still there, inlined; the Maglev frame at an
     * ordinary call is not taken for a deoptimized one; and all of them are JS frames with no
     * native or internal frame between the crash and the fixture's entry function.
     */
    @SuppressWarnings("unchecked")
    private static void assertLazyDeopt(TestCore tc, List<Map<String, Object>> stack, List<JsFrame> js) {
        int lazy = 0;
        for (Map<String, Object> want : stack) {
            Object e = want.get("expect");
            if (!(e instanceof Map<?, ?> m) || !(m.get("lazyDeopt") instanceof Boolean b)) continue;
            String name = (String) want.get("functionName");
            int i = indexOf(js, name, 0);
            assertTrue(i >= 0, tc.name() + ": " + name);
            JsFrame f = js.get(i);
            assertNull(f.inlinedInto(), tc.name() + ": " + name + " has a frame of its own");
            assertEquals(b, f.lazyDeopt(), tc.name() + ": " + name + " marked for lazy deoptimization");
            if (b) lazy++;
        }
        boolean maglev = Boolean.TRUE.equals(((Map<String, Object>) tc.oracle().get("maglev")).get("available"));
        assertEquals(maglev ? 2 : 1, lazy, tc.name() + ": frames in lazy-deopt exits (Turbofan; Maglev where it runs)");
        int outer = indexOf(js, "jsmdbDeoptTurbo", 0);
        JsFrame inlinee = js.get(outer - 1);
        assertEquals("jsmdbDeoptInlinee", inlinee.debugName(), tc.name() + ": the inlined callee just inside its caller");
        assertEquals("jsmdbDeoptTurbo", inlinee.inlinedInto(), tc.name());
        assertTrue(inlinee.lazyDeopt(), tc.name() + ": the inlined frame belongs to the invalidated code");
        if (maglev) {
            JsFrame plain = js.get(indexOf(js, "jsmdbMaglevPlain", 0));
            assertEquals(JsFrame.Tier.MAGLEV, plain.tier(), tc.name() + ": Maglev frame at an ordinary call");
            assertFalse(plain.lazyDeopt(), tc.name());
        }
    }

    /** An optimized frame whose function is unreadable is still a JS frame, named as unknown. */
    @org.junit.jupiter.api.Test
    void optimizedFrameWithoutAFunctionIsAJsFrame() {
        for (JsFrame.Tier tier : List.of(JsFrame.Tier.TURBOFAN, JsFrame.Tier.MAGLEV)) {
            JsFrame f = new JsFrame(0, 0, "", "", tier, 0, java.util.Optional.empty(), null, null, JsFrame.PositionKind.NONE,
                    12, 0, null, null, false, true);
            assertEquals("<optimized code, name unknown>", f.displayName());
            assertEquals("code: " + tier + ", pc offset 12, marked for lazy deoptimization (returns into its deopt exit; position of the call)",
                    JsFramePrinter.codeLine(f));
        }
        JsFrame interp = new JsFrame(0, 0, "", "", JsFrame.Tier.INTERPRETED, 0, java.util.Optional.empty(), null, null,
                JsFrame.PositionKind.NONE, 3, 0, null, null, false, false);
        assertEquals("<anonymous>", interp.displayName());
    }

    private static int indexOf(List<JsFrame> js, String name, int from) {
        for (int i = from; i < js.size(); i++) if (js.get(i).debugName().equals(name)) return i;
        return -1;
    }

    /** Every JS frame's -v block states its kind first on its code: line. */
    private static final Pattern CODE_LINE = Pattern.compile("code: (interpreted, bytecode offset \\d+|baseline, bytecode offset \\d+"
            + "|(maglev|turbofan), pc offset \\d+(, marked for lazy deoptimization \\(returns into its deopt exit; position of the call\\))?"
            + "|builtin|exit \\(C\\+\\+ builtin\\)|exit \\(API callback\\)"
            + "|inlined into \\S+ \\((maglev|turbofan)\\)(, marked for lazy deoptimization \\(returns into its deopt exit; position of the call\\))?)");

    /** mdb_v8's output form, -v details, ::jsframe FP and ::jssource FUNC. */
    private static void assertJsstackOutput(TestCore tc, NodeTarget t, List<JsFrame> js) {
        DcmdRegistry reg = new DcmdRegistry(Dcmds.all());
        CommandRunner.Captured r = CommandRunner.runCaptured(reg, t, "::jsstack");
        assertEquals("", r.err(), tc.name());
        assertTrue(r.out().lines().allMatch(l -> l.startsWith("native: ") || l.startsWith("js:     ")
                || l.matches(" {8}\\(\\d+ internal frames? elided\\)")), tc.name() + ":\n" + r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("native: ")), tc.name());
        assertTrue(r.out().contains("internal frame"), tc.name() + ": entry/exit frames are elided");

        r = CommandRunner.runCaptured(reg, t, "::jsstack -v -n 1");
        assertEquals("", r.err(), tc.name());
        String fixtureFn = switch (tc.fixture()) {
            case "stack" -> "jsmdbCrashHere";
            case "deopt" -> "jsmdbDeoptCrash";
            case "async" -> "jsmdbAsyncAbort";
            default -> "jsmdbEsmLeaf";
        };
        Matcher m = Pattern.compile("(?m)^js:     " + fixtureFn + "\\n {10}file: (.*)\\n {10}posn: line (\\d+), column (\\d+)\\n {10}code: (.*)\\n {10}this: (.*)\\n((?: {10}arg\\d+: .*\\n)*)((?: {10}[> ] *\\d+ .*\\n)+)").matcher(r.out());
        assertTrue(m.find(), tc.name() + ": -v block of " + fixtureFn + " in\n" + r.out());
        assertTrue(m.group(6).contains("arg1: "), tc.name() + ": arguments");
        if (tc.fixture().equals("deopt")) {
            // between the crash and the fixture's entry: JS frames only, none an anonymous address
            String all = CommandRunner.runCaptured(reg, t, "::jsstack").out();
            String fixturePart = all.substring(all.indexOf("js:     jsmdbDeoptCrash"), all.indexOf("js:     jsmdbDeoptMain"));
            assertTrue(fixturePart.lines().allMatch(l -> l.startsWith("js:     jsmdb")), tc.name() + ":\n" + fixturePart);
        }
        assertTrue(m.group(7).lines().anyMatch(l -> l.startsWith("          >")), tc.name() + ": the executing source line is marked");
        assertVerboseKinds(tc, CommandRunner.runCaptured(reg, t, "::jsstack -v").out(), js);

        r = CommandRunner.runCaptured(reg, t, "::jsstack -a");
        Matcher a = Pattern.compile("(?m)^([0-9a-f]{16}) js:     " + fixtureFn + " \\(JSFunction: ([0-9a-f]+)\\)").matcher(r.out());
        assertTrue(a.find(), tc.name() + ": -a line of " + fixtureFn + " in\n" + r.out());
        r = CommandRunner.runCaptured(reg, t, a.group(1) + "::jsframe -v");
        assertEquals("", r.err(), tc.name());
        assertTrue(r.out().startsWith("js:     " + fixtureFn + "\n          file: "), tc.name() + ": ::jsframe\n" + r.out());
        r = CommandRunner.runCaptured(reg, t, a.group(2) + "::jssource");
        assertEquals("", r.err(), tc.name());
        assertTrue(r.out().contains("function " + fixtureFn + "("), tc.name() + ": ::jssource\n" + r.out());

        // -n as large as an int means every line around the function or frame (it once overflowed to none)
        r = CommandRunner.runCaptured(reg, t, a.group(2) + "::jssource -n 2147483647");
        assertEquals("", r.err(), tc.name());
        assertTrue(r.out().lines().anyMatch(l -> l.matches(" +1 .*")), tc.name() + ": the script from its first line\n" + r.out());
        assertTrue(r.out().contains("function " + fixtureFn + "("), tc.name());
        r = CommandRunner.runCaptured(reg, t, "::jsstack -v -n 2147483647");
        assertEquals("", r.err(), tc.name());
        Matcher all = Pattern.compile("(?m)^js:     " + fixtureFn + "\\n(?: {10}.*\\n)*? {10}> *\\d+ ").matcher(r.out());
        assertTrue(all.find(), tc.name() + ": the executing line is shown with -n 2147483647\n" + r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches(" {10}  +1 .*")), tc.name() + ": from the script's first line");
    }

    private static String nameOf(JsFrame f) { return f.debugName(); }

    /**
     * ::jsstack -v: one block per JS frame, each with a code: line naming its kind, then this:
     * and args; exit frames are file (native); inlined frames say their this and arguments are
     * not on the stack (the inlined call pushed no frame).
     */
    private static void assertVerboseKinds(TestCore tc, String out, List<JsFrame> js) {
        List<String> blocks = new ArrayList<>();
        StringBuilder cur = null;
        for (String l : out.lines().toList()) {
            if (l.startsWith("js:     ")) {
                if (cur != null) blocks.add(cur.toString());
                cur = new StringBuilder(l).append('\n');
            } else if (l.startsWith("          ") && cur != null) {
                cur.append(l).append('\n');
            } else if (cur != null) {
                blocks.add(cur.toString());
                cur = null;
            }
        }
        if (cur != null) blocks.add(cur.toString());
        assertEquals(js.size(), blocks.size(), tc.name() + ": one -v block per JS frame");
        for (int i = 0; i < blocks.size(); i++) {
            String b = blocks.get(i);
            JsFrame f = js.get(i);
            Matcher c = Pattern.compile("(?m)^ {10}(code: .*)$").matcher(b);
            assertTrue(c.find(), tc.name() + ": no code: line in\n" + b);
            assertTrue(CODE_LINE.matcher(c.group(1)).matches(), tc.name() + ": code line " + c.group(1));
            assertTrue(b.contains("\n          this: "), tc.name() + ": this in\n" + b);
            if (f.inlinedInto() != null) {
                assertTrue(b.contains("          this: (inlined: not on the stack)\n          args: (inlined: not on the stack)\n"), tc.name() + ":\n" + b);
            }
            if (f.tier() == JsFrame.Tier.API_CALLBACK || f.tier() == JsFrame.Tier.CPP_BUILTIN) {
                assertTrue(b.contains("\n          file: (native)\n"), tc.name() + ":\n" + b);
            }
        }
        if (tc.fixture().equals("stack")) {
            assertTrue(out.contains("js:     jsmdbTurboInlinee\n          file: ") && out.contains("code: inlined into jsmdbTurboOuter (turbofan)"),
                    tc.name() + ": the inlined frame's kind");
        } else if (tc.fixture().equals("deopt")) {
            assertTrue(Pattern.compile("(?m)^js:     jsmdbDeoptTurbo\n.*\n.*\n {10}code: turbofan, pc offset \\d+, marked for lazy deoptimization ").matcher(out).find(),
                    tc.name() + ": the invalidated frame says so:\n" + out);
            assertTrue(out.contains("code: inlined into jsmdbDeoptTurbo (turbofan), marked for lazy deoptimization"), tc.name() + ":\n" + out);
        } else {
            assertTrue(out.contains("js:     abort\n          file: (native)\n          code: exit (API callback)\n          this: 0x"), tc.name() + ":\n" + out);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void idleGcoreMainThreadIsInTheEventLoop(String version) throws Exception {
        TestCore tc = TestCores.get(version, "heap", TestCores.GCORE);
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            StackWalker w = t.stackWalker();
            int pid = ((Number) tc.oracle().get("pid")).intValue();
            var main = t.core().threads().stream().filter(x -> x.tid() == pid).findFirst().orElseThrow();
            List<Frame> frames = w.walk(main);
            assertTrue(frames.stream().noneMatch(Frame::isJs), tc.name() + ": JS frames on an idle main thread: " + frames);
            assertTrue(frames.stream().allMatch(f -> f.kind() == Frame.Kind.NATIVE), tc.name());
            assertTrue(frames.get(0).pcText().matches("libc\\.so\\.6`epoll_p?wait\\+0x[0-9a-f]+"), tc.name() + ": " + frames.get(0).pcText());
            List<String> names = frames.stream().map(Frame::pcText).toList();
            for (String fn : List.of("uv__io_poll+", "uv_run+", "node::Start(")) {
                assertTrue(names.stream().anyMatch(n -> n.startsWith(fn)), tc.name() + ": " + fn + " in " + names);
            }
            assertTrue(names.getLast().startsWith("_start+"), tc.name() + ": down to _start: " + names);
        }
    }
}
