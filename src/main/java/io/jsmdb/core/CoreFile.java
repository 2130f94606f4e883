package io.jsmdb.core;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * An x86-64 Linux ELF core file, as the kernel or gdb's gcore writes it: the process's memory
 * (every PT_LOAD mapped zero-copy with {@code FileChannel.map(..., Arena)}), its threads and
 * registers, the files it had mapped, its auxiliary vector, the fatal signal and psinfo.
 *
 * <p>Kernel cores keep only the first page of read-only file-backed mappings (the default
 * coredump_filter), and gcore may leave such mappings out altogether. {@link #fillFromFiles}
 * maps those pages from the files on disk. Whatever stays missing is reported once as a
 * warning, and reads of it throw {@link MemoryFault}; no byte is ever invented.
 *
 * <p>The program headers are parsed here rather than through jelf because a core can have
 * more than 65535 of them (PN_XNUM), which jelf's {@code short e_phnum} cannot express.
 */
public final class CoreFile implements AddressSpace, AutoCloseable {
    private static final int PT_LOAD = 1, PT_NOTE = 4;
    private static final int PN_XNUM = 0xffff;
    private static final int NT_PRSTATUS = 1, NT_FPREGSET = 2, NT_PRPSINFO = 3, NT_AUXV = 6;
    private static final int NT_FILE = 0x46494c45, NT_SIGINFO = 0x53494749, NT_ARM_PAC_MASK = 0x406;
    /** Linux caps NT_FILE at a few million entries; anything above this is a lying count. */
    private static final long MAX_FILE_NOTE_ENTRIES = 1L << 22;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final Arch arch;
    private final List<LoadSegment> loads;
    private final List<ThreadState> threads = new ArrayList<>();
    private final List<MappedFile> mappedFiles = new ArrayList<>();
    private final Map<Long, Long> auxv = new LinkedHashMap<>();
    /** NT_AUXV as it is: key, value, key, value ... up to AT_NULL (the map above loses order and repeats). */
    private long[] auxvPairs = new long[0];
    private volatile CommandLine commandLine;
    private SignalInfo signalInfo;
    private ProcessInfo processInfo;
    private final List<String> warnings = new ArrayList<>();
    /** Every thread has an NT_ARM_PAC_MASK note, all alike (the mask is the process's): one is read. */
    private boolean pacMaskChecked;
    private final long truncatedBytes;
    private boolean writtenByGdb;

    /** The memory map: sorted, non-overlapping regions. Missing regions have a null segment. */
    private Region[] regions;
    private long[] regionStarts;
    private volatile int lastRegion;

    /** A piece of the address space and where its bytes come from. */
    private record Region(long start, long end, MemorySegment source, long sourceOffset, String missingWhy) {
        boolean present() { return source != null; }
    }

    private CoreFile(Path path, Arena arena, MemorySegment file, Arch arch, List<LoadSegment> loads, long truncatedBytes) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        this.arch = arch;
        this.loads = loads;
        this.truncatedBytes = truncatedBytes;
    }

    /** Opens and parses a core file; nothing but its headers and notes is read eagerly. */
    public static CoreFile open(Path path) throws CoreFormatException {
        if (Files.isDirectory(path)) throw new CoreFormatException("is a directory, not a core file: " + path);
        Arena arena = Arena.ofShared();
        try {
            MemorySegment seg;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size == 0) throw new CoreFormatException("empty file, not a core file: " + path);
                seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            }
            CoreFile core = parse(path, arena, seg);
            core.buildRegions(Map.of(), Map.of(), false);
            return core;
        } catch (NoSuchFileException e) {
            arena.close();
            throw new CoreFormatException("no such file: " + path);
        } catch (AccessDeniedException e) {
            arena.close();
            throw new CoreFormatException("permission denied: " + path);
        } catch (IOException e) {
            arena.close();
            throw new CoreFormatException("cannot read " + path + ": " + e.getMessage());
        } catch (CoreFormatException | RuntimeException e) {
            arena.close();
            if (e instanceof CoreFormatException cfe) throw cfe;
            throw new CoreFormatException("malformed core file " + path + ": " + e.getMessage());
        }
    }

    private static CoreFile parse(Path path, Arena arena, MemorySegment f) throws CoreFormatException {
        long size = f.byteSize();
        if (size < 64 || f.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 0) != 0x7f454c46) {
            throw new CoreFormatException("not an ELF file: " + path);
        }
        if (f.get(ValueLayout.JAVA_BYTE, 4) != 2 || f.get(ValueLayout.JAVA_BYTE, 5) != 1) {
            throw new CoreFormatException("not a 64-bit little-endian ELF file: " + path);
        }
        int type = Short.toUnsignedInt(f.get(SHORT, 16));
        if (type != 4) {
            String what = switch (type) {
                case 1 -> "a relocatable object";
                case 2 -> "an executable";
                case 3 -> "a shared object or PIE executable";
                default -> "ELF type " + type;
            };
            throw new CoreFormatException("not a core file (" + what + "): " + path);
        }
        int machine = Short.toUnsignedInt(f.get(SHORT, 18));
        Arch arch = Arch.ofMachine(machine).orElseThrow(() -> new CoreFormatException("unsupported architecture: a core of "
                + Arch.machineName(machine) + " (e_machine " + machine + "); jsmdb reads x86-64 and AArch64 cores: " + path));
        long phoff = f.get(LONG, 32);
        long shoff = f.get(LONG, 40);
        int phentsize = Short.toUnsignedInt(f.get(SHORT, 54));
        long phnum = Short.toUnsignedInt(f.get(SHORT, 56));
        if (phnum == PN_XNUM) {
            // The real count lives in section header 0's sh_info.
            if (shoff <= 0 || shoff + 64 > size) throw new CoreFormatException("truncated core file (PN_XNUM without section header): " + path);
            phnum = Integer.toUnsignedLong(f.get(INT, shoff + 44));
        }
        if (phentsize != 56) throw new CoreFormatException("malformed core file (program header size " + phentsize + "): " + path);
        if (phoff < 64 || phoff > size || phnum * 56 > size - phoff) {
            throw new CoreFormatException("truncated core file (program headers missing): " + path);
        }
        List<LoadSegment> loads = new ArrayList<>();
        List<long[]> notes = new ArrayList<>();
        long truncated = 0;
        long segmentsEnd = 0; // where the last segment's bytes end in the file, by the headers
        for (long i = 0; i < phnum; i++) {
            long h = phoff + i * 56;
            int ptype = f.get(INT, h);
            int flags = f.get(INT, h + 4);
            long offset = f.get(LONG, h + 8);
            long vaddr = f.get(LONG, h + 16);
            long filesz = f.get(LONG, h + 32);
            long memsz = f.get(LONG, h + 40);
            if ((ptype == PT_LOAD || ptype == PT_NOTE) && offset >= 0 && filesz >= 0 && offset + filesz >= offset) {
                segmentsEnd = Math.max(segmentsEnd, offset + filesz);
            }
            if (ptype == PT_LOAD) {
                if (memsz <= 0 || filesz < 0 || filesz > memsz) continue; // nonsense: ignore, never trust it
                if (Long.compareUnsigned(vaddr + memsz, vaddr) < 0) continue; // wraps around the address space
                LoadSegment l = new LoadSegment(vaddr, memsz, offset, filesz, flags);
                loads.add(l);
                truncated += filesz - bytesInFile(l, size);
            } else if (ptype == PT_NOTE) {
                notes.add(new long[] {offset, filesz});
            }
        }
        loads.sort(Comparator.comparing(LoadSegment::vaddr, Long::compareUnsigned));
        CoreFile core = new CoreFile(path, arena, f, arch, Collections.unmodifiableList(loads), truncated);
        // The kernel writes no section headers (one, for PN_XNUM); gdb's gcore writes one per segment.
        core.writtenByGdb = Short.toUnsignedInt(f.get(SHORT, 60)) > 1;
        if (notes.isEmpty()) core.warnings.add("the core has no notes: no threads, registers or mapped files");
        for (long[] n : notes) core.parseNotes(n[0], n[1]);
        // qemu-user (7.2) writes a core's headers and then its memory, sizing each mapping anew
        // for the second pass while guest threads inside a syscall go on (V8 committing or
        // freeing a page). A mapping that changed in between leaves the file longer or shorter
        // than its headers say, and every later segment's bytes at the wrong offset: reads
        // there return other memory, which no read can tell. A kernel core holds every thread
        // while it is written (a short one was cut off at its end, nothing moved), and names
        // its mapped files; so does gdb's, which appends section headers.
        boolean writtenInTwoPasses = !notes.isEmpty() && core.mappedFiles.isEmpty() && !core.writtenByGdb;
        if (writtenInTwoPasses && segmentsEnd > 0 && size != segmentsEnd) {
            core.warnings.add(String.format("core file is %s %s than its headers say, and lists no mapped files, as qemu-user's"
                    + " cores do: qemu writes the memory after the headers, so if a mapping changed in between, the segments"
                    + " after it hold other memory and values read there may be wrong",
                    human(Math.abs(size - segmentsEnd)), size < segmentsEnd ? "shorter (truncated)" : "longer"));
        } else if (truncated > 0) {
            core.warnings.add(String.format("core file is truncated: %s of memory missing (reads there fail)", human(truncated)));
        }
        return core;
    }

    private void parseNotes(long offset, long length) {
        long size = file.byteSize();
        if (offset < 0 || offset >= size) {
            warnings.add("a note segment lies past the end of the core file (truncated?)");
            return;
        }
        boolean cut = length < 0 || length > size - offset; // p_filesz can lie, up to overflowing
        long end = cut ? size : offset + length;
        if (cut) warnings.add("the note segment is truncated");
        long p = offset;
        int threadIndex = 0;
        while (p + 12 <= end) {
            long namesz = Integer.toUnsignedLong(file.get(INT, p));
            long descsz = Integer.toUnsignedLong(file.get(INT, p + 4));
            int type = file.get(INT, p + 8);
            long nameAt = p + 12;
            long descAt = nameAt + align4(namesz);
            long next = descAt + align4(descsz);
            if (descAt + descsz > end) {
                warnings.add(String.format("malformed note segment: a note at file offset 0x%x claims %d + %d bytes, past the segment's end; the notes from there on are lost",
                        p, namesz, descsz));
                break;
            }
            next = Math.min(next, end); // the last note's padding may be missing
            String name = namesz > 0 ? cString(nameAt, (int) Math.min(namesz, 64)) : "";
            if (name.equals("JSMDB") && type == 1) {
                // jsmdb gcore's own note: how the core was made
                capturedBy = cString(descAt, (int) Math.min(descsz, 512));
            }
            if (name.equals("LINUX") && type == NT_ARM_PAC_MASK && arch == Arch.AARCH64 && descsz >= 16 && !pacMaskChecked) {
                checkPacMask(file.get(LONG, descAt + 8));
                pacMaskChecked = true;
            }
            if (name.equals("CORE")) {
                try {
                    switch (type) {
                        case NT_PRSTATUS -> threads.add(parsePrStatus(descAt, descsz, threadIndex++));
                        case NT_FPREGSET -> attachFpRegisters(descAt, descsz);
                        case NT_PRPSINFO -> processInfo = parsePrPsInfo(descAt, descsz);
                        case NT_AUXV -> parseAuxv(descAt, descsz);
                        case NT_FILE -> parseFileNote(descAt, descsz);
                        case NT_SIGINFO -> signalInfo = parseSigInfo(descAt, descsz);
                        default -> { }
                    }
                } catch (IllegalArgumentException e) {
                    warnings.add("malformed note (type 0x" + Integer.toHexString(type) + "): " + e.getMessage());
                }
            }
            p = next;
        }
    }

    /**
     * struct elf_prstatus: the same 112-byte head (pr_info, pr_cursig, pending and held signal
     * masks, pids, four timevals) on both architectures, then pr_reg in the architecture's
     * layout, then pr_fpvalid.
     */
    private ThreadState parsePrStatus(long at, long len, int index) {
        if (len < 112 + arch.prRegBytes()) {
            throw new IllegalArgumentException("NT_PRSTATUS too short for " + arch.displayName + " registers (" + len + " bytes)");
        }
        int cursig = Short.toUnsignedInt(file.get(SHORT, at + 12));
        int pid = file.get(INT, at + 32);
        long[] regs = new long[arch.registerNames().size()];
        for (int i = 0; i < regs.length; i++) regs[i] = file.get(LONG, at + 112 + i * 8L);
        return new ThreadState(pid, cursig, new Registers(arch, regs), index);
    }

    /**
     * The kernel's NT_ARM_PAC_MASK {data_mask, insn_mask}: the bits of a code address that hold
     * its authentication code. jsmdb strips the bits above the 48-bit user address space
     * (Arch.codeAddress), which is all of them unless the process asked for 52-bit addresses;
     * then a code address above 2^48 would be cut, and the user is told so.
     */
    private void checkPacMask(long insnMask) {
        if ((insnMask & ~AARCH64_PAC_BITS) != 0) {
            warnings.add(String.format("the process used addresses wider than 48 bits (NT_ARM_PAC_MASK insn_mask %#x): jsmdb strips"
                    + " authentication codes above bit 47, so return addresses of code mapped above 2^48 are wrong", insnMask));
        }
    }

    /** The bits Arch.codeAddress removes from an AArch64 code address. */
    private static final long AARCH64_PAC_BITS = ~Arch.AARCH64.codeAddress(-1L);

    /**
     * NT_FPREGSET belongs to the NT_PRSTATUS before it: the kernel, gdb's gcore and jsmdb's write
     * each thread's register notes together (the process-wide notes may come between, after the
     * first thread's NT_PRSTATUS). A second one for a thread, or one before any thread, is ignored.
     */
    private void attachFpRegisters(long at, long len) {
        if (threads.isEmpty()) return;
        ThreadState last = threads.getLast();
        if (last.fpRegisters() != null) return;
        int n = FpRegisters.bytes(arch);
        if (len < n) throw new IllegalArgumentException("NT_FPREGSET too short for " + arch.displayName + " (" + len + " bytes, " + n + " needed)");
        byte[] bytes = new byte[n];
        MemorySegment.copy(file, ValueLayout.JAVA_BYTE, at, bytes, 0, n);
        threads.set(threads.size() - 1, last.withFp(FpRegisters.of(arch, bytes)));
    }

    private ProcessInfo parsePrPsInfo(long at, long len) {
        if (len < 136) throw new IllegalArgumentException("NT_PRPSINFO too short");
        char state = (char) file.get(ValueLayout.JAVA_BYTE, at + 1);
        int uid = file.get(INT, at + 16);
        int gid = file.get(INT, at + 20);
        int pid = file.get(INT, at + 24);
        int ppid = file.get(INT, at + 28);
        String fname = cString(at + 40, 16);
        String args = cString(at + 56, 80).trim();
        return new ProcessInfo(pid, ppid, uid, gid, state, fname, args);
    }

    private void parseAuxv(long at, long len) {
        List<Long> pairs = new ArrayList<>();
        for (long p = at; p + 16 <= at + len && pairs.size() < 2 * InitialStack.MAX_AUXV_PAIRS + 2; p += 16) {
            long key = file.get(LONG, p);
            if (key == 0) break;
            auxv.put(key, file.get(LONG, p + 8));
            pairs.add(key);
            pairs.add(file.get(LONG, p + 8));
        }
        auxvPairs = pairs.stream().mapToLong(Long::longValue).toArray();
    }

    private void parseFileNote(long at, long len) {
        if (len < 16) throw new IllegalArgumentException("NT_FILE too short");
        long count = file.get(LONG, at);
        long pageSize = file.get(LONG, at + 8);
        if (count < 0 || count > MAX_FILE_NOTE_ENTRIES || 16 + count * 24 > len) throw new IllegalArgumentException("NT_FILE count " + count + " does not fit");
        if (pageSize <= 0 || pageSize > (1 << 30)) throw new IllegalArgumentException("NT_FILE page size " + pageSize);
        long names = at + 16 + count * 24;
        long end = at + len;
        for (long i = 0; i < count && names < end; i++) {
            long e = at + 16 + i * 24;
            long start = file.get(LONG, e), stop = file.get(LONG, e + 8), pageOffset = file.get(LONG, e + 16);
            int max = (int) Math.min(4096, end - names);
            String name = cString(names, max);
            names += name.getBytes(StandardCharsets.UTF_8).length + 1;
            mappedFiles.add(new MappedFile(start, stop, pageOffset * pageSize, name));
        }
    }

    private SignalInfo parseSigInfo(long at, long len) {
        if (len < 24) throw new IllegalArgumentException("NT_SIGINFO too short");
        int signo = file.get(INT, at), errno = file.get(INT, at + 4), code = file.get(INT, at + 8);
        SignalInfo probe = new SignalInfo(signo, errno, code, 0, 0);
        long addr = probe.isFault() && code > 0 ? file.get(LONG, at + 16) : 0;
        int sender = probe.isSentByProcess() ? file.get(INT, at + 16) : 0;
        return new SignalInfo(signo, errno, code, addr, sender);
    }

    private String cString(long at, int max) {
        long limit = Math.min(file.byteSize(), at + max);
        int n = 0;
        while (at + n < limit && file.get(ValueLayout.JAVA_BYTE, at + n) != 0) n++;
        byte[] b = new byte[n];
        MemorySegment.copy(file, ValueLayout.JAVA_BYTE, at, b, 0, n);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static long align4(long n) { return (n + 3) & ~3L; }

    /**
     * Supplies the pages the core left out from the files the process had mapped.
     *
     * @param resolver maps a path named in NT_FILE to a readable local file, or empty when
     *                 none can be found; consulted once per distinct path
     */
    public void fillFromFiles(Function<String, Optional<Path>> resolver) {
        Map<String, MemorySegment> opened = new HashMap<>();
        Map<String, String> missing = new LinkedHashMap<>();
        for (MappedFile mf : mappedFiles) {
            if (opened.containsKey(mf.path()) || missing.containsKey(mf.path())) continue;
            if (!isRegularFilePath(mf.path())) {
                missing.put(mf.path(), "not a file");
                continue;
            }
            Optional<Path> local = resolver.apply(mf.path());
            if (local.isEmpty()) {
                missing.put(mf.path(), "file not found");
                continue;
            }
            try (FileChannel ch = FileChannel.open(local.get(), StandardOpenOption.READ)) {
                opened.put(mf.path(), ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena));
            } catch (IOException | RuntimeException e) {
                missing.put(mf.path(), "cannot read " + local.get() + ": " + e.getMessage());
            }
        }
        buildRegions(opened, missing, true);
    }

    /**
     * (Re)builds the memory map: the core's own bytes first, then file pages for what the
     * core lacks, then "missing" regions that say why a read there fails.
     */
    private void buildRegions(Map<String, MemorySegment> files, Map<String, String> missingFiles, boolean reportMissing) {
        long size = file.byteSize();
        List<Region> present = new ArrayList<>();
        List<Region> absent = new ArrayList<>();
        for (LoadSegment l : loads) {
            long available = bytesInFile(l, size);
            if (available > 0) present.add(new Region(l.vaddr(), l.vaddr() + available, file, l.fileOffset(), null));
            if (available < l.filesz()) present.add(new Region(l.vaddr() + available, l.vaddr() + l.filesz(), null, 0, "not in core: the core file is truncated"));
            if (l.filesz() < l.memsz()) absent.add(new Region(l.vaddr() + l.filesz(), l.vaddr() + l.memsz(), null, 0, "not in core: the core omits this page"));
        }
        java.util.TreeMap<Long, Region> presentByStart = new java.util.TreeMap<>(Long::compareUnsigned);
        for (Region r : present) presentByStart.put(r.start(), r);
        List<Region> filled = new ArrayList<>();
        Map<String, Long> unfilledBytes = new LinkedHashMap<>();
        for (MappedFile mf : mappedFiles) {
            MemorySegment src = files.get(mf.path());
            for (long[] gap : gaps(mf.start(), mf.end(), presentByStart)) {
                if (src != null) {
                    long from = mf.fileOffset() + (gap[0] - mf.start());
                    long usable = Math.max(0, Math.min(gap[1] - gap[0], src.byteSize() - from));
                    if (usable > 0) filled.add(new Region(gap[0], gap[0] + usable, src, from, null));
                    if (usable < gap[1] - gap[0]) {
                        absent.add(new Region(gap[0] + usable, gap[1], null, 0, "not in core, and past the end of " + mf.path()));
                    }
                } else {
                    String why = missingFiles.getOrDefault(mf.path(), "file not found");
                    absent.add(new Region(gap[0], gap[1], null, 0, "not in core, and " + mf.path() + ": " + why));
                    unfilledBytes.merge(mf.path(), gap[1] - gap[0], Long::sum);
                }
            }
        }
        // Each address gets the first source that covers it: the core's bytes, then file
        // pages, then the most specific reason why it is missing (file reasons come first).
        java.util.TreeMap<Long, Region> known = new java.util.TreeMap<>(Long::compareUnsigned);
        for (Region r : present) known.put(r.start(), r);
        for (Region r : filled) known.put(r.start(), r);
        List<Region> fileReasons = new ArrayList<>(), otherReasons = new ArrayList<>();
        for (Region a : absent) (a.missingWhy().contains("core omits") ? otherReasons : fileReasons).add(a);
        for (List<Region> batch : List.of(fileReasons, otherReasons)) {
            for (Region a : batch) {
                for (long[] g : gaps(a.start(), a.end(), known)) known.put(g[0], new Region(g[0], g[1], null, 0, a.missingWhy()));
            }
        }
        List<Region> all = new ArrayList<>(known.values());
        regions = all.toArray(Region[]::new);
        regionStarts = new long[regions.length];
        for (int i = 0; i < regions.length; i++) regionStarts[i] = regions[i].start();
        lastRegion = 0;
        for (var e : reportMissing ? unfilledBytes.entrySet() : Map.<String, Long>of().entrySet()) {
            if (!isRegularFilePath(e.getKey())) continue; // kernel objects (io_uring rings, /dev mappings) are never dumped

            String w = String.format("%s of read-only pages are neither in the core nor readable from %s (%s); reads there fail",
                    human(e.getValue()), e.getKey(), missingFiles.getOrDefault(e.getKey(), "file not found"));
            if (!warnings.contains(w)) warnings.add(w);
        }
    }

    /**
     * How many of the segment's p_filesz bytes the core file really holds: fewer when the core
     * is truncated, none when p_offset lies outside the file.
     */
    public long bytesInFile(LoadSegment l) {
        return bytesInFile(l, file.byteSize());
    }

    private static long bytesInFile(LoadSegment l, long fileSize) {
        if (l.fileOffset() < 0 || l.fileOffset() >= fileSize) return 0;
        return Math.max(0, Math.min(l.filesz(), fileSize - l.fileOffset()));
    }

    /**
     * True for NT_FILE names that can be files on disk; false for kernel objects such as
     * "anon_inode:[io_uring]", device mappings, memfds and SysV shared memory.
     */
    static boolean isRegularFilePath(String path) {
        return path.startsWith("/") && !path.startsWith("/dev/") && !path.startsWith("/memfd:") && !path.startsWith("/SYSV");
    }

    /** The parts of [start, end) not covered by the non-overlapping regions, keyed by start. */
    private static List<long[]> gaps(long start, long end, java.util.NavigableMap<Long, Region> covered) {
        List<long[]> out = new ArrayList<>();
        long cursor = start;
        Long first = covered.floorKey(start);
        for (Region r : covered.tailMap(first == null ? start : first, true).values()) {
            if (Long.compareUnsigned(r.end(), cursor) <= 0) continue;
            if (Long.compareUnsigned(r.start(), end) >= 0) break;
            if (Long.compareUnsigned(r.start(), cursor) > 0) out.add(new long[] {cursor, r.start()});
            cursor = r.end();
            if (Long.compareUnsigned(cursor, end) >= 0) break;
        }
        if (Long.compareUnsigned(cursor, end) < 0) out.add(new long[] {cursor, end});
        return out;
    }

    private int regionIndex(long addr) {
        int last = lastRegion;
        Region[] rs = regions;
        if (last < rs.length) {
            Region r = rs[last];
            if (Long.compareUnsigned(addr, r.start()) >= 0 && Long.compareUnsigned(addr, r.end()) < 0) return last;
        }
        int lo = 0, hi = regionStarts.length - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(regionStarts[mid], addr) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found >= 0 && Long.compareUnsigned(addr, rs[found].end()) < 0) {
            lastRegion = found;
            return found;
        }
        return -1;
    }

    private MemoryFault fault(long addr, long len) {
        int i = regionIndex(addr);
        String why = i < 0 ? "address not in the core" : regions[i].missingWhy();
        if (why == null) why = "crosses the end of a mapping";
        return new MemoryFault(addr, len, why);
    }

    /**
     * The contiguous bytes of the address space that start at addr, as a segment of at most
     * maxLen bytes; empty if addr cannot be read. For hot loops that read a page at a time.
     */
    public Optional<MemorySegment> segmentAt(long addr, long maxLen) {
        int i = regionIndex(addr);
        if (i < 0 || !regions[i].present()) return Optional.empty();
        Region r = regions[i];
        long off = addr - r.start();
        // A mapping split into several (V8's code pages on AArch64 flip between rw- and r-x a few
        // pages at a time, and the dumper writes one segment per permission run) lies in
        // consecutive bytes of the core file when its segments follow each other there too: the
        // slice runs on over them, as it would over one segment.
        long end = r.end();
        for (int j = i + 1; j < regions.length && Long.compareUnsigned(end - addr, maxLen) < 0; j++) {
            Region n = regions[j];
            if (!n.present() || n.start() != end || n.source() != r.source()
                    || n.sourceOffset() != r.sourceOffset() + (n.start() - r.start())) break;
            end = n.end();
        }
        long len = Math.min(maxLen, end - addr);
        return Optional.of(r.source().asSlice(r.sourceOffset() + off, len));
    }

    /** True when addr lies in a mapping of the process, whether or not its bytes are available. */
    public boolean isMapped(long addr) {
        return regionIndex(addr) >= 0;
    }

    @Override
    public boolean isReadable(long addr, long len) {
        long p = addr;
        long end = addr + len;
        while (Long.compareUnsigned(p, end) < 0) {
            int i = regionIndex(p);
            if (i < 0 || !regions[i].present()) return false;
            p = regions[i].end();
        }
        return true;
    }

    private long offsetFor(long addr, int len) {
        int i = regionIndex(addr);
        if (i >= 0) {
            Region r = regions[i];
            if (r.present() && Long.compareUnsigned(addr + len, r.end()) <= 0) return r.sourceOffset() + (addr - r.start());
        }
        return -1;
    }

    private MemorySegment sourceFor(long addr) {
        return regions[regionIndex(addr)].source();
    }

    @Override
    public byte readByte(long addr) {
        long off = offsetFor(addr, 1);
        if (off < 0) throw fault(addr, 1);
        return sourceFor(addr).get(ValueLayout.JAVA_BYTE, off);
    }

    @Override
    public short readShort(long addr) {
        long off = offsetFor(addr, 2);
        if (off < 0) return (short) readSpanning(addr, 2);
        return sourceFor(addr).get(SHORT, off);
    }

    @Override
    public int readInt(long addr) {
        long off = offsetFor(addr, 4);
        if (off < 0) return (int) readSpanning(addr, 4);
        return sourceFor(addr).get(INT, off);
    }

    @Override
    public long readLong(long addr) {
        long off = offsetFor(addr, 8);
        if (off < 0) return readSpanning(addr, 8);
        return sourceFor(addr).get(LONG, off);
    }

    /** A little-endian value whose bytes straddle two regions (or fault). */
    private long readSpanning(long addr, int len) {
        if (!isReadable(addr, len)) throw fault(firstUnreadable(addr, len), len);
        long v = 0;
        for (int i = len - 1; i >= 0; i--) v = (v << 8) | (readByte(addr + i) & 0xff);
        return v;
    }

    private long firstUnreadable(long addr, long len) {
        for (long i = 0; i < len; i++) {
            int r = regionIndex(addr + i);
            if (r < 0 || !regions[r].present()) return addr + i;
        }
        return addr;
    }

    @Override
    public byte[] readBytes(long addr, int len) {
        if (len < 0) throw new IllegalArgumentException("negative length " + len);
        byte[] out = new byte[len];
        int done = 0;
        while (done < len) {
            long p = addr + done;
            int i = regionIndex(p);
            if (i < 0 || !regions[i].present()) throw fault(p, len - done);
            Region r = regions[i];
            int n = (int) Math.min(len - done, r.end() - p);
            MemorySegment.copy(r.source(), ValueLayout.JAVA_BYTE, r.sourceOffset() + (p - r.start()), out, done, n);
            done += n;
        }
        return out;
    }

    /** Where the bytes of a range of the address space come from, counted in bytes. */
    public record Coverage(long inCore, long fromFiles, long missing) {
        public long total() { return inCore + fromFiles + missing; }
    }

    /** How much of [start, end) the core holds, files supply, or nothing supplies. */
    public Coverage coverage(long start, long end) {
        long inCore = 0, fromFiles = 0;
        int i = Math.max(0, regionIndexAtOrAfter(start));
        for (; i < regions.length && Long.compareUnsigned(regions[i].start(), end) < 0; i++) {
            Region r = regions[i];
            long s = Long.compareUnsigned(r.start(), start) > 0 ? r.start() : start;
            long e = Long.compareUnsigned(r.end(), end) < 0 ? r.end() : end;
            if (Long.compareUnsigned(e, s) <= 0) continue;
            if (r.source() == file) inCore += e - s;
            else if (r.present()) fromFiles += e - s;
        }
        long total = end - start;
        return new Coverage(inCore, fromFiles, total - inCore - fromFiles);
    }

    private int regionIndexAtOrAfter(long addr) {
        int lo = 0, hi = regionStarts.length - 1, found = regionStarts.length;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(regions[mid].end(), addr) > 0) {
                found = mid;
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        return found;
    }

    public Path path() { return path; }

    /** The machine the core comes from (e_machine). */
    public Arch arch() { return arch; }
    public long fileSize() { return file.byteSize(); }
    public List<LoadSegment> loadSegments() { return loads; }
    public List<ThreadState> threads() { return Collections.unmodifiableList(threads); }
    public List<MappedFile> mappedFiles() { return Collections.unmodifiableList(mappedFiles); }
    public Map<Long, Long> auxv() { return Collections.unmodifiableMap(auxv); }
    public Optional<SignalInfo> signalInfo() { return Optional.ofNullable(signalInfo); }
    public Optional<ProcessInfo> processInfo() { return Optional.ofNullable(processInfo); }

    /**
     * The full command line and the initial environment, read from the process's initial stack
     * (see {@link InitialStack}); when that fails, the best the notes hold: the kernel's psinfo
     * (79 characters), gdb's psinfo (the program name), or the AT_EXECFN path. The result says
     * which, and why the stack failed. Computed once, on first use.
     */
    public CommandLine commandLine() {
        CommandLine c = commandLine;
        if (c == null) commandLine = c = readCommandLine();
        return c;
    }

    private CommandLine readCommandLine() {
        InitialStack.Result r = new InitialStack(this, auxvPairs).read();
        if (r.ok()) {
            return new CommandLine(r.argv(), r.environment(),
                    r.overwritten() ? CommandLine.Source.INITIAL_STACK_OVERWRITTEN : CommandLine.Source.INITIAL_STACK, null);
        }
        String args = processInfo == null ? "" : processInfo.arguments();
        if (!args.isEmpty()) {
            // gdb's gcore writes the first string of /proc/PID/cmdline (argv[0]) and nothing else.
            CommandLine.Source s = writtenByGdb ? CommandLine.Source.PSINFO_PROGRAM_NAME : CommandLine.Source.PSINFO;
            return new CommandLine(List.of(args), List.of(), s, r.problem());
        }
        // r.problem() already says why the AT_EXECFN string may be unreadable
        Optional<String> path = execPath();
        if (path.isPresent()) return new CommandLine(List.of(path.get()), List.of(), CommandLine.Source.EXECFN, r.problem());
        return new CommandLine(List.of(), List.of(), CommandLine.Source.NONE, r.problem());
    }

    /**
     * The path execve was given, the auxiliary vector's AT_EXECFN string (at most PATH_MAX
     * bytes), if the core holds it and it is not empty.
     */
    public Optional<String> execPath() {
        OptionalLong execfn = auxv(InitialStack.AT_EXECFN);
        if (execfn.isEmpty()) return Optional.empty();
        try {
            long at = execfn.getAsLong();
            int n = 0;
            while (n < InitialStack.MAX_EXECFN && readByte(at + n) != 0) n++;
            String path = new String(readBytes(at, n), StandardCharsets.UTF_8);
            return path.isEmpty() ? Optional.empty() : Optional.of(path);
        } catch (MemoryFault e) {
            return Optional.empty();
        }
    }
    public List<String> warnings() { return Collections.unmodifiableList(warnings); }
    public long truncatedBytes() { return truncatedBytes; }

    /**
     * True for a core written by gdb (gcore, generate-core-file) rather than the kernel: a
     * snapshot of a process that was alive, stopped by the debugger, not killed by a signal.
     */
    public boolean writtenByGdb() { return writtenByGdb; }

    private String capturedBy;

    /** What jsmdb gcore said of a core it wrote (its "JSMDB" note), if it wrote this one. */
    public Optional<String> capturedByJsmdb() { return Optional.ofNullable(capturedBy); }

    /** Adds a warning of a higher layer (shown by ::status), once. */
    public void warn(String warning) {
        if (!warnings.contains(warning)) warnings.add(warning);
    }

    public OptionalLong auxv(long key) {
        Long v = auxv.get(key);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** The signal that ended the process: NT_SIGINFO's, else the faulting thread's; 0 for none (a live process's dump). */
    public int fatalSignal() {
        if (signalInfo != null) return signalInfo.signo();
        return faultingThread().map(ThreadState::signal).orElse(0);
    }

    /** The thread that took the fatal signal: the kernel and gcore write it first. */
    /** The process's main thread: the one whose thread id is the pid (psinfo); empty if none is. */
    public Optional<ThreadState> mainThread() {
        int pid = processInfo().map(ProcessInfo::pid).orElse(-1);
        return threads.stream().filter(t -> t.tid() == pid).findFirst();
    }

    public Optional<ThreadState> faultingThread() {
        return threads.isEmpty() ? Optional.empty() : Optional.of(threads.get(0));
    }

    /**
     * The main executable's path as the process saw it: the NT_FILE mapping that holds
     * AT_PHDR (or AT_ENTRY), else the first mapping of AT_EXECFN's name.
     */
    public Optional<MappedFile> executableMapping() {
        for (long key : new long[] {3 /* AT_PHDR */, 9 /* AT_ENTRY */}) {
            OptionalLong at = auxv(key);
            if (at.isEmpty()) continue;
            for (MappedFile mf : mappedFiles) if (mf.contains(at.getAsLong())) return Optional.of(firstMappingOf(mf.path()));
        }
        return mappedFiles.isEmpty() ? Optional.empty() : Optional.of(mappedFiles.get(0));
    }

    private boolean mappingsRebuilt;

    /**
     * For a core that lists no mapped files (qemu-user writes no NT_FILE): the mappings a higher
     * layer rebuilt from the process's own records (the dynamic linker's list), used from then on
     * as NT_FILE's would be ({@link #fillFromFiles}, symbols, unwinding).
     */
    public void addRebuiltMappings(List<MappedFile> rebuilt) {
        if (!mappedFiles.isEmpty()) throw new IllegalStateException("the core lists its mapped files itself");
        List<MappedFile> sorted = new ArrayList<>(rebuilt);
        sorted.sort((a, b) -> Long.compareUnsigned(a.start(), b.start()));
        mappedFiles.addAll(sorted);
        mappingsRebuilt = !sorted.isEmpty();
    }

    /** True when the mapped files were rebuilt ({@link #addRebuiltMappings}) rather than read from NT_FILE. */
    public boolean mappingsRebuilt() { return mappingsRebuilt; }

    /** The lowest mapping of the named file: its load base when it maps offset 0. */
    public MappedFile firstMappingOf(String filePath) {
        MappedFile best = null;
        for (MappedFile mf : mappedFiles) {
            if (mf.path().equals(filePath) && (best == null || Long.compareUnsigned(mf.start(), best.start()) < 0)) best = mf;
        }
        return best;
    }

    @Override
    public void close() {
        arena.close();
    }

    static String human(long bytes) {
        if (bytes < 1024) return bytes + " bytes";
        if (bytes < 1024 * 1024) return String.format("%.1f KiB", bytes / 1024.0);
        if (bytes < 1024L * 1024 * 1024) return String.format("%.1f MiB", bytes / (1024.0 * 1024));
        return String.format("%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
