package io.jsmdb.live;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The ELF parts of an x86-64 Linux core file, laid out as the kernel's dumper writes them
 * (fs/binfmt_elf.c): the ELF header, one PT_NOTE then one PT_LOAD per mapping, the notes, and
 * the memory from the first page boundary after them. Only the layout is made here; the memory
 * is copied in by {@link Gcore}.
 */
final class CoreWriter {
    static final int EHDR_SIZE = 64, PHDR_SIZE = 56, SHDR_SIZE = 64;
    static final int PT_LOAD = 1, PT_NOTE = 4, ET_CORE = 4, EM_X86_64 = 62;
    /** More program headers than e_phnum holds: the count goes in section header 0's sh_info (PN_XNUM). */
    static final int PN_XNUM = 0xffff;
    static final int NT_PRSTATUS = 1, NT_FPREGSET = 2, NT_PRPSINFO = 3, NT_AUXV = 6, NT_X86_XSTATE = 0x202;
    static final int NT_FILE = 0x46494c45;
    /** jsmdb's own note ("JSMDB"): how the core was made, as text. */
    static final int NT_JSMDB_CAPTURE = 1;
    static final long PAGE = 4096;

    /** A memory segment of the core: where it is, how big, what the file holds of it. */
    record Load(long vaddr, long memsz, long filesz, int flags) {}

    private final ByteArrayOutputStream notes = new ByteArrayOutputStream();

    /** Appends a note: namesz, descsz, type, name (NUL-terminated, padded to 4), desc (padded to 4). */
    void note(String name, int type, byte[] desc) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer h = le(12);
        h.putInt(n.length).putInt(desc.length).putInt(type);
        notes.writeBytes(h.array());
        notes.writeBytes(n);
        notes.writeBytes(new byte[pad4(n.length)]);
        notes.writeBytes(desc);
        notes.writeBytes(new byte[pad4(desc.length)]);
    }

    byte[] notes() { return notes.toByteArray(); }

    private static int pad4(int n) { return (4 - (n & 3)) & 3; }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Where the memory of each load starts in the file, and the header bytes, for these loads. */
    record Layout(byte[] header, long[] fileOffsets, long fileSize) {}

    /**
     * The header (ELF header, program headers, section header 0 when PN_XNUM is needed, the
     * notes) and each load's file offset: memory starts at the first page boundary after the
     * notes and each load's bytes follow the previous load's.
     */
    Layout layout(List<Load> loads) {
        byte[] noteBytes = notes();
        int phnum = 1 + loads.size();
        boolean xnum = phnum >= PN_XNUM;
        long phoff = EHDR_SIZE;
        long shoff = xnum ? phoff + (long) phnum * PHDR_SIZE : 0;
        long notesAt = xnum ? shoff + SHDR_SIZE : phoff + (long) phnum * PHDR_SIZE;
        long dataAt = (notesAt + noteBytes.length + PAGE - 1) & -PAGE;
        ByteBuffer b = le((int) (notesAt + noteBytes.length));
        // e_ident: ELF, 64-bit, little-endian, version 1, System V ABI
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        b.putShort((short) ET_CORE).putShort((short) EM_X86_64).putInt(1);
        b.putLong(0).putLong(phoff).putLong(shoff).putInt(0);
        b.putShort((short) EHDR_SIZE).putShort((short) PHDR_SIZE).putShort((short) (xnum ? PN_XNUM : phnum));
        b.putShort((short) (xnum ? SHDR_SIZE : 0)).putShort((short) (xnum ? 1 : 0)).putShort((short) 0);
        // PT_NOTE
        b.putInt(PT_NOTE).putInt(0).putLong(notesAt).putLong(0).putLong(0).putLong(noteBytes.length).putLong(0).putLong(0);
        long[] offsets = new long[loads.size()];
        long at = dataAt;
        for (int i = 0; i < loads.size(); i++) {
            Load l = loads.get(i);
            offsets[i] = at;
            b.putInt(PT_LOAD).putInt(l.flags()).putLong(at).putLong(l.vaddr()).putLong(0).putLong(l.filesz()).putLong(l.memsz()).putLong(PAGE);
            at += l.filesz();
        }
        if (xnum) {
            // section header 0 carries the real program header count (sh_info), as the kernel writes it
            b.putInt(0).putInt(0).putLong(0).putLong(0).putLong(0).putLong(0).putInt(0).putInt(phnum).putLong(0).putLong(0);
        }
        b.put(noteBytes);
        return new Layout(b.array(), offsets, at);
    }

    // ---- note contents ----------------------------------------------------------------------

    /** struct elf_prstatus (336 bytes): the thread's id, pending and blocked signals, registers. */
    static byte[] prstatus(int tid, int ppid, int pgrp, int sid, long sigPending, long sigHeld, byte[] gpRegs, boolean fpValid) {
        ByteBuffer b = le(336);
        b.putInt(0).putInt(0).putInt(0).putShort((short) 0).putShort((short) 0);
        b.putLong(sigPending).putLong(sigHeld);
        b.putInt(tid).putInt(ppid).putInt(pgrp).putInt(sid);
        b.position(112);
        b.put(gpRegs, 0, Math.min(gpRegs.length, Ptrace.GP_REGS_BYTES));
        b.position(328);
        b.putInt(fpValid ? 1 : 0);
        return b.array();
    }

    /** struct elf_prpsinfo (136 bytes): state, uid, gid, ids, the program's name and its first 80 bytes of arguments. */
    static byte[] prpsinfo(char state, int nice, int uid, int gid, int pid, int ppid, int pgrp, int sid, String comm, String args) {
        ByteBuffer b = le(136);
        int stateIndex = Math.max(0, "RSDTZW".indexOf(Character.toUpperCase(state)));
        b.put((byte) stateIndex).put((byte) state).put((byte) (state == 'Z' ? 1 : 0)).put((byte) nice);
        b.putInt(0).putLong(0);
        b.putInt(uid).putInt(gid).putInt(pid).putInt(ppid).putInt(pgrp).putInt(sid);
        b.put(fixed(comm, 16)).put(fixed(args, 80));
        return b.array();
    }

    /** At most size - 1 bytes of text, NUL-padded (the kernel's strscpy into a fixed field). */
    private static byte[] fixed(String text, int size) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[size];
        System.arraycopy(t, 0, out, 0, Math.min(t.length, size - 1));
        return out;
    }

    /** A file mapping for NT_FILE: its range, its file offset in bytes, the file's path. */
    record FileMapping(long start, long end, long offset, String path) {}

    /** NT_FILE: count, page size, (start, end, offset in pages) per mapping, then the paths. */
    static byte[] fileNote(List<FileMapping> files) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteBuffer h = le(16 + 24 * files.size());
        h.putLong(files.size()).putLong(PAGE);
        for (FileMapping f : files) h.putLong(f.start()).putLong(f.end()).putLong(f.offset() / PAGE);
        o.writeBytes(h.array());
        for (FileMapping f : files) {
            o.writeBytes(f.path().getBytes(StandardCharsets.UTF_8));
            o.write(0);
        }
        return o.toByteArray();
    }

    /** The loads and NT_FILE entries of a process's mappings, with each mapping's dump size. */
    static List<Load> loads(List<ProcessMappings.Mapping> maps, long[] dumpSizes) {
        List<Load> out = new ArrayList<>();
        for (int i = 0; i < maps.size(); i++) {
            ProcessMappings.Mapping m = maps.get(i);
            out.add(new Load(m.start(), m.size(), dumpSizes[i], m.elfFlags()));
        }
        return out;
    }
}
