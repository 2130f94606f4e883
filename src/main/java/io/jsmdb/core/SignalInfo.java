package io.jsmdb.core;

/**
 * The signal that killed the process (NT_SIGINFO).
 *
 * @param address si_addr for faults (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP), else 0
 * @param senderPid si_pid for signals sent by a process (SI_USER, SI_TKILL), else 0
 */
public record SignalInfo(int signo, int errno, int code, long address, int senderPid) {
    /** True for faults, whose si_addr names the faulting address. */
    public boolean isFault() {
        return signo == 4 || signo == 5 || signo == 7 || signo == 8 || signo == 11;
    }

    /**
     * The faulting address, for a fault the kernel raised (si_code 1..0x7f: SEGV_MAPERR,
     * BUS_ADRALN, ...); empty for a signal sent by a process or raised otherwise.
     */
    public java.util.OptionalLong faultAddress() {
        return isFault() && code > 0 && code < 0x80 ? java.util.OptionalLong.of(address) : java.util.OptionalLong.empty();
    }

    /** True when a process sent the signal (kill, tgkill, abort()'s raise). */
    public boolean isSentByProcess() {
        return code == 0 /* SI_USER */ || code == -6 /* SI_TKILL */;
    }
}
