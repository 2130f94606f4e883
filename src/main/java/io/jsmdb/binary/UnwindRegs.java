package io.jsmdb.binary;

import io.jsmdb.core.Registers;

/**
 * The registers a native unwinder carries from frame to frame on x86-64: the pc, the stack and
 * frame pointers and the callee-saved registers (all a caller can rely on after a call).
 *
 * @param cfa the canonical frame address of the frame these registers were unwound <em>out of</em>
 *            (for x86-64 CFI: the callee's CFA, which is also this frame's {@code rsp}); 0 when
 *            unknown, e.g. for the registers of a thread as dumped
 */
public record UnwindRegs(long rip, long rsp, long rbp, long rbx, long r12, long r13, long r14, long r15, long cfa) {

    /** A thread's registers as dumped (NT_PRSTATUS); cfa unknown. */
    public static UnwindRegs of(Registers r) {
        return new UnwindRegs(r.pc(), r.sp(), r.fp(), r.get("rbx"), r.get("r12"), r.get("r13"), r.get("r14"),
                r.get("r15"), 0);
    }

    public UnwindRegs withRip(long newRip) {
        return new UnwindRegs(newRip, rsp, rbp, rbx, r12, r13, r14, r15, cfa);
    }

    @Override
    public String toString() {
        return String.format("UnwindRegs[rip=%#x rsp=%#x rbp=%#x rbx=%#x r12=%#x r13=%#x r14=%#x r15=%#x cfa=%#x]",
                rip, rsp, rbp, rbx, r12, r13, r14, r15, cfa);
    }
}
