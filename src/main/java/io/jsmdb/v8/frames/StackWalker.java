package io.jsmdb.v8.frames;

import io.jsmdb.binary.CfiUnwinder;
import io.jsmdb.binary.ElfImage;
import io.jsmdb.binary.NativeSymbolizer;
import io.jsmdb.binary.UnwindRegs;
import io.jsmdb.core.CoreFile;
import io.jsmdb.core.MemoryFault;
import io.jsmdb.core.Registers;
import io.jsmdb.core.ThreadState;
import io.jsmdb.v8.Fallbacks;
import io.jsmdb.v8.V8Fact;
import io.jsmdb.v8.V8Metadata;
import io.jsmdb.v8.heap.HeapException;
import io.jsmdb.v8.heap.V8Functions;
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
 * <p>Heap objects are read through {@link V8Heap}; a frame holds whatever could be read, and
 * bad memory leaves fields empty instead of ending the walk.
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
    private final CodeMap codeMap;
    private final CfiUnwinder cfi;
    private final V8Heap heap;
    private final int offMarker, offFunction, offArgc, offArgs, offBytecodeArray, offBytecodeOffset, offCallerFp, offCallerPc;
    private final boolean argcHasReceiver;
    private final int bytecodeHeader, spTableOffset, byteArrayData, lengthOffset, encoding, fixedArrayHeader;
    private final int kindBaseline, kindMaglev, kindTurbofan, tBytecodeArray, tSfi, tOddball, tCode;
    private final int codePositions, codeDeopt, deoptLiterals, deoptInlining, inliningSize, inliningId;
    private final int deoptExitStart, deoptEagerCount, deoptLazyCount, deoptFirstEntry, deoptEntrySize, deoptEntryPc;
    private final int eagerExitSize, lazyExitSize, deoptEntryBytecodeOffset, deoptInlinedCount;
    /** MaglevSafepointTable header fields (V8 13+); -1 where V8 has none. */
    private final int mspLength, mspConfig, mspHeader;
    private final int builtinExitTarget, builtinExitArgc, builtinExitExtraArgs, builtinExitReceiver;
    /** ApiCallbackExitFrame slots (V8 12+); apiExitTarget is Integer.MIN_VALUE where V8 has no such frame. */
    private final int apiExitTarget, apiExitArgc, apiExitReceiver;
    private final boolean apiExitArgcIsSmi;
    private final int tFunctionTemplateInfo, sfiFunctionData;
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

    public StackWalker(CoreFile core, ElfImage node, NativeSymbolizer symbolizer, V8Metadata md) {
        this(core, node, symbolizer, md, new V8Heap(core, md));
    }

    /** A walker that decodes frames with this heap model (the target's, shared with the commands). */
    public StackWalker(CoreFile core, ElfImage node, NativeSymbolizer symbolizer, V8Metadata md, V8Heap heap) {
        this.core = core;
        this.md = md;
        this.heap = heap;
        this.codeMap = new CodeMap(node, symbolizer, heap);
        this.cfi = new CfiUnwinder(core, symbolizer);
        tBytecodeArray = heap.typeNamed("BYTECODE_ARRAY_TYPE");
        tSfi = heap.typeNamed("SHARED_FUNCTION_INFO_TYPE");
        tOddball = heap.typeNamed("ODDBALL_TYPE");
        tCode = heap.typeNamed("CODE_TYPE");
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
        deoptExitStart = md.get(V8Fact.DEOPT_DATA_DEOPT_EXIT_START_INDEX);
        deoptEagerCount = md.get(V8Fact.DEOPT_DATA_EAGER_DEOPT_COUNT_INDEX);
        deoptLazyCount = md.get(V8Fact.DEOPT_DATA_LAZY_DEOPT_COUNT_INDEX);
        deoptFirstEntry = md.get(V8Fact.DEOPT_DATA_FIRST_ENTRY_INDEX);
        deoptEntrySize = md.get(V8Fact.DEOPT_DATA_ENTRY_SIZE);
        deoptEntryPc = md.get(V8Fact.DEOPT_DATA_ENTRY_PC_OFFSET);
        eagerExitSize = md.get(V8Fact.DEOPT_EXIT_EAGER_SIZE);
        lazyExitSize = md.get(V8Fact.DEOPT_EXIT_LAZY_SIZE);
        deoptEntryBytecodeOffset = md.get(V8Fact.DEOPT_DATA_ENTRY_BYTECODE_OFFSET);
        deoptInlinedCount = md.get(V8Fact.DEOPT_DATA_INLINED_FUNCTION_COUNT_INDEX);
        mspLength = (int) md.find(V8Fact.MAGLEV_SAFEPOINT_LENGTH_OFFSET).orElse(-1);
        mspConfig = (int) md.find(V8Fact.MAGLEV_SAFEPOINT_CONFIG_OFFSET).orElse(-1);
        mspHeader = (int) md.find(V8Fact.MAGLEV_SAFEPOINT_HEADER_SIZE).orElse(-1);
        builtinExitTarget = md.get(V8Fact.BUILTIN_EXIT_FRAME_TARGET_OFFSET);
        builtinExitArgc = md.get(V8Fact.BUILTIN_EXIT_FRAME_ARGC_OFFSET);
        builtinExitExtraArgs = md.get(V8Fact.BUILTIN_EXIT_FRAME_EXTRA_ARGS);
        builtinExitReceiver = md.get(V8Fact.BUILTIN_EXIT_FRAME_RECEIVER_OFFSET);
        boolean api = md.frameType("ApiCallbackExitFrame").isPresent() && md.find(V8Fact.API_CALLBACK_EXIT_FRAME_TARGET_OFFSET).isPresent();
        apiExitTarget = api ? md.get(V8Fact.API_CALLBACK_EXIT_FRAME_TARGET_OFFSET) : Integer.MIN_VALUE;
        apiExitArgc = api ? md.get(V8Fact.API_CALLBACK_EXIT_FRAME_ARGC_OFFSET) : 0;
        apiExitArgcIsSmi = api && md.get(V8Fact.API_CALLBACK_EXIT_FRAME_ARGC_IS_SMI) != 0;
        apiExitReceiver = api ? md.get(V8Fact.API_CALLBACK_EXIT_FRAME_RECEIVER_OFFSET) : 0;
        tFunctionTemplateInfo = heap.typeNamed("FUNCTION_TEMPLATE_INFO_TYPE");
        sfiFunctionData = (int) md.find(V8Fact.SFI_UNTRUSTED_FUNCTION_DATA_OFFSET).orElse(-1);
    }

    /** The heap the walker reads frames' objects with (function names, scripts, source lines, values). */
    public V8Heap heap() { return heap; }

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
            long pc = r.pc(), fp = r.fp(), sp = r.sp();
            CodeMap.Pc p = codeMap.classify(pc, !top);
            UnwindRegs next = null;
            if (p.where() == CodeMap.Where.NATIVE) {
                out.add(new Frame(Frame.Kind.NATIVE, fp, pc, p.describe(), null, null));
                // the program's entry point has no caller (its CFI says so where it has an FDE;
                // node 16's arm64 _start has none, and x29 there is whatever the kernel left)
                if ("_start".equals(p.symbol())) break;
                if (io.jsmdb.binary.Arm64SignalFrame.isTrampoline(core, r.arch(), pc)) {
                    // an AArch64 signal handler returned here: go on in the code the signal
                    // interrupted, at the exact pc it struck (as the top frame's)
                    UnwindRegs interrupted = io.jsmdb.binary.Arm64SignalFrame.interrupted(core, r);
                    if (interrupted == null || interrupted.pc() == 0) break;
                    r = interrupted;
                    top = true;
                    continue;
                }
                Optional<UnwindRegs> n = cfi == null ? Optional.empty() : cfi.step(r, top);
                if (n.isPresent()) {
                    next = n.get();
                    if (next.pc() == 0) break;  // the CFI marks the outermost frame
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
            if (next == null || next.pc() == 0 || next.sp() - sp > MAX_FRAME_SIZE) break;
            // the stack grows down: a caller's sp is above its callee's; on AArch64 a leaf
            // function (its return address still in x30) may not have moved sp at all
            int bySp = Long.compareUnsigned(next.sp(), sp);
            if (bySp < 0 || bySp == 0 && !(top && next.pc() != pc && r.arch().returnAddressIsRegister())) break;
            r = next;
            top = false;
        }
        return out;
    }

    /**
     * V8's (and any frame-pointer function's) caller: fp = [fp], pc = [fp+8], sp = fp+16, on
     * both machines (V8's CommonFrameConstants; on AArch64 the pc as saved, possibly signed).
     */
    private UnwindRegs callerByFramePointer(UnwindRegs r, long fp) {
        try {
            long nfp = core.readLong(fp + offCallerFp);
            long npc = core.readLong(fp + offCallerPc);
            long nsp = fp + offCallerPc + 8;
            return r.callerByFramePointer(npc, nsp, nfp);
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
        long marker = slot(fp + offMarker);
        OptionalInt ft = heap.isSmi(marker) ? md.frameTypeFromMarker(marker) : OptionalInt.empty();
        if (ft.isPresent()) {
            String type = md.frameTypeName(ft.getAsInt()).orElse("frame type " + ft.getAsInt());
            String canon = V8Metadata.canonicalFrameTypeName(type);
            JsFrame exit = canon.equals("BuiltinExitFrame") ? builtinExit(fp)
                    : canon.equals("ApiCallbackExitFrame") ? apiCallbackExit(fp) : null;
            if (exit != null) {
                out.add(new Frame(Frame.Kind.JS, fp, pc, p.describe(), type, exit));
                return;
            }
            out.add(new Frame(Frame.Kind.V8_INTERNAL, fp, pc, p.describe(), type, null));
            return;
        }
        long fn = slot(fp + offFunction);
        if (!heap.isJSFunctionType(type(fn))) {
            JsFrame unknown = p.where() == CodeMap.Where.JIT ? optimizedNameUnknown(pc, top) : null;
            out.add(unknown != null ? new Frame(Frame.Kind.JS, fp, pc, p.describe(), null, unknown)
                    : new Frame(Frame.Kind.V8_CODE, fp, pc, p.describe(), null, null));
            return;
        }
        long sfi = shared(fn);
        long ba = slot(fp + offBytecodeArray);
        long bo = slot(fp + offBytecodeOffset);
        boolean interpreted = type(ba) == tBytecodeArray && heap.isSmi(bo);
        JsFrame.Tier tier;
        CodeMap.Code code = null;
        if (p.where() == CodeMap.Where.JIT) {
            code = codeMap.codeAt(top ? pc : pc - 1);
            int kind = code == null ? -1 : code.kind();
            tier = kind == kindBaseline ? JsFrame.Tier.BASELINE : kind == kindMaglev ? JsFrame.Tier.MAGLEV
                    : kind == kindTurbofan ? JsFrame.Tier.TURBOFAN
                    : interpreted ? JsFrame.Tier.INTERPRETED : JsFrame.Tier.UNKNOWN;
        } else if (interpreted) {
            tier = JsFrame.Tier.INTERPRETED;
        } else {
            tier = JsFrame.Tier.BUILTIN;
        }
        long argc = slot(fp + offArgc) - (argcHasReceiver ? 1 : 0);
        long receiver = slot(fp + offArgs);
        long[] args = null;
        if (argc >= 0 && argc <= 65535) {
            args = new long[(int) argc];
            for (int i = 0; i < argc; i++) args[i] = slot(fp + offArgs + 8L * (i + 1));
        }
        long script = script(sfi);
        int codeOffset = -1;
        long raw = -1;
        boolean lazy = false;
        List<JsFrame> inlined = new ArrayList<>();
        switch (tier) {
            case INTERPRETED -> {
                codeOffset = (int) (heap.smiValue(bo) - (bytecodeHeader - 1));
                raw = bytecodePositions(ba) == null ? -1 : bytecodePositions(ba).lookup(codeOffset);
            }
            case BASELINE -> {
                codeOffset = baselineBytecodeOffset(code, pc, ba);
                SourcePositions t = bytecodePositions(ba);
                raw = t == null || codeOffset < -1 ? -1 : t.lookup(codeOffset);
            }
            case MAGLEV, TURBOFAN -> {
                // A return address is looked up as its call (pc - 1), as V8's Code::SourcePosition
                // does; one in the lazy-deopt exits as the call that exit stands for.
                long off = pc - code.start();
                LazyExit exit = top ? null : lazyDeoptExit(code, off);
                lazy = exit != null;
                long ret = lazy ? exit.returnOffset() : off;
                // Maglev's position table can place a call at a neighbouring statement (a loop
                // header, the statement before): V8's stack trace reads the position at the
                // call's bytecode offset, which the call's deopt entry keeps (found from the
                // safepoint of the return address). That offset is the innermost frame's: the
                // frame's own function's, or the function inlined at the call (the position
                // table's inlining id says which); the frames it is inlined into keep their
                // inlining positions (the call sites).
                long bc = lazy ? exit.bytecodeOffset() : top || tier != JsFrame.Tier.MAGLEV ? -1 : maglevCallBytecodeOffset(code, off);
                codeOffset = (int) (ret < 0 ? off : ret - (top ? 0 : 1));
                SourcePositions t = ret >= 0 ? positions(field(code.code(), codePositions)) : null;
                raw = t == null ? -1 : t.lookup(codeOffset);
                if (tier == JsFrame.Tier.MAGLEV && bc >= 0) {
                    long innermost = raw >= 0 ? inlinedSfi(code, SourcePositions.inliningId(raw))
                            : inlinedFunctionCount(code) == 0 ? sfi : 0;
                    long innerBa = innermost == 0 ? 0 : bytecodeArrayOf(innermost == -1 ? sfi : innermost);
                    long atCall = innerBa == 0 || bytecodePositions(innerBa) == null ? -1 : bytecodePositions(innerBa).lookup((int) bc);
                    if (atCall >= 0) raw = raw >= 0 ? SourcePositions.withScriptOffsetOf(raw, atCall) : atCall;
                }
                raw = expandInlined(code, raw, sfi, tier, inlined, lazy);
            }
            default -> { }
        }
        for (JsFrame in : inlined) out.add(new Frame(Frame.Kind.INLINED_JS, 0, pc, p.describe(), null, in));
        CodeMap.Pc caller = codeMap.classify(core.arch().codeAddress(slot(fp + offCallerPc)), true);
        boolean resumed = isGeneratorResume(caller.symbol());
        JsFrame js = jsFrame(fn, sfi, tier, script, raw, codeOffset, receiver, args, null, resumed, lazy);
        out.add(new Frame(Frame.Kind.JS, fp, pc, p.describe(), null, js));
    }

    private JsFrame jsFrame(long fn, long sfi, JsFrame.Tier tier, long script, long raw, int codeOffset,
                            long receiver, long[] args, String inlinedInto) {
        return jsFrame(fn, sfi, tier, script, raw, codeOffset, receiver, args, inlinedInto, false, false);
    }

    private JsFrame jsFrame(long fn, long sfi, JsFrame.Tier tier, long script, long raw, int codeOffset,
                            long receiver, long[] args, String inlinedInto, boolean resumed, boolean lazyDeopt) {
        String[] n = names(sfi);
        V8Functions.LineColumn pos = null;
        JsFrame.PositionKind kind = JsFrame.PositionKind.NONE;
        if (script != 0) {
            int off = raw >= 0 ? SourcePositions.scriptOffset(raw) : -1;
            if (off >= 0) {
                pos = lineColumn(script, off);
                if (pos != null) kind = JsFrame.PositionKind.EXECUTING;
            }
            if (pos == null) {
                int[] range = sourceRange(sfi);
                if (range != null) {
                    pos = lineColumn(script, range[0]);
                    if (pos != null) kind = JsFrame.PositionKind.FUNCTION_START;
                }
            }
        }
        Optional<String> file = scriptNameOrSourceUrl(script);
        return new JsFrame(fn, sfi, n[0], n[1], tier, script, file, file.isPresent() ? null : evalOrigin(script),
                pos, kind, codeOffset, receiver, args, inlinedInto, resumed, lazyDeopt);
    }

    /**
     * A lazy-deopt exit a return address points at: its DeoptimizationData entry, the return
     * address of the call it stands for (-1 when the entry does not say: Maglev records the
     * exit's own pc there) and the bytecode offset of the innermost frame it rebuilds.
     */
    record LazyExit(long entry, long returnOffset, long bytecodeOffset) {}

    /**
     * The lazy-deopt exit starting at off (a return-address offset into code), or null.
     *
     * <p>When V8 invalidates optimized code that is on the stack, it patches nothing in the code:
     * it moves each such frame's return address to the lazy-deopt exit of the call that frame
     * is in (the safepoint's trampoline pc), so the callee returns into the deoptimizer. The
     * exits are the last instructions of the code: DeoptExitStart, then the eager exits, then
     * the lazy ones, one DeoptimizationData entry each, in that order (the Deoptimizer finds the
     * entry of an exit the same way). Turbofan's lazy entries keep the original return address
     * as their Pc.
     */
    private LazyExit lazyDeoptExit(CodeMap.Code code, long off) {
        long dd = field(code.code(), codeDeopt);
        if (!heap.isHeapObject(dd)) return null;
        long len = smiField(dd, lengthOffset);
        long start = smiSlot(dd, deoptExitStart), eager = smiSlot(dd, deoptEagerCount), lazyN = smiSlot(dd, deoptLazyCount);
        if (len <= deoptFirstEntry || start <= 0 || eager < 0 || lazyN <= 0 || eager + lazyN > (len - deoptFirstEntry) / deoptEntrySize) return null;
        long lazyStart = start + eager * eagerExitSize;
        long rel = off - lazyStart;
        if (rel < 0 || rel >= lazyN * lazyExitSize || rel % lazyExitSize != 0) return null;
        long entry = eager + rel / lazyExitSize;
        int at = (int) (deoptFirstEntry + entry * deoptEntrySize);
        long ret = smiSlot(dd, at + deoptEntryPc);
        long bc = smiSlot(dd, at + deoptEntryBytecodeOffset);
        // a call returns inside the code proper, before the exits
        if (ret <= 0 || ret > start) ret = code.kind() == kindMaglev ? maglevReturnOffset(code, off, entry, start) : -1;
        return new LazyExit(entry, ret, bc);
    }

    /**
     * Maglev: the return address whose safepoint has this trampoline (lazy-deopt exit) and deopt
     * index, read from the MaglevSafepointTable after the instructions, as V8's
     * MaglevSafepointTable::FindEntry matches a trampoline pc; -1 if none matches.
     */
    private long maglevReturnOffset(CodeMap.Code code, long exitOff, long entry, long exitStart) {
        long[] e = maglevSafepoint(code, -1, exitOff);
        return e != null && e[1] == entry && e[0] > 0 && e[0] <= exitStart ? e[0] : -1;
    }

    /**
     * Maglev: the bytecode offset of the call whose return address is retOff, from the deopt
     * entry its safepoint names (the entry lazy deoptimization at that call would use); -1 if
     * the safepoint or entry is not there.
     */
    private long maglevCallBytecodeOffset(CodeMap.Code code, long retOff) {
        long[] e = maglevSafepoint(code, retOff, -1);
        if (e == null || e[1] < 0) return -1;
        long dd = field(code.code(), codeDeopt);
        long len = smiField(dd, lengthOffset);
        long at = deoptFirstEntry + e[1] * deoptEntrySize;
        return at + deoptEntrySize <= len ? smiSlot(dd, (int) (at + deoptEntryBytecodeOffset)) : -1;
    }

    /**
     * The MaglevSafepointTable entry {pc, deopt index} with this pc (or, pc < 0, this trampoline
     * pc), or null: the table follows the instructions (V8 13+).
     */
    private long[] maglevSafepoint(CodeMap.Code code, long pcOff, long trampolineOff) {
        if (mspHeader < 0 || code.end() <= code.start()) return null;
        long table = code.end();
        try {
            int length = core.readInt(table + mspLength);
            int config = core.readInt(table + mspConfig);
            int mask = Fallbacks.MAGLEV_SAFEPOINT_SIZE_MASK;
            int regSize = (config >>> Fallbacks.MAGLEV_SAFEPOINT_REGISTER_SIZE_SHIFT) & mask;
            int pcSize = (config >>> Fallbacks.MAGLEV_SAFEPOINT_PC_SIZE_SHIFT) & mask;
            int deoptSize = (config >>> Fallbacks.MAGLEV_SAFEPOINT_DEOPT_SIZE_SHIFT) & mask;
            if (((config >>> Fallbacks.MAGLEV_SAFEPOINT_HAS_DEOPT_BIT) & 1) == 0 || length <= 0 || length > 65536
                    || pcSize < 1 || pcSize > 4 || deoptSize < 1 || deoptSize > 4 || regSize > 4) return null;
            int entrySize = pcSize + deoptSize + pcSize + 1 + regSize;
            byte[] b = core.readBytes(table + mspHeader, length * entrySize);
            for (int i = 0; i < length; i++) {
                int[] at = {i * entrySize};
                long pc = le(b, at, pcSize);
                long deopt = le(b, at, deoptSize) - 1;
                long trampoline = le(b, at, pcSize) - 1;
                if (pcOff >= 0 ? pc == pcOff : trampoline == trampolineOff) return new long[] {pc, deopt};
            }
        } catch (RuntimeException e) {
            return null;
        }
        return null;
    }

    /** An unsigned little-endian integer of n bytes at at[0], which advances. */
    private static long le(byte[] b, int[] at, int n) {
        long v = 0;
        for (int k = 0; k < n; k++) v |= (long) (b[at[0]++] & 0xff) << (8 * k);
        return v;
    }

    /**
     * The SharedFunctionInfo inlined into optimized code under this inlining id (its
     * DeoptimizationData's inlining positions and literals): -1 for inlining id -1 (the code's own
     * function), 0 if unreadable.
     */
    private long inlinedSfi(CodeMap.Code code, int id) {
        if (id < 0) return -1;
        long dd = field(code.code(), codeDeopt);
        if (!heap.isHeapObject(dd)) return 0;
        byte[] inl = byteArray(field(dd, fixedArrayHeader + deoptInlining * 8));
        long literals = field(dd, fixedArrayHeader + deoptLiterals * 8);
        int at = id * inliningSize;
        if (inl == null || at + inliningSize > inl.length) return 0;
        int fnId = java.nio.ByteBuffer.wrap(inl).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(at + inliningId);
        long sfi = field(literals, fixedArrayHeader + fnId * 8) & ~Fallbacks.WEAK_HEAP_OBJECT_MASK; // a weak reference
        return type(sfi) == tSfi ? sfi : 0;
    }

    /** The number of functions inlined into optimized code (its DeoptimizationData), -1 if unreadable. */
    private long inlinedFunctionCount(CodeMap.Code code) {
        long dd = field(code.code(), codeDeopt);
        return heap.isHeapObject(dd) ? smiSlot(dd, deoptInlinedCount) : -1;
    }

    /**
     * The BytecodeArray of a compiled function: the SharedFunctionInfo's function data, or the
     * bytecode its baseline Code keeps; 0 if neither.
     */
    private long bytecodeArrayOf(long sfi) {
        if (sfiFunctionData < 0) return 0;
        long data = field(sfi, sfiFunctionData);
        if (type(data) == tBytecodeArray) return data;
        if (tCode >= 0 && type(data) == tCode) {
            long ba = field(data, codeDeopt);
            if (type(ba) == tBytecodeArray) return ba;
        }
        return 0;
    }

    /** Element i of a FixedArray-shaped object as a Smi, -1 if it is not one. */
    private long smiSlot(long array, int i) {
        return smiField(array, fixedArrayHeader + i * 8);
    }

    /**
     * A frame in optimized JIT code whose JSFunction slot is unreadable: still a JavaScript frame
     * (named as unknown, with the code's tier), never an anonymous native or internal address.
     * Null when pc is in no Maglev or Turbofan code.
     */
    private JsFrame optimizedNameUnknown(long pc, boolean top) {
        CodeMap.Code code = codeMap.codeAt(top ? pc : pc - 1);
        if (code == null || (code.kind() != kindMaglev && code.kind() != kindTurbofan)) return null;
        JsFrame.Tier tier = code.kind() == kindMaglev ? JsFrame.Tier.MAGLEV : JsFrame.Tier.TURBOFAN;
        long off = pc - code.start();
        LazyExit exit = top ? null : lazyDeoptExit(code, off);
        // the call before a return address, as for named frames; a Maglev exit names no call
        int codeOffset = (int) (top ? off : exit == null ? off - 1 : exit.returnOffset() >= 0 ? exit.returnOffset() - 1 : off);
        return new JsFrame(0, 0, "", "", tier, 0, Optional.empty(), null, null, JsFrame.PositionKind.NONE,
                codeOffset, 0, null, null, false, exit != null);
    }

    /**
     * The frame's names of an SFI: V8's shared name and inferred name; the top-level code of an
     * eval is named "eval", as V8's stack traces name it.
     */
    private String[] names(long sfi) {
        if (type(sfi) != tSfi) return new String[] {"", ""};
        String name;
        try {
            name = heap.functions().sfiName(sfi);
        } catch (MemoryFault | HeapException e) {
            name = "";
        }
        String inferred = heap.functions().sfiInferredName(sfi);
        if (name.isEmpty() && inferred.isEmpty() && heap.functions().isEvalCode(sfi)) name = "eval";
        return new String[] {name, inferred};
    }

    /** V8's debug name as frames show it: the name, else the inferred name, else "". */
    private String debugName(long sfi) {
        String[] n = names(sfi);
        return !n[0].isEmpty() ? n[0] : n[1];
    }

    /** "eval at f (file:L:C)" for eval code of a script with neither name nor sourceURL, else null. */
    private String evalOrigin(long script) {
        if (script == 0) return null;
        Optional<V8Functions.EvalOrigin> o;
        try {
            o = heap.functions().evalOrigin(script);
        } catch (MemoryFault | HeapException e) {
            return null;
        }
        if (o.isEmpty()) return null;
        String who = debugName(o.get().shared());
        long s = script(o.get().shared());
        // the calling script's name; a calling eval script's sourceURL (V8's FormatEvalOrigin)
        String where = scriptName(s).or(() -> scriptNameOrSourceUrl(s)).orElse("<anonymous>");
        V8Functions.LineColumn lc = o.get().position() >= 0 && s != 0 ? lineColumn(s, o.get().position()) : null;
        return "eval at " + (who.isEmpty() ? "<anonymous>" : who) + " (" + where + (lc == null ? "" : ":" + lc.line() + ":" + lc.column()) + ")";
    }

    /** A C++ builtin (JSON.parse) called from JS: its BuiltinExitFrame holds the target and argc. */
    private JsFrame builtinExit(long fp) {
        long fn = slot(fp + builtinExitTarget);
        if (!heap.isJSFunctionType(type(fn))) return null;
        long argcWord = slot(fp + builtinExitArgc);
        long[] args = null;
        long receiver = 0;
        if (heap.isSmi(argcWord)) {
            long argc = heap.smiValue(argcWord) - builtinExitExtraArgs;
            long base = fp + builtinExitReceiver;
            if (argc >= 0 && argc < 65536) {
                receiver = slot(base);
                args = new long[(int) argc];
                for (int i = 0; i < argc; i++) args[i] = slot(base + 8L * (i + 1));
            }
        }
        long sfi = shared(fn);
        // node 16-20 call API functions (FunctionTemplates) through HandleApiCall's BuiltinExitFrame
        JsFrame.Tier tier = isApiFunction(sfi) ? JsFrame.Tier.API_CALLBACK : JsFrame.Tier.CPP_BUILTIN;
        return jsFrame(fn, sfi, tier, script(sfi), -1, -1, receiver, args, null);
    }

    /** An SFI made from a FunctionTemplate: its function data is the FunctionTemplateInfo. */
    private boolean isApiFunction(long sfi) {
        return tFunctionTemplateInfo >= 0 && sfiFunctionData >= 0 && type(field(sfi, sfiFunctionData)) == tFunctionTemplateInfo;
    }

    /**
     * A C++ API callback (node's bindings: process.abort, ModuleWrap#evaluate) called from JS on
     * V8 12+: its ApiCallbackExitFrame holds the target (the JSFunction, or the
     * FunctionTemplateInfo it is instantiated from), the argument count and, above the
     * FunctionCallbackInfo's implicit args, the receiver and the arguments. Null where V8 has no
     * such frame or the target is neither (then the frame stays an internal one).
     */
    private JsFrame apiCallbackExit(long fp) {
        if (apiExitTarget == Integer.MIN_VALUE) return null;
        long target = slot(fp + apiExitTarget);
        int t = type(target);
        boolean function = heap.isJSFunctionType(t);
        if (!function && (t < 0 || t != tFunctionTemplateInfo)) return null;
        long argcWord = slot(fp + apiExitArgc);
        long argc = apiExitArgcIsSmi ? (heap.isSmi(argcWord) ? heap.smiValue(argcWord) : -1) : (int) argcWord;
        long[] args = null;
        long receiver = 0;
        if (argc >= 0 && argc < 65536) {
            long base = fp + apiExitReceiver;
            receiver = slot(base);
            args = new long[(int) argc];
            for (int i = 0; i < argc; i++) args[i] = slot(base + 8L * (i + 1));
        }
        long fn = function ? target : 0;
        long sfi = function ? shared(target) : 0;
        return jsFrame(fn, sfi, JsFrame.Tier.API_CALLBACK, script(sfi), -1, -1, receiver, args, null);
    }

    private final Map<Long, Optional<SourcePositions>> tables = new HashMap<>();

    private SourcePositions bytecodePositions(long bytecodeArray) {
        return positions(field(bytecodeArray, spTableOffset));
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
        int t = type(obj);
        if (t < 0 || t == tOddball) return null;
        long len = smiField(obj, lengthOffset);
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
        if (code == null || type(bytecodeArray) != tBytecodeArray) return -2;
        byte[] table = byteArray(field(code.code(), codePositions));
        byte[][] sizes = codeMap.bytecodeSizes();
        long len = smiField(bytecodeArray, lengthOffset);
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
    private long expandInlined(CodeMap.Code code, long raw, long outerSfi, JsFrame.Tier tier, List<JsFrame> out, boolean lazy) {
        if (raw < 0 || SourcePositions.inliningId(raw) < 0) return raw;
        long dd = field(code.code(), codeDeopt);
        long positions = field(dd, fixedArrayHeader + deoptInlining * 8);
        long literals = field(dd, fixedArrayHeader + deoptLiterals * 8);
        byte[] inl = byteArray(positions);
        if (inl == null) return raw;
        String outer = debugName(outerSfi);
        for (int guard = 0; guard < 64 && raw >= 0 && SourcePositions.inliningId(raw) >= 0; guard++) {
            int id = SourcePositions.inliningId(raw);
            int at = id * inliningSize;
            if (at + inliningSize > inl.length) break;
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(inl).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            long callerRaw = bb.getLong(at);
            int fnId = bb.getInt(at + inliningId);
            long sfi = field(literals, fixedArrayHeader + fnId * 8) & ~Fallbacks.WEAK_HEAP_OBJECT_MASK; // a weak reference
            if (type(sfi) != tSfi) break;
            out.add(jsFrame(0, sfi, tier, script(sfi), raw, -1,
                    0, null, outer.isEmpty() ? "<anonymous>" : outer, false, lazy));
            raw = callerRaw;
        }
        return raw;
    }

    // ---- tolerant reads: bad memory gives 0 / -1 / empty, never an exception -------------

    /** A frame slot: the word at a raw stack address, 0 when unreadable. */
    private long slot(long addr) { return FrameSlots.word(core, addr); }

    /** The instance type of a heap object, -1 for anything else. */
    private int type(long w) {
        try {
            return heap.isHeapObject(w) ? heap.typeOf(w) : -1;
        } catch (MemoryFault | HeapException e) {
            return -1;
        }
    }

    private long field(long obj, int off) {
        try {
            return heap.field(obj, off);
        } catch (MemoryFault e) {
            return 0;
        }
    }

    /** A Smi field's value, -1 if it is not a Smi. */
    private long smiField(long obj, int off) {
        long w = field(obj, off);
        return heap.isSmi(w) ? heap.smiValue(w) : -1;
    }

    /** The SharedFunctionInfo of a JSFunction, 0 if it has none. */
    private long shared(long fn) {
        try {
            return heap.functions().functionShared(fn);
        } catch (MemoryFault | HeapException e) {
            return 0;
        }
    }

    private long script(long sfi) {
        try {
            return sfi == 0 ? 0 : heap.functions().sfiScript(sfi);
        } catch (MemoryFault | HeapException e) {
            return 0;
        }
    }

    private Optional<String> scriptName(long script) {
        try {
            return script == 0 ? Optional.empty() : heap.functions().scriptName(script);
        } catch (MemoryFault | HeapException e) {
            return Optional.empty();
        }
    }

    /** What V8's stack traces print for a frame's file: the sourceURL, else the name. */
    private Optional<String> scriptNameOrSourceUrl(long script) {
        try {
            return script == 0 ? Optional.empty() : heap.functions().scriptNameOrSourceUrl(script);
        } catch (MemoryFault | HeapException e) {
            return Optional.empty();
        }
    }

    private V8Functions.LineColumn lineColumn(long script, int pos) {
        try {
            return heap.functions().lineColumn(script, pos);
        } catch (MemoryFault | HeapException e) {
            return null;
        }
    }

    private int[] sourceRange(long sfi) {
        try {
            return heap.functions().sourceRange(sfi);
        } catch (MemoryFault | HeapException e) {
            return null;
        }
    }
}
