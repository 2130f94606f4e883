package io.jsmdb.v8.frames;

import io.jsmdb.binary.CfiUnwinder;
import io.jsmdb.binary.ElfImage;
import io.jsmdb.binary.NativeSymbolizer;
import io.jsmdb.binary.UnwindRegs;
import io.jsmdb.core.CoreFile;
import io.jsmdb.core.Registers;
import io.jsmdb.core.ThreadState;
import io.jsmdb.v8.V8Fact;
import io.jsmdb.v8.V8Metadata;
import io.jsmdb.v8.heap.JsKind;
import io.jsmdb.v8.heap.V8Heap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Walks a thread's stack through native and V8 frames and decodes the JavaScript ones.
 *
 * <p>Native (C++, library) frames are unwound by {@code .eh_frame} CFI ({@link CfiUnwinder}),
 * falling back to the frame-pointer chain where a function has no FDE. V8 code
 * (embedded builtins, JIT code) always follows V8's frame-pointer convention: caller fp at
 * [fp], return address at [fp+8]; the slot at fp-8 is a frame-type marker (typed frames) or a
 * context (JavaScript frames, whose JSFunction is at fp-16).
 *
 * <p>Not thread-safe; one per session (it caches decoded objects).
 */
public final class StackWalker {
    /** At most this many frames per thread. */
    public static final int MAX_FRAMES = 10_000;
    /** A caller fp more than this above its callee's ends the walk (bad link). */
    private static final long MAX_FRAME_SIZE = 16L << 20;

    private final CoreFile core;
    private final V8Metadata md;
    private final FrameHeap h;
    private final Functions fns;
    private final CodeMap codeMap;
    private final CfiUnwinder cfi;
    private final V8Heap heap;
    private final int offMarker, offFunction, offArgc, offArgs, offBytecodeArray, offBytecodeOffset, offCallerFp, offCallerPc;
    private final boolean argcHasReceiver;
    private final int bytecodeHeader, spTableOffset, byteArrayData, lengthOffset, encoding, fixedArrayHeader;
    private final int kindBaseline, kindMaglev, kindTurbofan;
    private final int codePositions, codeDeopt, deoptLiterals, deoptInlining, inliningSize, inliningId;
    private final int builtinExitTarget, builtinExitArgc, builtinExitExtraArgs, builtinExitReceiver;
    private final Map<Long, List<Frame>> walks = new HashMap<>();
    /**
     * Builtins that re-enter a suspended generator or async function through the (frameless)
     * ResumeGeneratorTrampoline: the resumed function's return address is in one of them.
     */
    static boolean isGeneratorResume(String builtin) {
        if (builtin == null || !builtin.startsWith("Builtins_")) return false;
        String b = builtin.substring(9);
        return b.startsWith("ResumeGenerator") || b.startsWith("GeneratorPrototype") || b.startsWith("AsyncGenerator")
                || (b.contains("Await") && b.endsWith("Closure"));
    }

    public StackWalker(CoreFile core, String executablePath, ElfImage node, NativeSymbolizer symbolizer, V8Metadata md) {
        this.core = core;
        this.md = md;
        this.h = new FrameHeap(core, md);
        this.fns = new Functions(h);
        this.codeMap = new CodeMap(core, executablePath, node, symbolizer, h);
        this.cfi = new CfiUnwinder(core, symbolizer);
        this.heap = new V8Heap(core, md);
        offMarker = md.fpContextOrFrameTypeOffset();
        offFunction = md.fpFunctionOffset();
        offArgc = md.fpArgcOffset();
        offArgs = md.fpArgsOffset();
        offBytecodeArray = md.fpBytecodeArrayOffset();
        offBytecodeOffset = md.fpBytecodeOffsetOffset();
        offCallerFp = md.fpCallerFpOffset();
        offCallerPc = md.fpCallerPcOffset();
        argcHasReceiver = md.argcIncludesReceiver();
        bytecodeHeader = md.get(V8Fact.BYTECODE_ARRAY_HEADER);
        spTableOffset = md.get(V8Fact.BYTECODE_ARRAY_SOURCE_POSITION_TABLE_OFFSET);
        byteArrayData = md.get(V8Fact.BYTE_ARRAY_DATA_OFFSET);
        lengthOffset = md.fixedArrayLengthOffset();
        fixedArrayHeader = md.fixedArrayHeaderSize();
        encoding = md.get(V8Fact.SOURCE_POSITION_TABLE_ENCODING);
        kindBaseline = md.get(V8Fact.CODE_KIND_BASELINE);
        kindMaglev = md.get(V8Fact.CODE_KIND_MAGLEV);
        kindTurbofan = md.get(V8Fact.CODE_KIND_TURBOFAN);
        codePositions = md.get(V8Fact.CODE_SOURCE_POSITION_TABLE_OFFSET);
        codeDeopt = md.get(V8Fact.CODE_DEOPTIMIZATION_DATA_OFFSET);
        deoptLiterals = md.get(V8Fact.DEOPT_DATA_LITERAL_ARRAY_INDEX);
        deoptInlining = md.get(V8Fact.DEOPT_DATA_INLINING_POSITIONS_INDEX);
        inliningSize = md.get(V8Fact.INLINING_POSITION_SIZE);
        inliningId = md.get(V8Fact.INLINING_POSITION_FUNCTION_ID_OFFSET);
        builtinExitTarget = md.get(V8Fact.BUILTIN_EXIT_FRAME_TARGET_OFFSET);
        builtinExitArgc = md.get(V8Fact.BUILTIN_EXIT_FRAME_ARGC_OFFSET);
        builtinExitExtraArgs = md.get(V8Fact.BUILTIN_EXIT_FRAME_EXTRA_ARGS);
        builtinExitReceiver = md.get(V8Fact.BUILTIN_EXIT_FRAME_RECEIVER_OFFSET);
    }

    /** Function names, scripts and source lines. */
    public Functions functions() { return fns; }

    /**
     * A one-line summary of a JS value: {@code 42}, {@code undefined}, {@code "s"},
     * {@code 0x.. (JSObject: Foo)}, {@code 0x.. (JSFunction: f)}, from {@link V8Heap}; the frame
     * decoder's own reader where V8Heap rejects the word.
     */
    public String summary(long value) {
        try {
            JsKind k = heap.kindOf(value);
            switch (k) {
                case SMI: return Long.toString(heap.smiValue(value));
                case UNDEFINED: return "undefined";
                case NULL: return "null";
                case TRUE: return "true";
                case FALSE: return "false";
                case HOLE: return "<hole>";
                case STRING: {
                    V8Heap.JsString str = heap.readString(value, 80);
                    return "\"" + str.text() + (str.truncated() ? "...\"" : "\"");
                }
                case HEAP_NUMBER: return String.format("0x%x (HeapNumber: %s)", value, FrameHeap.JsNumberText.of(heap.numberValue(value)));
                case FUNCTION: {
                    String n = heap.functionDebugName(value);
                    return String.format("0x%x (JSFunction: %s)", value, n == null || n.isEmpty() ? "<anonymous>" : n);
                }
                default: {
                    int type = heap.typeOf(value);
                    String cls = md.typeClassName(type).or(() -> md.instanceTypeName(type)).orElse(heap.typeName(type));
                    if (k.isJSObject()) {
                        var ctor = heap.constructorNameOf(value);
                        if (ctor.isPresent()) return String.format("0x%x (%s: %s)", value, cls, ctor.get());
                    }
                    return String.format("0x%x (%s)", value, cls);
                }
            }
        } catch (RuntimeException e) {
            return h.summary(value, fns);
        }
    }

    /** The frames of a thread, innermost first (cached). */
    public List<Frame> walk(ThreadState thread) {
        return walks.computeIfAbsent((long) thread.tid(), k -> Collections.unmodifiableList(walk(thread.registers())));
    }

    /** The frames from a register state, innermost first. */
    public List<Frame> walk(Registers regs) {
        List<Frame> out = new ArrayList<>();
        UnwindRegs r = UnwindRegs.of(regs);
        boolean top = true;
        while (out.size() < MAX_FRAMES) {
            long pc = r.rip(), fp = r.rbp(), sp = r.rsp();
            CodeMap.Pc p = codeMap.classify(pc, !top);
            UnwindRegs next = null;
            if (p.where() == CodeMap.Where.NATIVE || (p.where() == CodeMap.Where.UNKNOWN && codeMap.inFile(pc))) {
                out.add(new Frame(Frame.Kind.NATIVE, fp, pc, p.describe(), null, null));
                Optional<UnwindRegs> n = cfi == null ? Optional.empty() : cfi.step(r, top);
                if (n.isPresent()) {
                    next = n.get();
                    if (next.rip() == 0) break;  // the CFI marks the outermost frame
                } else if (plausibleFp(fp, sp)) {
                    next = callerByFramePointer(r, fp);
                }
            } else {
                if (!plausibleFp(fp, sp)) {
                    out.add(new Frame(Frame.Kind.V8_CODE, fp, pc, p.describe(), null, null));
                    break;
                }
                decodeV8(fp, pc, p, top, out);
                next = callerByFramePointer(r, fp);
            }
            if (next == null || next.rip() == 0 || Long.compareUnsigned(next.rsp(), sp) <= 0 || next.rsp() - sp > MAX_FRAME_SIZE) break;
            r = next;
            top = false;
        }
        return out;
    }

    /** V8's (and any frame-pointer function's) caller: fp = [fp], pc = [fp+8], sp = fp+16. */
    private UnwindRegs callerByFramePointer(UnwindRegs r, long fp) {
        try {
            long nfp = core.readLong(fp + offCallerFp);
            long npc = core.readLong(fp + offCallerPc);
            long nsp = fp + offCallerPc + 8;
            return new UnwindRegs(npc, nsp, nfp, r.rbx(), r.r12(), r.r13(), r.r14(), r.r15(), nsp);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private boolean plausibleFp(long fp, long sp) {
        return fp != 0 && (fp & 7) == 0 && Long.compareUnsigned(fp, sp) >= 0 && fp - sp < MAX_FRAME_SIZE && core.isReadable(fp, 16);
    }

    /**
     * Decodes the frame at fp given the PC in it (the return address its callee pushed): as a
     * typed V8 frame, a JS frame (plus the frames inlined into it), or plain V8 code.
     */
    private void decodeV8(long fp, long pc, CodeMap.Pc p, boolean top, List<Frame> out) {
        long marker = h.word(fp + offMarker);
        OptionalInt ft = h.isSmi(marker) ? md.frameTypeFromMarker(marker) : OptionalInt.empty();
        if (ft.isPresent()) {
            String type = md.frameTypeName(ft.getAsInt()).orElse("frame type " + ft.getAsInt());
            if (V8Metadata.canonicalFrameTypeName(type).equals("BuiltinExitFrame")) {
                JsFrame js = builtinExit(fp);
                if (js != null) {
                    out.add(new Frame(Frame.Kind.JS, fp, pc, p.describe(), type, js));
                    return;
                }
            }
            out.add(new Frame(Frame.Kind.V8_INTERNAL, fp, pc, p.describe(), type, null));
            return;
        }
        long fn = h.word(fp + offFunction);
        if (!h.isJsFunction(fn)) {
            out.add(new Frame(Frame.Kind.V8_CODE, fp, pc, p.describe(), null, null));
            return;
        }
        long sfi = h.sharedOf(fn);
        long ba = h.word(fp + offBytecodeArray);
        long bo = h.word(fp + offBytecodeOffset);
        JsFrame.Tier tier;
        CodeMap.Code code = null;
        if (p.where() == CodeMap.Where.JIT) {
            code = codeMap.codeAt(top ? pc : pc - 1);
            int kind = code == null ? -1 : code.kind();
            tier = kind == kindBaseline ? JsFrame.Tier.BASELINE : kind == kindMaglev ? JsFrame.Tier.MAGLEV
                    : kind == kindTurbofan ? JsFrame.Tier.TURBOFAN
                    : (h.type(ba) == h.bytecodeArrayType && h.isSmi(bo)) ? JsFrame.Tier.INTERPRETED : JsFrame.Tier.UNKNOWN;
        } else if (h.type(ba) == h.bytecodeArrayType && h.isSmi(bo)) {
            tier = JsFrame.Tier.INTERPRETED;
        } else {
            tier = JsFrame.Tier.BUILTIN;
        }
        long argc = h.word(fp + offArgc) - (argcHasReceiver ? 1 : 0);
        long receiver = h.word(fp + offArgs);
        long[] args = null;
        if (argc >= 0 && argc <= 65535) {
            args = new long[(int) argc];
            for (int i = 0; i < argc; i++) args[i] = h.word(fp + offArgs + 8L * (i + 1));
        }
        long script = fns.script(sfi);
        int codeOffset = -1;
        long raw = -1;
        List<JsFrame> inlined = new ArrayList<>();
        switch (tier) {
            case INTERPRETED -> {
                codeOffset = (int) (h.smi(bo) - (bytecodeHeader - 1));
                raw = bytecodePositions(ba) == null ? -1 : bytecodePositions(ba).lookup(codeOffset);
            }
            case BASELINE -> {
                codeOffset = baselineBytecodeOffset(code, pc, ba);
                SourcePositions t = bytecodePositions(ba);
                raw = t == null || codeOffset < -1 ? -1 : t.lookup(codeOffset);
            }
            case MAGLEV, TURBOFAN -> {
                codeOffset = (int) (pc - code.start() - (top ? 0 : 1));
                SourcePositions t = positions(h.field(code.code(), codePositions));
                raw = t == null ? -1 : t.lookup(codeOffset);
                raw = expandInlined(code, raw, sfi, tier, inlined);
            }
            default -> { }
        }
        for (JsFrame in : inlined) out.add(new Frame(Frame.Kind.INLINED_JS, 0, pc, p.describe(), null, in));
        CodeMap.Pc caller = codeMap.classify(h.word(fp + offCallerPc), true);
        boolean resumed = isGeneratorResume(caller.symbol());
        JsFrame js = jsFrame(fn, sfi, tier, script, raw, codeOffset, receiver, args, null, resumed);
        out.add(new Frame(Frame.Kind.JS, fp, pc, p.describe(), null, js));
    }

    private JsFrame jsFrame(long fn, long sfi, JsFrame.Tier tier, long script, long raw, int codeOffset,
                            long receiver, long[] args, String inlinedInto) {
        return jsFrame(fn, sfi, tier, script, raw, codeOffset, receiver, args, inlinedInto, false);
    }

    private JsFrame jsFrame(long fn, long sfi, JsFrame.Tier tier, long script, long raw, int codeOffset,
                            long receiver, long[] args, String inlinedInto, boolean resumed) {
        Functions.FunctionName n = fns.name(sfi);
        Functions.LineCol pos = null;
        JsFrame.PositionKind kind = JsFrame.PositionKind.NONE;
        if (script != 0) {
            int off = raw >= 0 ? SourcePositions.scriptOffset(raw) : -1;
            if (off >= 0) {
                pos = fns.lineCol(script, off);
                if (pos != null) kind = JsFrame.PositionKind.EXECUTING;
            }
            if (pos == null) {
                int[] range = fns.sourceRange(sfi);
                if (range != null) {
                    pos = fns.lineCol(script, range[0]);
                    if (pos != null) kind = JsFrame.PositionKind.FUNCTION_START;
                }
            }
        }
        return new JsFrame(fn, sfi, n.name(), n.inferred(), tier, script, fns.scriptName(script), evalOrigin(script),
                pos, kind, codeOffset, receiver, args, inlinedInto, resumed);
    }

    /** "eval at f (file:L:C)" for eval code, else null. */
    private String evalOrigin(long script) {
        if (script == 0 || fns.scriptName(script).isPresent()) return null;
        long[] o = fns.evalOrigin(script);
        if (o == null) return null;
        String who = fns.debugName(o[0]);
        long s = fns.script(o[0]);
        String where = fns.scriptName(s).orElse("<anonymous>");
        Functions.LineCol lc = o[1] >= 0 ? fns.lineCol(s, (int) o[1]) : null;
        return "eval at " + (who.isEmpty() ? "<anonymous>" : who) + " (" + where + (lc == null ? "" : ":" + lc.line() + ":" + lc.column()) + ")";
    }

    /** A C++ builtin (JSON.parse) called from JS: its BuiltinExitFrame holds the target and argc. */
    private JsFrame builtinExit(long fp) {
        long fn = h.word(fp + builtinExitTarget);
        if (!h.isJsFunction(fn)) return null;
        long argcWord = h.word(fp + builtinExitArgc);
        long[] args = null;
        long receiver = 0;
        if (h.isSmi(argcWord)) {
            long argc = h.smi(argcWord) - builtinExitExtraArgs;
            long base = fp + builtinExitReceiver;
            if (argc >= 0 && argc < 65536) {
                receiver = h.word(base);
                args = new long[(int) argc];
                for (int i = 0; i < argc; i++) args[i] = h.word(base + 8L * (i + 1));
            }
        }
        long sfi = h.sharedOf(fn);
        return jsFrame(fn, sfi, JsFrame.Tier.CPP_BUILTIN, fns.script(sfi), -1, -1, receiver, args, null);
    }

    private final Map<Long, Optional<SourcePositions>> tables = new HashMap<>();

    private SourcePositions bytecodePositions(long bytecodeArray) {
        return positions(h.field(bytecodeArray, spTableOffset));
    }

    /** A decoded position table from a ByteArray / TrustedByteArray, or null (undefined: not collected). */
    private SourcePositions positions(long byteArray) {
        Optional<SourcePositions> t = tables.get(byteArray);
        if (t == null) {
            byte[] b = byteArray(byteArray);
            t = Optional.ofNullable(b == null ? null : SourcePositions.decode(b, encoding));
            tables.put(byteArray, t);
        }
        return t.orElse(null);
    }

    private byte[] byteArray(long obj) {
        if (!h.isHeapObject(obj) || h.type(obj) < 0 || h.type(obj) == h.oddballType) return null;
        long len = h.smiField(obj, lengthOffset, -1);
        if (len < 0 || len > (64 << 20)) return null;
        try {
            return core.readBytes(obj - 1 + byteArrayData, (int) len);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Baseline (Sparkplug) code keeps no bytecode offset in the frame: map the PC through the
     * Code's bytecode offset table (VLQ machine-code lengths per bytecode, in bytecode order),
     * walking the BytecodeArray with V8's bytecode size table. -2 if it cannot be done.
     */
    private int baselineBytecodeOffset(CodeMap.Code code, long pc, long bytecodeArray) {
        if (code == null || h.type(bytecodeArray) != h.bytecodeArrayType) return -2;
        byte[] table = byteArray(h.field(code.code(), codePositions));
        byte[][] sizes = codeMap.bytecodeSizes();
        long len = h.smiField(bytecodeArray, lengthOffset, -1);
        if (table == null || sizes == null || len < 0 || len > (16 << 20)) return -2;
        byte[] bc;
        try {
            bc = core.readBytes(bytecodeArray - 1 + bytecodeHeader, (int) len);
        } catch (RuntimeException e) {
            return -2;
        }
        long pcOff = pc - code.start();
        int[] idx = {0};
        long end = SourcePositions.vlq(table, idx);
        if (end < 0) return -2;
        int cur = -1, next = 0;
        while (end < pcOff) {
            if (next >= bc.length) return -2;
            cur = next;
            int scale = 0, i = next;
            int b = bc[i] & 0xff;
            if (b == 0 || b == 1) {
                scale = b == 0 ? 1 : 2;
                i++;
                if (i >= bc.length) return -2;
                b = bc[i] & 0xff;
            }
            if (b >= sizes[scale].length) return -2;
            int size = sizes[scale][b] & 0xff;
            if (size <= 0) return -2;
            next = i + size;
            long d = SourcePositions.vlq(table, idx);
            if (d < 0) return -2;
            end += d;
        }
        return cur;
    }

    /**
     * Optimized code: a raw position with an inlining id belongs to an inlined function. Adds the
     * inlined frames (innermost first) and returns the outermost function's raw position.
     */
    private long expandInlined(CodeMap.Code code, long raw, long outerSfi, JsFrame.Tier tier, List<JsFrame> out) {
        if (raw < 0 || SourcePositions.inliningId(raw) < 0) return raw;
        long dd = h.field(code.code(), codeDeopt);
        long positions = h.element(dd, fixedArrayHeader, deoptInlining);
        long literals = h.element(dd, fixedArrayHeader, deoptLiterals);
        byte[] inl = byteArray(positions);
        if (inl == null) return raw;
        String outer = fns.debugName(outerSfi);
        for (int guard = 0; guard < 64 && raw >= 0 && SourcePositions.inliningId(raw) >= 0; guard++) {
            int id = SourcePositions.inliningId(raw);
            int at = id * inliningSize;
            if (at + inliningSize > inl.length) break;
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(inl).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            long callerRaw = bb.getLong(at);
            int fnId = bb.getInt(at + inliningId);
            long sfi = FrameHeap.strong(h.element(literals, fixedArrayHeader, fnId));
            if (h.type(sfi) != h.sfiType) break;
            out.add(jsFrame(0, sfi, tier, fns.script(sfi), raw, -1,
                    0, null, outer.isEmpty() ? "<anonymous>" : outer));
            raw = callerRaw;
        }
        return raw;
    }
}
