package io.jsmdb.v8.frames;

import io.jsmdb.binary.ElfImage;
import io.jsmdb.binary.LoadSegment;
import io.jsmdb.binary.NativeSymbolizer;
import io.jsmdb.binary.Symbol;
import io.jsmdb.core.CoreFile;
import io.jsmdb.core.MappedFile;
import io.jsmdb.v8.V8Fact;
import io.jsmdb.v8.V8Metadata;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What code a PC is in: a native function (node's C++ or a shared library), one of V8's
 * embedded builtins ({@code Builtins_*}, at its ELF address or in the copy V8 remaps into its
 * code range on node 20+, which is a second file mapping of node), or JIT code in V8's heap
 * (then the Code object and its kind are found by scanning back to the InstructionStream /
 * Code header).
 */
final class CodeMap {
    enum Where { NATIVE, BUILTIN, JIT, UNKNOWN }

    /** A classified PC; symbol is the (demangled) name when known, describe the mdb-style text. */
    record Pc(long pc, Where where, String symbol, String describe) {}

    /** A JIT Code object: its address, instruction start/end, kind and the Code-level fields. */
    record Code(long code, long start, long end, int kind) {}

    private final CoreFile core;
    private final String exePath;
    private final ElfImage node;
    private final NativeSymbolizer symbolizer;
    private final FrameHeap h;
    private final MappedFile[] files;
    private final Map<Long, Pc> pcCache = new HashMap<>();
    private final List<Code> codes = new ArrayList<>();
    private final boolean hasIs;
    private final int isType, codeType, isCode, isStart, codeIs, codeStartField, codeInline, codeSize, codeFlags, kindMask, kindShift;
    private byte[][] bytecodeSizes;

    CodeMap(CoreFile core, String exePath, ElfImage node, NativeSymbolizer symbolizer, FrameHeap h) {
        this.core = core;
        this.exePath = exePath;
        this.node = node;
        this.symbolizer = symbolizer;
        this.h = h;
        List<MappedFile> fs = new ArrayList<>(core.mappedFiles());
        fs.sort(Comparator.comparing(MappedFile::start, Long::compareUnsigned));
        files = fs.toArray(new MappedFile[0]);
        V8Metadata md = h.md;
        isType = h.typeOr("INSTRUCTION_STREAM_TYPE");
        codeType = h.codeType;
        hasIs = isType >= 0;
        isCode = (int) md.find(V8Fact.INSTRUCTION_STREAM_CODE_OFFSET).orElse(-1);
        isStart = (int) md.find(V8Fact.INSTRUCTION_STREAM_INSTRUCTION_START_OFFSET).orElse(-1);
        codeIs = (int) md.find(V8Fact.CODE_INSTRUCTION_STREAM_OFFSET).orElse(-1);
        codeStartField = (int) md.find(V8Fact.CODE_INSTRUCTION_START_OFFSET).orElse(-1);
        codeInline = (int) md.find(V8Fact.CODE_INLINE_INSTRUCTIONS_OFFSET).orElse(-1);
        codeSize = (int) md.find(V8Fact.CODE_INSTRUCTION_SIZE_OFFSET).orElse(-1);
        codeFlags = md.get(V8Fact.CODE_FLAGS_OFFSET);
        kindMask = md.get(V8Fact.CODE_KIND_FIELD_MASK);
        kindShift = md.get(V8Fact.CODE_KIND_FIELD_SHIFT);
    }

    private List<NativeSymbolizer.Module> modules;

    private List<NativeSymbolizer.Module> modules() {
        if (modules == null) modules = symbolizer.modules();
        return modules;
    }

    private MappedFile fileAt(long addr) {
        int lo = 0, hi = files.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            MappedFile f = files[mid];
            if (Long.compareUnsigned(addr, f.start()) < 0) hi = mid - 1;
            else if (Long.compareUnsigned(addr, f.end()) >= 0) lo = mid + 1;
            else return f;
        }
        return null;
    }

    /** True if addr is inside some file mapping (code or data of a binary). */
    boolean inFile(long addr) { return fileAt(addr) != null; }

    /**
     * Classifies pc. A return address (every frame's pc but the top one's) is looked up at pc-1:
     * a call to a noreturn function can be the last instruction of its function.
     */
    Pc classify(long pc, boolean returnAddress) {
        long key = returnAddress ? ~pc : pc;
        Pc p = pcCache.get(key);
        if (p == null) {
            p = compute(pc, returnAddress ? 1 : 0);
            pcCache.put(key, p);
        }
        return p;
    }

    private Pc compute(long pc, int back) {
        long at = pc - back;
        MappedFile f = fileAt(at);
        if (f == null) return new Pc(pc, Where.JIT, null, String.format("0x%x", pc));
        if (f.path().equals(exePath)) {
            long fileOff = at - f.start() + f.fileOffset();
            for (LoadSegment s : node.loadSegments()) {
                if (fileOff >= s.fileOffset() && fileOff < s.fileOffset() + s.filesz()) {
                    long vaddr = s.vaddr() + (fileOff - s.fileOffset());
                    Optional<Symbol> sym = node.symbols().lookup(vaddr);
                    if (sym.isEmpty()) {
                        return new Pc(pc, Where.UNKNOWN, null, String.format("%s+0x%x", f.path().substring(f.path().lastIndexOf('/') + 1), fileOff + back));
                    }
                    String raw = sym.get().name();
                    long off = vaddr + back - sym.get().value();
                    String name = raw.startsWith("Builtins_") ? raw : sym.get().demangled();
                    String d = name + (off == 0 ? "" : "+0x" + Long.toHexString(off));
                    return new Pc(pc, raw.startsWith("Builtins_") ? Where.BUILTIN : Where.NATIVE, name, d);
                }
            }
            return new Pc(pc, Where.UNKNOWN, null, String.format("0x%x", pc));
        }
        // The library of the exact NT_FILE mapping (NativeSymbolizer.moduleAt works on per-path
        // extents, which overlap when a path is mapped in several places, e.g. anon_inode:[io_uring]).
        NativeSymbolizer.Module mod = null;
        for (NativeSymbolizer.Module m : modules()) if (m.path().equals(f.path())) mod = m;
        String base = f.path().substring(f.path().lastIndexOf('/') + 1);
        Optional<ElfImage> img = mod == null ? Optional.empty() : symbolizer.image(mod);
        if (img.isEmpty()) return new Pc(pc, Where.UNKNOWN, null, String.format("%s+0x%x", base, at - f.start() + f.fileOffset() + back));
        long link = at - symbolizer.bias(mod, img.get());
        Optional<Symbol> sym = img.get().symbols().lookup(link);
        if (sym.isEmpty()) sym = img.get().dynamicSymbols().lookup(link);
        if (sym.isEmpty()) return new Pc(pc, Where.NATIVE, null, String.format("%s+0x%x", base, at - f.start() + f.fileOffset() + back));
        long off = link + back - sym.get().value();
        NativeSymbolizer.Location l = new NativeSymbolizer.Location(mod, sym, off, false);
        return new Pc(pc, Where.NATIVE, sym.get().demangled(), l.describe());
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
            long w = h.word(p);
            if (w == 0 && !h.mem.isReadable(p, 8)) return null;
            if (!h.isHeapObject(w)) continue;
            if (h.typeIfMap(w) != wanted) continue;
            long obj = p + 1;
            Code c = hasIs ? fromInstructionStream(obj, pc) : fromInlineCode(obj, pc);
            if (c != null) return c;
        }
        return null;
    }

    private Code fromInstructionStream(long is, long pc) {
        if (isCode < 0 || codeIs < 0 || codeStartField < 0) return null;
        long code = h.field(is, isCode);
        if (h.type(code) != codeType) return null;
        if (h.field(code, codeIs) != is) return null;
        long start = h.field(code, codeStartField);
        if (start > pc || start < is) return null;
        long end;
        if (codeSize >= 0) {
            int size = h.int32(code, codeSize);
            if (size <= 0) return null;
            end = start + size;
            if (pc >= end) return null;
        } else {
            end = pc + 1;
        }
        int kind = (h.int32(code, codeFlags) >>> kindShift) & kindMask;
        return new Code(code, start, end, kind);
    }

    private Code fromInlineCode(long code, long pc) {
        if (codeInline < 0 || codeSize < 0) return null;
        long start = code - 1 + codeInline;
        int size = h.int32(code, codeSize);
        if (size <= 0 || pc < start || pc >= start + size) return null;
        int kind = (h.int32(code, codeFlags) >>> kindShift) & kindMask;
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
