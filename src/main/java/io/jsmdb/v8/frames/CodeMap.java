package io.jsmdb.v8.frames;

import io.jsmdb.binary.ElfImage;
import io.jsmdb.binary.NativeSymbolizer;
import io.jsmdb.binary.Symbol;
import io.jsmdb.core.MemoryFault;
import io.jsmdb.v8.V8Fact;
import io.jsmdb.v8.V8Metadata;
import io.jsmdb.v8.heap.HeapException;
import io.jsmdb.v8.heap.V8Heap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What code a PC is in: a native function (node's C++ or a shared library), one of V8's
 * embedded builtins ({@code Builtins_*}, at its ELF address or in the copy V8 remaps into its
 * code range on node 20+, which is a second file mapping of node), or JIT code in V8's heap
 * (then the Code object and its kind are found by scanning back to the InstructionStream /
 * Code header). File-backed PCs are named by {@link NativeSymbolizer}.
 */
final class CodeMap {
    enum Where { NATIVE, BUILTIN, JIT }

    /** A classified PC; symbol is the (demangled) name when known, describe the mdb-style text. */
    record Pc(long pc, Where where, String symbol, String describe) {}

    /** A JIT Code object: its address, instruction start/end, kind and the Code-level fields. */
    record Code(long code, long start, long end, int kind) {}

    private final ElfImage node;
    private final NativeSymbolizer symbolizer;
    private final V8Heap heap;
    private final Map<Long, Pc> pcCache = new HashMap<>();
    private final List<Code> codes = new ArrayList<>();
    private final boolean hasIs;
    private final int isType, codeType, isCode, codeIs, codeStartField, codeInline, codeSize, codeFlags, kindMask, kindShift;
    private byte[][] bytecodeSizes;

    CodeMap(ElfImage node, NativeSymbolizer symbolizer, V8Heap heap) {
        this.node = node;
        this.symbolizer = symbolizer;
        this.heap = heap;
        V8Metadata md = heap.metadata();
        isType = heap.typeNamed("INSTRUCTION_STREAM_TYPE");
        codeType = heap.typeNamed("CODE_TYPE");
        hasIs = isType >= 0;
        isCode = (int) md.find(V8Fact.INSTRUCTION_STREAM_CODE_OFFSET).orElse(-1);
        codeIs = (int) md.find(V8Fact.CODE_INSTRUCTION_STREAM_OFFSET).orElse(-1);
        codeStartField = (int) md.find(V8Fact.CODE_INSTRUCTION_START_OFFSET).orElse(-1);
        codeInline = (int) md.find(V8Fact.CODE_INLINE_INSTRUCTIONS_OFFSET).orElse(-1);
        codeSize = (int) md.find(V8Fact.CODE_INSTRUCTION_SIZE_OFFSET).orElse(-1);
        codeFlags = md.get(V8Fact.CODE_FLAGS_OFFSET);
        kindMask = md.get(V8Fact.CODE_KIND_FIELD_MASK);
        kindShift = md.get(V8Fact.CODE_KIND_FIELD_SHIFT);
    }

    /**
     * Classifies pc. A return address (every frame's pc but the top one's) is looked up at pc-1:
     * a call to a noreturn function can be the last instruction of its function.
     */
    Pc classify(long pc, boolean returnAddress) {
        long key = returnAddress ? ~pc : pc;
        Pc p = pcCache.get(key);
        if (p == null) {
            p = compute(pc, returnAddress);
            pcCache.put(key, p);
        }
        return p;
    }

    /**
     * A PC in a mapped file is named by {@link NativeSymbolizer} (the exact NT_FILE mapping, so
     * node's second mapping of its embedded builtins finds them too); one in no file is JIT code.
     */
    private Pc compute(long pc, boolean returnAddress) {
        Optional<NativeSymbolizer.Location> loc;
        try {
            loc = returnAddress ? symbolizer.locateReturnAddress(pc) : symbolizer.locate(pc);
        } catch (RuntimeException e) {
            loc = Optional.empty();
        }
        if (loc.isEmpty()) return new Pc(pc, Where.JIT, null, String.format("0x%x", pc));
        NativeSymbolizer.Location l = loc.get();
        if (returnAddress && (l.symbol().isEmpty() || !l.symbol().get().name().startsWith("Builtins_"))) {
            // The deoptimizer builds interpreted frames whose return address is the very first
            // instruction of a builtin (InterpreterEnterAtNextBytecode and its kin), not a point
            // after a call: pc - 1 then lies in the padding before it. Name such a pc as itself.
            try {
                Optional<NativeSymbolizer.Location> at = symbolizer.locate(pc);
                if (at.isPresent() && at.get().mainExecutable() && at.get().symbol().isPresent()
                        && at.get().symbol().get().name().startsWith("Builtins_") && at.get().offset() == 0) {
                    return new Pc(pc, Where.BUILTIN, at.get().symbol().get().name(), at.get().describe());
                }
            } catch (RuntimeException e) {
                // keep the return-address answer
            }
        }
        if (l.symbol().isEmpty()) return new Pc(pc, Where.NATIVE, null, l.describe());
        String raw = l.symbol().get().name();
        if (l.mainExecutable() && raw.startsWith("Builtins_")) return new Pc(pc, Where.BUILTIN, raw, l.describe());
        return new Pc(pc, Where.NATIVE, l.symbol().get().demangled(), l.describe());
    }

    /** The Code object whose instructions hold pc (JIT code in V8's heap), or null. */
    Code codeAt(long pc) {
        for (Code c : codes) if (pc >= c.start && pc < c.end) return c;
        Code c = scan(pc);
        if (c != null) codes.add(c);
        return c;
    }

    private static final int MAX_SCAN = 4 << 20;

    private Code scan(long pc) {
        long a = pc & ~7L;
        int wanted = hasIs ? isType : codeType;
        if (wanted < 0) return null;
        for (long p = a; p > a - MAX_SCAN; p -= 8) {
            long w = FrameSlots.word(heap.memory(), p);
            if (w == 0 && !heap.memory().isReadable(p, 8)) return null;
            if (!heap.isMap(w) || heap.instanceType(w) != wanted) continue;
            long obj = p + 1;
            Code c;
            try {
                c = hasIs ? fromInstructionStream(obj, pc) : fromInlineCode(obj, pc);
            } catch (MemoryFault | HeapException e) {
                c = null;
            }
            if (c != null) return c;
        }
        return null;
    }

    private int int32(long obj, int off) { return heap.memory().readInt(heap.untag(obj) + off); }

    private Code fromInstructionStream(long is, long pc) {
        if (isCode < 0 || codeIs < 0 || codeStartField < 0) return null;
        long code = heap.field(is, isCode);
        if (!heap.isHeapObject(code) || heap.typeOf(code) != codeType) return null;
        if (heap.field(code, codeIs) != is) return null;
        long start = heap.field(code, codeStartField);
        if (start > pc || start < is) return null;
        long end;
        if (codeSize >= 0) {
            int size = int32(code, codeSize);
            if (size <= 0) return null;
            end = start + size;
            if (pc >= end) return null;
        } else {
            end = pc + 1;
        }
        int kind = (int32(code, codeFlags) >>> kindShift) & kindMask;
        return new Code(code, start, end, kind);
    }

    private Code fromInlineCode(long code, long pc) {
        if (codeInline < 0 || codeSize < 0) return null;
        long start = heap.untag(code) + codeInline;
        int size = int32(code, codeSize);
        if (size <= 0 || pc < start || pc >= start + size) return null;
        int kind = (int32(code, codeFlags) >>> kindShift) & kindMask;
        return new Code(code, start, start + size, kind);
    }

    /**
     * V8's bytecode size table ({@code interpreter::Bytecodes::kBytecodeSizes}, uint8[3][count]
     * in .rodata: operand scale x1, x2, x4), read from the binary; null if absent.
     */
    byte[][] bytecodeSizes() {
        if (bytecodeSizes == null) {
            Optional<Symbol> s = node.symbols().byName("_ZN2v88internal11interpreter9Bytecodes14kBytecodeSizesE");
            if (s.isEmpty() || s.get().size() < 3 || s.get().size() % 3 != 0) {
                bytecodeSizes = new byte[0][];
            } else {
                int count = (int) (s.get().size() / 3);
                byte[] all = node.readBytes(s.get().value(), count * 3);
                bytecodeSizes = new byte[3][count];
                for (int k = 0; k < 3; k++) System.arraycopy(all, k * count, bytecodeSizes[k], 0, count);
            }
        }
        return bytecodeSizes.length == 0 ? null : bytecodeSizes;
    }
}
