package io.jsmdb.cmd;

import io.jsmdb.core.MemoryFault;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.v8.V8Metadata;
import io.jsmdb.v8.frames.Frame;
import io.jsmdb.v8.frames.JsFrame;
import io.jsmdb.v8.frames.StackWalker;
import io.jsmdb.v8.heap.HeapException;
import io.jsmdb.v8.heap.JsKind;
import io.jsmdb.v8.heap.JsNumbers;
import io.jsmdb.v8.heap.V8Heap;
import io.jsmdb.v8.heap.V8Strings;
import java.util.List;

/** Prints frames in mdb_v8's ::jsstack / ::jsframe form; shared by those dcmds. */
final class JsFramePrinter {
    private JsFramePrinter() {}

    /** Options shared by ::jsstack and ::jsframe. */
    record Options(boolean all, boolean verbose, int sourceLines) {}

    /** Prints a run of frames, eliding internal V8 frames unless o.all(). */
    static void print(DcmdContext ctx, StackWalker w, List<Frame> frames, Options o) {
        Output out = ctx.out();
        int elided = 0;
        for (Frame f : frames) {
            ctx.checkCancelled();
            boolean internal = f.kind() == Frame.Kind.V8_INTERNAL || f.kind() == Frame.Kind.V8_CODE;
            if (internal && !o.all()) {
                elided++;
                continue;
            }
            if (elided > 0) {
                out.println(String.format("        (%d internal frame%s elided)", elided, elided == 1 ? "" : "s"));
                elided = 0;
            }
            printFrame(ctx, w, f, o);
        }
        if (elided > 0) out.println(String.format("        (%d internal frame%s elided)", elided, elided == 1 ? "" : "s"));
    }

    static void printFrame(DcmdContext ctx, StackWalker w, Frame f, Options o) {
        Output out = ctx.out();
        String prefix = o.all() ? String.format("%016x ", f.fp()) : "";
        switch (f.kind()) {
            case NATIVE -> out.println(prefix + "native: " + Strings.escape(f.pcText()));
            case V8_INTERNAL -> out.println(prefix + "internal: <" + f.frameType() + "> " + Strings.escape(f.pcText()));
            case V8_CODE -> out.println(prefix + "internal: " + Strings.escape(f.pcText()));
            case JS, INLINED_JS -> {
                JsFrame js = f.js();
                String extra = !o.all() ? "" : (js.function() != 0 ? String.format(" (JSFunction: %x)", js.function()) : "")
                        + " pc " + Strings.escape(f.pcText());
                out.println(prefix + "js:     " + Strings.escape(js.displayName()) + extra);
                if (o.verbose()) printDetails(ctx, w, f, o);
                else if (o.sourceLines() > 0) printSource(ctx, w, js, o.sourceLines());
            }
        }
    }

    private static final String INDENT = "          ";

    private static void printDetails(DcmdContext ctx, StackWalker w, Frame f, Options o) {
        Output out = ctx.out();
        JsFrame js = f.js();
        if (js.scriptName().isPresent()) {
            out.println(INDENT + "file: " + Strings.escape(js.scriptName().get()));
        } else if (js.evalOrigin() != null) {
            out.println(INDENT + "file: <anonymous> (" + Strings.escape(js.evalOrigin()) + ")");
        } else if (js.tier() == JsFrame.Tier.BUILTIN || js.tier() == JsFrame.Tier.CPP_BUILTIN || js.tier() == JsFrame.Tier.API_CALLBACK) {
            out.println(INDENT + "file: (native)");
        }
        if (js.position() != null) {
            String s = "posn: line " + js.position().line() + ", column " + js.position().column();
            if (js.positionKind() == JsFrame.PositionKind.FUNCTION_START) s += " (function start; no position recorded for the executing code)";
            out.println(INDENT + s);
        }
        out.println(INDENT + Strings.escape(codeLine(js)));
        if (js.args() != null) {
            out.println(INDENT + "this: " + Strings.escape(summary(w.heap(), js.receiver())));
            long[] args = js.args();
            for (int i = 0; i < args.length; i++) out.println(INDENT + "arg" + (i + 1) + ": " + Strings.escape(summary(w.heap(), args[i])));
            if (js.resumed()) out.println(INDENT + "(resumed from a generator object: these are the formal parameters; the caller's argument count is lost)");
        } else if (f.kind() == Frame.Kind.INLINED_JS) {
            out.println(INDENT + "this: " + INLINED_NOT_ON_STACK);
            out.println(INDENT + "args: " + INLINED_NOT_ON_STACK);
        } else {
            out.println(INDENT + "this: (unreadable)");
            out.println(INDENT + "args: (unreadable)");
        }
        if (o.sourceLines() > 0) printSource(ctx, w, js, o.sourceLines());
    }

    /**
     * What an inlined frame's this and arguments show: an inlined call pushes no frame, so its
     * values live wherever the optimized code keeps them (only its deoptimization data says where).
     */
    static final String INLINED_NOT_ON_STACK = "(inlined: not on the stack)";

    /**
     * The -v "code:" line, which always starts with the frame's kind: interpreted, baseline,
     * maglev, turbofan, builtin, exit (C++ builtin | API callback), inlined into F (tier), unknown.
     * Optimized code V8 invalidated while the frame was on the stack says so after the offset
     * (the offset and position are those of the call the frame stands at).
     */
    static String codeLine(JsFrame js) {
        String code = js.inlinedInto() != null
                ? "code: inlined into " + js.inlinedInto() + " (" + js.tier() + ")"
                : "code: " + js.tier();
        if (js.codeOffset() >= 0) {
            code += js.tier() == JsFrame.Tier.INTERPRETED || js.tier() == JsFrame.Tier.BASELINE
                    ? ", bytecode offset " + js.codeOffset() : ", pc offset " + js.codeOffset();
        }
        if (js.lazyDeopt()) code += ", marked for lazy deoptimization (returns into its deopt exit; position of the call)";
        return code;
    }

    /** n lines either side of the frame's line, the line itself marked with '>'. */
    static void printSource(DcmdContext ctx, StackWalker w, JsFrame js, int n) {
        if (js.position() == null || js.script() == 0) return;
        int line = js.position().line();
        List<String[]> lines;
        try {
            // saturating: -n 2147483647 means every line, not an int overflow that shows none
            lines = w.heap().functions().sourceLines(js.script(), Math.max(1, line - n), Numbers.saturatedAdd(line, n));
        } catch (MemoryFault | HeapException e) {
            return;
        }
        for (String[] l : lines) {
            int no = Integer.parseInt(l[0]);
            ctx.out().println(String.format("%s%s%5d %s", INDENT, no == line ? ">" : " ", no, Strings.escape(l[1])));
        }
    }

    /**
     * A one-line summary of a JS value, mdb_v8 style: {@code 42}, {@code undefined}, {@code "s"},
     * {@code 0x.. (JSObject: Foo)}, {@code 0x.. (JSFunction: f)}, {@code 0x.. (HeapNumber: 1.5)}.
     */
    static String summary(V8Heap heap, long value) {
        JsKind k;
        try {
            k = heap.kindOf(value);
        } catch (MemoryFault | HeapException e) {
            return String.format(heap.isHeapObject(value) ? "0x%x (unreadable)" : "0x%x (not a JS value)", value);
        }
        try {
            switch (k) {
                case SMI: return Long.toString(heap.smiValue(value));
                case UNDEFINED: return "undefined";
                case NULL: return "null";
                case TRUE: return "true";
                case FALSE: return "false";
                case HOLE: return "<hole>";
                case STRING: {
                    V8Strings.JsString str = heap.strings().readString(value, 80);
                    return "\"" + str.text() + (str.truncated() ? "...\"" : "\"");
                }
                case HEAP_NUMBER: return String.format("0x%x (HeapNumber: %s)", value, JsNumbers.format(heap.numberValue(value)));
                case FUNCTION: {
                    String n = heap.functions().functionDebugName(value);
                    return String.format("0x%x (JSFunction: %s)", value, n.isEmpty() ? "<anonymous>" : n);
                }
                default: {
                    int type = heap.typeOf(value);
                    V8Metadata md = heap.metadata();
                    String cls = md.typeClassName(type).orElse(heap.typeName(type));
                    if (k.isJSObject()) {
                        var ctor = heap.constructorNameOf(value);
                        if (ctor.isPresent()) return String.format("0x%x (%s: %s)", value, cls, ctor.get());
                    }
                    return String.format("0x%x (%s)", value, cls);
                }
            }
        } catch (MemoryFault | HeapException e) {
            return String.format("0x%x (%s, unreadable)", value, k);
        }
    }
}
