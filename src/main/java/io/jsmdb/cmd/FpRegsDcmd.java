package io.jsmdb.cmd;

import io.jsmdb.core.Arch;
import io.jsmdb.core.FpRegisters;
import io.jsmdb.core.ThreadState;
import java.util.List;

/** {@code ::fpregs [-t TID]}: a thread's floating-point and vector registers (mdb's ::fpregs). */
public final class FpRegsDcmd implements Dcmd {
    @Override public String name() { return "fpregs"; }
    @Override public String usage() { return "[-t TID]"; }
    @Override public String summary() { return "floating-point and vector registers of the faulting thread (or -t TID)"; }
    @Override public List<String> options() { return List.of("-t"); }
    @Override public AddressMode addressMode() { return AddressMode.NONE; }

    @Override
    public String help() {
        return """
                Prints the floating-point and vector registers the core recorded for a
                thread (its NT_FPREGSET note). x86-64: the x87 control words, st0-st7 with
                their values, mxcsr and xmm0-xmm15; AArch64: v0-v31, fpsr and fpcr. A
                vector register is shown as its 128 bits and as two doubles (low first),
                where V8 keeps unboxed numbers.
                  -t TID   the thread (see ::threads); default: the thread that faulted""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs args = DcmdArgs.parse(this, inv.args(), "t:").expectPositional(0, 0);
        ThreadState t = RegsDcmd.selectThread(this, ctx, args);
        FpRegisters fp = t.fp().orElseThrow(() -> new DcmdException("the core holds no floating-point registers for thread " + t.tid()
                + " (no NT_FPREGSET note; qemu-user writes none)"));
        Output out = ctx.out();
        if (fp.arch() == Arch.X86_64) {
            out.println(String.format("%%fcw   = 0x%04x    %%fsw = 0x%04x    %%ftw = 0x%02x    %%fop = 0x%04x", fp.fcw(), fp.fsw(), fp.ftw(), fp.fop()));
            out.println(String.format("%%fip   = 0x%016x    %%fdp = 0x%016x", fp.fip(), fp.fdp()));
            out.println(String.format("%%mxcsr = 0x%08x    %%mxcsr_mask = 0x%08x", fp.mxcsr(), fp.mxcsrMask()));
            out.println("");
            for (int i = 0; i < 8; i++) {
                int se = fp.stSignExponent(i);
                long sig = fp.stSignificand(i);
                out.println(String.format("%%st%d   = 0x%04x%016x  %s", i, se, sig, FpRegisters.extendedToString(se, sig)));
            }
        } else {
            out.println(String.format("%%fpsr = 0x%08x    %%fpcr = 0x%08x", fp.fpsr(), fp.fpcr()));
        }
        out.println("");
        for (int i = 0; i < fp.vectorCount(); i++) {
            long lo = fp.vectorLow(i), hi = fp.vectorHigh(i);
            out.println(String.format("%%%-5s = 0x%016x%016x  {%s, %s}", fp.vectorName(i), hi, lo,
                    Double.longBitsToDouble(lo), Double.longBitsToDouble(hi)));
        }
    }
}
