package io.jsmdb.core;

import java.util.Optional;

/**
 * One thread of the dumped process, from its NT_PRSTATUS note and the NT_FPREGSET note after it.
 *
 * @param tid    the kernel thread id (LWP)
 * @param signal the signal pending for this thread when it was dumped (pr_cursig), 0 if none
 * @param index  position of the note in the core; the kernel writes the thread that took
 *               the fatal signal first
 * @param fpRegisters the floating-point and vector registers, null when the core holds none for
 *               the thread (qemu-user writes no NT_FPREGSET)
 */
public record ThreadState(int tid, int signal, Registers registers, int index, FpRegisters fpRegisters) {
    public ThreadState(int tid, int signal, Registers registers, int index) {
        this(tid, signal, registers, index, null);
    }

    /** The floating-point and vector registers, if the core holds them. */
    public Optional<FpRegisters> fp() { return Optional.ofNullable(fpRegisters); }

    ThreadState withFp(FpRegisters fp) { return new ThreadState(tid, signal, registers, index, fp); }
}
