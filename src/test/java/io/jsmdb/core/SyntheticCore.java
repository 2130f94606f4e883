package io.jsmdb.core;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds small ELF core files byte by byte, for tests of hostile and edge-case input: x86-64, or
 * AArch64 laid out as the Linux kernel writes it (fs/binfmt_elf.c; NT_PRSTATUS of 392 bytes).
 */
final class SyntheticCore {
    record Load(long vaddr, long memsz, byte[] data, int flags, long offsetOverride) {}
    record FileMapping(long start, long end, long pageOffset, String path) {}

    private final List<Load> loads = new ArrayList<>();
    private final List<FileMapping> files = new ArrayList<>();
    /** In note order: {0, tid, signal, pc, sp, fp} or {1, tid, signal, every register...}. */
    private final List<long[]> threads = new ArrayList<>();
    private boolean xnum;
    private long[] auxv;
    private String psargs;
    private boolean gdb;
    private Arch arch = Arch.X86_64;
    /** Further notes {name, type, desc}, written after the threads. */
    private final List<Object[]> extraNotes = new ArrayList<>();
    /** NT_FPREGSET contents by tid, written right after the thread's NT_PRSTATUS. */
    private final java.util.Map<Long, byte[]> fpregs = new java.util.HashMap<>();

    SyntheticCore load(long vaddr, long memsz, byte[] data, int flags) {
        loads.add(new Load(vaddr, memsz, data, flags, -1));
        return this;
    }

    /** A PT_LOAD whose data claims to live at a file offset (e.g. past the end of the file). */
    SyntheticCore loadAt(long vaddr, long memsz, long filesz, long offset) {
        loads.add(new Load(vaddr, memsz, new byte[(int) filesz], 6, offset));
        return this;
    }

    SyntheticCore file(long start, long end, long pageOffset, String path) {
        files.add(new FileMapping(start, end, pageOffset, path));
        return this;
    }

    SyntheticCore thread(int tid, int signal, long rip, long rsp, long rbp) {
        threads.add(new long[] {0, tid, signal, rip, rsp, rbp});
        return this;
    }

    /** An AArch64 core (e_machine 183, user_pt_regs in NT_PRSTATUS). */
    SyntheticCore aarch64() {
        arch = Arch.AARCH64;
        return this;
    }

    /** A thread with every general-purpose register given, in the architecture's pr_reg order. */
    SyntheticCore threadRegs(int tid, int signal, long... regs) {
        long[] t = new long[3 + regs.length];
        t[0] = 1;
        t[1] = tid;
        t[2] = signal;
        System.arraycopy(regs, 0, t, 3, regs.length);
        threads.add(t);
        return this;
    }

    /** An NT_FPREGSET note for thread tid (given before or after the thread), after its NT_PRSTATUS. */
    SyntheticCore fpregs(int tid, byte[] desc) {
        fpregs.put((long) tid, desc);
        return this;
    }

    /** A note of any name and type (e.g. "LINUX" regsets), after the threads' notes. */
    SyntheticCore note(String name, int type, byte[] desc) {
        extraNotes.add(new Object[] {name, type, desc});
        return this;
    }

    /** Writes e_phnum = PN_XNUM and the real count in section header 0. */
    SyntheticCore xnum() {
        xnum = true;
        return this;
    }

    /** An NT_AUXV note: key, value pairs (AT_NULL is appended). */
    SyntheticCore auxv(long... pairs) {
        auxv = pairs;
        return this;
    }

    /** An NT_PRPSINFO note whose pr_psargs holds args (cut to 79 bytes, as the kernel does). */
    SyntheticCore psinfo(String args) {
        psargs = args;
        return this;
    }

    /** Marks the core as gdb's (gcore writes section headers; the kernel writes none). */
    SyntheticCore gdb() {
        gdb = true;
        return this;
    }

    byte[] build() {
        byte[] notes = notes();
        int phnum = loads.size() + 1;
        long phoff = 64;
        long shoff = xnum ? phoff + phnum * 56L : 0;
        long dataStart = align(phoff + phnum * 56L + (xnum ? 64 : 0), 16);
        long notesOff = dataStart;
        long cursor = align(notesOff + notes.length, 4096);
        ByteBuffer b = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // ELF header
        ByteBuffer h = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        h.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        h.putShort((short) 4).putShort((short) arch.machine).putInt(1).putLong(0).putLong(phoff).putLong(shoff).putInt(0);
        h.putShort((short) 64).putShort((short) 56).putShort((short) (xnum ? 0xffff : phnum));
        h.putShort((short) (xnum ? 64 : 0)).putShort((short) (xnum ? 1 : gdb ? 2 : 0)).putShort((short) 0);
        out.writeBytes(h.array());
        ByteBuffer ph = ByteBuffer.allocate(phnum * 56).order(ByteOrder.LITTLE_ENDIAN);
        ph.putInt(4).putInt(4).putLong(notesOff).putLong(0).putLong(0).putLong(notes.length).putLong(0).putLong(4);
        List<long[]> placements = new ArrayList<>();
        for (Load l : loads) {
            long off = l.offsetOverride() >= 0 ? l.offsetOverride() : cursor;
            ph.putInt(1).putInt(l.flags()).putLong(off).putLong(l.vaddr()).putLong(0)
                    .putLong(l.data().length).putLong(l.memsz()).putLong(4096);
            if (l.offsetOverride() < 0) {
                placements.add(new long[] {cursor, loads.indexOf(l)});
                cursor = align(cursor + l.data().length, 4096);
            }
        }
        out.writeBytes(ph.array());
        if (xnum) {
            ByteBuffer sh = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            sh.putInt(0).putInt(0).putLong(0).putLong(0).putLong(0).putLong(0).putInt(0).putInt(phnum);
            out.writeBytes(sh.array());
        }
        pad(out, notesOff);
        out.writeBytes(notes);
        for (long[] p : placements) {
            pad(out, p[0]);
            out.writeBytes(loads.get((int) p[1]).data());
        }
        return out.toByteArray();
    }

    private byte[] notes() {
        ByteArrayOutputStream n = new ByteArrayOutputStream();
        // elf_prstatus: 112 bytes of head, pr_reg, pr_fpvalid (4) and padding to 8
        int prstatus = 112 + arch.prRegBytes() + 8;
        List<String> names = arch.registerNames();
        for (long[] t : threads) {
            ByteBuffer d = ByteBuffer.allocate(prstatus).order(ByteOrder.LITTLE_ENDIAN);
            d.putShort(12, (short) t[2]);
            d.putInt(32, (int) t[1]);
            if (t[0] == 1) {
                for (int i = 3; i < t.length && i - 3 < names.size(); i++) d.putLong(112 + (i - 3) * 8, t[i]);
            } else {
                boolean x86 = arch == Arch.X86_64;
                d.putLong(112 + names.indexOf(x86 ? "rip" : "pc") * 8, t[3]);
                d.putLong(112 + names.indexOf(x86 ? "rsp" : "sp") * 8, t[4]);
                d.putLong(112 + names.indexOf(x86 ? "rbp" : "x29") * 8, t[5]);
            }
            note(n, 1, d.array());
            byte[] fp = fpregs.get(t[1]);
            if (fp != null) note(n, 2, fp);
        }
        for (Object[] x : extraNotes) note(n, (String) x[0], (Integer) x[1], (byte[]) x[2]);
        if (psargs != null) {
            ByteBuffer d = ByteBuffer.allocate(136).order(ByteOrder.LITTLE_ENDIAN);
            d.put(1, (byte) 'R');
            d.putInt(24, 4242);
            byte[] a = psargs.getBytes(StandardCharsets.UTF_8);
            d.put(56, a, 0, Math.min(a.length, 79));
            note(n, 3, d.array());
        }
        if (auxv != null) {
            ByteBuffer d = ByteBuffer.allocate(8 * auxv.length + 16).order(ByteOrder.LITTLE_ENDIAN);
            for (long v : auxv) d.putLong(v);
            note(n, 6, d.array());
        }
        if (!files.isEmpty()) {
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            ByteBuffer hdr = ByteBuffer.allocate(16 + files.size() * 24).order(ByteOrder.LITTLE_ENDIAN);
            hdr.putLong(files.size()).putLong(4096);
            for (FileMapping m : files) hdr.putLong(m.start()).putLong(m.end()).putLong(m.pageOffset());
            f.writeBytes(hdr.array());
            for (FileMapping m : files) {
                f.writeBytes(m.path().getBytes(StandardCharsets.UTF_8));
                f.write(0);
            }
            note(n, 0x46494c45, f.toByteArray());
        }
        return n.toByteArray();
    }

    private static void note(ByteArrayOutputStream n, int type, byte[] desc) {
        note(n, "CORE", type, desc);
    }

    private static void note(ByteArrayOutputStream n, String name, int type, byte[] desc) {
        byte[] nm = name.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer h = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(nm.length + 1).putInt(desc.length).putInt(type);
        n.writeBytes(h.array());
        n.writeBytes(nm);
        n.write(0);
        while (n.size() % 4 != 0) n.write(0);
        n.writeBytes(desc);
        while (n.size() % 4 != 0) n.write(0);
    }

    private static void pad(ByteArrayOutputStream out, long to) {
        while (out.size() < to) out.write(0);
    }

    private static long align(long v, long a) {
        return (v + a - 1) / a * a;
    }
}
