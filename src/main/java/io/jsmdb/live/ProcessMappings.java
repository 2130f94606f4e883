package io.jsmdb.live;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A live process's memory mappings as /proc/PID/smaps describes them, and which bytes of each a
 * core holds, chosen the way the kernel's core dumper chooses them (fs/coredump.c
 * vma_dump_size) under the process's /proc/PID/coredump_filter.
 */
record ProcessMappings(List<Mapping> mappings, int filter) {
    /** coredump_filter bits (core(5)). */
    static final int ANON_PRIVATE = 1, ANON_SHARED = 2, MAPPED_PRIVATE = 4, MAPPED_SHARED = 8, ELF_HEADERS = 16;
    /** The kernel's default filter: anonymous memory and ELF headers (0x33 with the hugetlb bits). */
    static final int DEFAULT_FILTER = 0x33;

    /**
     * One mapping: its range, permissions ("rwxp"), file offset, inode, path (or "" / "[heap]"),
     * smaps' Anonymous bytes (pages copied on write or never file-backed) and its VmFlags.
     */
    record Mapping(long start, long end, String perms, long offset, long inode, String path, long anonymousBytes, List<String> vmFlags) {
        long size() { return end - start; }
        boolean readable() { return perms.charAt(0) == 'r'; }
        boolean shared() { return perms.charAt(3) == 's'; }
        boolean fileBacked() { return inode != 0 && !path.isEmpty() && !path.startsWith("["); }

        /** ELF p_flags: PF_R 4, PF_W 2, PF_X 1. */
        int elfFlags() {
            return (perms.charAt(0) == 'r' ? 4 : 0) | (perms.charAt(1) == 'w' ? 2 : 0) | (perms.charAt(2) == 'x' ? 1 : 0);
        }
    }

    static ProcessMappings of(int pid) throws IOException {
        List<Mapping> out = new ArrayList<>();
        Mapping cur = null;
        long anon = 0;
        List<String> flags = List.of();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"), StandardCharsets.UTF_8)) {
            if (isRangeLine(line)) {
                if (cur != null) out.add(withDetails(cur, anon, flags));
                cur = parseRange(line);
                anon = 0;
                flags = List.of();
            } else if (line.startsWith("Anonymous:")) {
                anon = kib(line) * 1024;
            } else if (line.startsWith("VmFlags:")) {
                flags = List.of(line.substring("VmFlags:".length()).trim().split("\\s+"));
            }
        }
        if (cur != null) out.add(withDetails(cur, anon, flags));
        int filter = DEFAULT_FILTER;
        try {
            filter = Integer.parseInt(Files.readString(Path.of("/proc/" + pid + "/coredump_filter")).trim(), 16);
        } catch (IOException | NumberFormatException e) {
            // an old kernel or a gone process: the default
        }
        return new ProcessMappings(List.copyOf(out), filter);
    }

    private static Mapping withDetails(Mapping m, long anon, List<String> flags) {
        return new Mapping(m.start(), m.end(), m.perms(), m.offset(), m.inode(), m.path(), anon, flags);
    }

    /** "7f..-7f.. r-xp 00000000 08:01 1234   /usr/lib/x.so": a range line, not a "Key: value" line. */
    static boolean isRangeLine(String line) {
        int dash = line.indexOf('-');
        int space = line.indexOf(' ');
        return dash > 0 && space > dash && line.substring(0, dash).chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    static Mapping parseRange(String line) {
        // address perms offset dev inode [path]; the path may hold spaces
        String[] f = line.trim().split("\\s+", 6);
        if (f.length < 5) throw new IllegalArgumentException("unexpected maps line: " + line);
        int dash = f[0].indexOf('-');
        long start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
        long end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
        String path = f.length > 5 ? f[5] : "";
        return new Mapping(start, end, f[1], Long.parseUnsignedLong(f[2], 16), Long.parseLong(f[4]), path, 0, List.of());
    }

    private static long kib(String line) {
        String[] f = line.split("\\s+");
        try {
            return Long.parseLong(f[1]);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * How many bytes from the mapping's start the core holds: all, the first page (an ELF file's
     * header), or none, as the kernel's vma_dump_size decides: never a VM_DONTDUMP ("dd") or I/O
     * ("io") mapping; the vDSO whole; shared memory by the shared bits (anonymous when its file
     * is deleted or anonymous); private memory that was written to (the kernel asks whether it
     * has an anon_vma; smaps' Anonymous bytes say the same of the pages there now) by the
     * anonymous-private bit, other file mappings by the mapped-private bit, else an ELF file's
     * first page (isElfHeader answers) by the ELF-headers bit. Like the kernel (FOLL_FORCE),
     * inaccessible (PROT_NONE) memory that was written is dumped too.
     */
    long dumpSize(Mapping m, java.util.function.LongPredicate isElfHeader) {
        if (m.vmFlags().contains("dd") || m.vmFlags().contains("io")) return 0;
        if (m.path().equals("[vsyscall]")) return 0; // not one of the process's VMAs: the kernel never dumps it
        if (m.path().equals("[vdso]")) return m.size();
        if (m.vmFlags().contains("ht")) return 0; // hugetlb pages: left out (the default filter's bits 5 and 6 are not followed here)
        if (m.shared()) {
            boolean anonymous = !m.fileBacked() || m.path().endsWith(" (deleted)");
            return (filter & (anonymous ? ANON_SHARED : MAPPED_SHARED)) != 0 ? m.size() : 0;
        }
        if (m.anonymousBytes() > 0 && (filter & ANON_PRIVATE) != 0) return m.size();
        if (!m.fileBacked()) return 0;
        if ((filter & MAPPED_PRIVATE) != 0) return m.size();
        if ((filter & ELF_HEADERS) != 0 && m.offset() == 0 && m.readable() && isElfHeader.test(m.start())) return Math.min(4096, m.size());
        return 0;
    }
}
