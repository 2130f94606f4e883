package io.jsmdb.binary;

import io.jsmdb.core.CoreFile;
import io.jsmdb.core.LoadSegment;
import io.jsmdb.core.MappedFile;
import io.jsmdb.core.Registers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A native-only stack walk: CFI ({@code .eh_frame}) wherever the pc has an FDE, the frame-pointer
 * chain elsewhere (V8 builtins and JIT code have no CFI but keep rbp). Each step is checked: the
 * stack must grow towards higher addresses (except out of a signal frame), a frame pointer that
 * is followed must lie inside the thread's stack mapping, the walk stops at pc 0, at a pc outside
 * any executable mapping, on a repeated (pc, sp), and after {@value #MAX_FRAMES} frames.
 */
public final class NativeStack {
    public static final int MAX_FRAMES = 1024;

    private NativeStack() {}

    public static List<NativeFrame> walk(CoreFile core, NativeSymbolizer symbolizer, CfiUnwinder cfi, Registers r) {
        List<NativeFrame> out = new ArrayList<>();
        UnwindRegs regs = UnwindRegs.of(r);
        long[] stack = mappingOf(core, regs.sp());
        Set<String> seen = new HashSet<>();
        boolean exact = true, viaCfi = false;
        for (int n = 0; n < MAX_FRAMES; n++) {
            long pc = regs.pc();
            if (pc == 0) break;
            if (!seen.add(pc + ":" + regs.sp())) break;
            out.add(new NativeFrame(pc, regs.sp(), regs.fp(), describe(core, symbolizer, pc, exact), viaCfi));
            if (!isCode(core, pc)) break; // garbage: nothing sensible to unwind

            UnwindRegs next = null;
            boolean nextExact = false, nextViaCfi = false;
            if (Arm64SignalFrame.isTrampoline(core, regs.arch(), pc)) {
                // an AArch64 signal handler returned here: the interrupted code's registers are in the frame
                UnwindRegs interrupted = Arm64SignalFrame.interrupted(core, regs);
                if (interrupted == null) break;
                regs = interrupted;
                exact = true;
                viaCfi = false;
                continue;
            }
            Optional<UnwindRegs> byCfi = cfi.step(regs, exact);
            if (byCfi.isPresent()) {
                UnwindRegs c = byCfi.get();
                if (c.pc() == 0) break; // CFI says: outermost frame
                boolean signal = cfi.isSignalFrame(pc, exact);
                // AArch64: a leaf function's caller (pc from the link register) may share its sp
                boolean grows = Long.compareUnsigned(c.sp(), regs.sp()) > 0
                        || c.sp() == regs.sp() && c.pc() != pc && regs.arch().returnAddressIsRegister();
                if (signal || grows) {
                    next = c;
                    nextExact = signal;
                    nextViaCfi = true;
                }
            }
            if (next == null) next = byFramePointer(core, regs, stack);
            if (next == null) break;
            regs = next;
            exact = nextExact;
            viaCfi = nextViaCfi;
        }
        return out;
    }

    /**
     * caller fp = [fp], return address = [fp+8], caller sp = fp+16 (x86-64's push rbp; AArch64's
     * frame record of x29 and x30, where fp+16 is the least the caller's sp can be); null when fp
     * is not a plausible frame.
     */
    private static UnwindRegs byFramePointer(CoreFile core, UnwindRegs regs, long[] stack) {
        long fp = regs.fp();
        if (stack == null || (fp & 7) != 0) return null;
        if (Long.compareUnsigned(fp, regs.sp()) < 0) return null;
        if (Long.compareUnsigned(fp, stack[0]) < 0 || Long.compareUnsigned(fp + 16, stack[1]) > 0) return null;
        try {
            long savedFp = core.readLong(fp);
            long ra = core.readLong(fp + 8);
            return regs.callerByFramePointer(ra, fp + 16, savedFp);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** [start, end) of the core's memory segment holding addr (the thread's stack for its rsp). */
    private static long[] mappingOf(CoreFile core, long addr) {
        for (LoadSegment s : core.loadSegments()) {
            if (Long.compareUnsigned(addr, s.vaddr()) >= 0 && Long.compareUnsigned(addr, s.end()) < 0) {
                return new long[] {s.vaddr(), s.end()};
            }
        }
        return null;
    }

    /** pc lies in a mapped file (gcore leaves read-only file pages out of the core) or in executable memory. */
    private static boolean isCode(CoreFile core, long pc) {
        for (MappedFile mf : core.mappedFiles()) if (mf.contains(pc)) return true;
        for (LoadSegment s : core.loadSegments()) {
            if (Long.compareUnsigned(pc, s.vaddr()) >= 0 && Long.compareUnsigned(pc, s.end()) < 0) {
                return (s.flags() & 1) != 0;
            }
        }
        return false;
    }

    /** symbol+off; for a return address, named by the call instruction (pc-1) with the offset of pc. */
    static String describe(CoreFile core, NativeSymbolizer symbolizer, long pc, boolean exact) {
        try {
            Optional<NativeSymbolizer.Location> loc = exact ? symbolizer.locate(pc) : symbolizer.locateReturnAddress(pc);
            return loc.map(NativeSymbolizer.Location::describe).orElse(String.format("0x%x", pc));
        } catch (RuntimeException e) {
            return String.format("0x%x", pc);
        }
    }

    /**
     * The symbol at addr, placed through the NT_FILE mapping that holds it: its file offset, then
     * the module's PT_LOAD mapping that offset. Unlike a module's overall extent and single load
     * bias, this is right for a file mapped twice (node 20+ maps its embedded builtins a second
     * time, high in the address space) and for mappings that interleave with other files.
     */
}
