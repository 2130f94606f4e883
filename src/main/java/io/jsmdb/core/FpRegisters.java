package io.jsmdb.core;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A thread's floating-point and vector registers, from the NT_FPREGSET note the kernel (and gdb's
 * and jsmdb's gcore) write after each thread's NT_PRSTATUS.
 *
 * <p>x86-64: struct user_fpregs_struct, the 512-byte FXSAVE area: fcw, fsw, the abridged tag
 * word ftw (one bit per x87 register, set: in use), fop, fip, fdp, mxcsr, mxcsr_mask, st0-st7 in
 * 16-byte slots (80 bits used), xmm0-xmm15. AArch64: struct user_fpsimd_state, 528 bytes:
 * v0-v31 (128 bits each), fpsr, fpcr. Little-endian on both.
 */
public final class FpRegisters {
    /** Bytes of the x86-64 FXSAVE area. */
    public static final int X86_64_BYTES = 512;
    /** Bytes of AArch64's user_fpsimd_state. */
    public static final int AARCH64_BYTES = 528;

    private final Arch arch;
    private final ByteBuffer raw;

    private FpRegisters(Arch arch, byte[] raw) {
        this.arch = arch;
        this.raw = ByteBuffer.wrap(raw).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The note's bytes for arch; at least the architecture's size (more is ignored). */
    public static FpRegisters of(Arch arch, byte[] note) {
        int need = bytes(arch);
        if (note.length < need) {
            throw new IllegalArgumentException("NT_FPREGSET too short for " + arch.displayName + " (" + note.length + " bytes, " + need + " needed)");
        }
        return new FpRegisters(arch, java.util.Arrays.copyOf(note, need));
    }

    /** The size of the architecture's NT_FPREGSET contents. */
    public static int bytes(Arch arch) {
        return arch == Arch.AARCH64 ? AARCH64_BYTES : X86_64_BYTES;
    }

    public Arch arch() { return arch; }

    /** Vector registers: 16 xmm on x86-64, 32 v on AArch64. */
    public int vectorCount() { return arch == Arch.AARCH64 ? 32 : 16; }

    /** Vector register i's name (xmm0, v0). */
    public String vectorName(int i) { return (arch == Arch.AARCH64 ? "v" : "xmm") + i; }

    /** Vector register i's low 64 bits. */
    public long vectorLow(int i) { return raw.getLong(vectorOffset(i)); }

    /** Vector register i's high 64 bits. */
    public long vectorHigh(int i) { return raw.getLong(vectorOffset(i) + 8); }

    private int vectorOffset(int i) {
        if (i < 0 || i >= vectorCount()) throw new IndexOutOfBoundsException(vectorName(0) + "-" + (vectorCount() - 1) + ": no " + i);
        return arch == Arch.AARCH64 ? i * 16 : 160 + i * 16;
    }

    // ---- x86-64's x87 and SSE control (IllegalStateException on AArch64)

    public int fcw() { return Short.toUnsignedInt(raw.getShort(x86(0))); }
    public int fsw() { return Short.toUnsignedInt(raw.getShort(x86(2))); }
    /** The abridged tag word: bit i set when x87 register i is in use. */
    public int ftw() { return Byte.toUnsignedInt(raw.get(x86(4))); }
    public int fop() { return Short.toUnsignedInt(raw.getShort(x86(6))); }
    public long fip() { return raw.getLong(x86(8)); }
    public long fdp() { return raw.getLong(x86(16)); }
    public int mxcsr() { return raw.getInt(x86(24)); }
    public int mxcsrMask() { return raw.getInt(x86(28)); }

    /** x87 register st(i)'s 80 bits: the 64-bit significand (low) and sign + exponent (high 16 bits). */
    public long stSignificand(int i) { return raw.getLong(stOffset(i)); }
    public int stSignExponent(int i) { return Short.toUnsignedInt(raw.getShort(stOffset(i) + 8)); }

    private int stOffset(int i) {
        if (i < 0 || i > 7) throw new IndexOutOfBoundsException("st0-st7: no " + i);
        return x86(32 + i * 16);
    }

    private int x86(int offset) {
        if (arch != Arch.X86_64) throw new IllegalStateException(arch.displayName + " has no x87 registers");
        return offset;
    }

    // ---- AArch64's status and control (IllegalStateException on x86-64)

    public int fpsr() { return raw.getInt(aarch64(512)); }
    public int fpcr() { return raw.getInt(aarch64(516)); }

    private int aarch64(int offset) {
        if (arch != Arch.AARCH64) throw new IllegalStateException(arch.displayName + " has no fpsr/fpcr");
        return offset;
    }

    /**
     * The value of an x87 80-bit extended number, as the nearest double (or its text for what a
     * double cannot hold: infinities, NaNs and pseudo-denormals are named; a magnitude outside
     * the double range becomes 0 or infinity, as a cast would make it).
     */
    public static String extendedToString(int signExponent, long significand) {
        boolean negative = (signExponent & 0x8000) != 0;
        int exponent = signExponent & 0x7fff;
        if (exponent == 0x7fff) {
            if ((significand << 1) == 0) return negative ? "-inf" : "inf";
            return "nan";
        }
        if (exponent == 0 && significand == 0) return negative ? "-0.0" : "0.0";
        // value = significand * 2^(exponent - 16383 - 63), the integer bit explicit (denormals: exponent 1)
        int e = (exponent == 0 ? 1 : exponent) - 16383 - 63;
        BigInteger m = new BigInteger(Long.toUnsignedString(significand));
        double d = Math.scalb(m.doubleValue(), e);
        return (negative ? "-" : "") + d;
    }
}
