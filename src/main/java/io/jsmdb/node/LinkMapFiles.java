package io.jsmdb.node;

import io.jsmdb.binary.ElfImage;
import io.jsmdb.binary.LoadSegment;
import io.jsmdb.core.CoreFile;
import io.jsmdb.core.MappedFile;
import io.jsmdb.core.MemoryFault;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * The files a process had mapped, for a core that does not list them: qemu-user writes no
 * NT_FILE note (a kernel core and gdb's gcore do). Rebuilt from what the process itself holds:
 * the executable's load bias (AT_ENTRY against its ELF entry point), its {@code .dynamic}
 * section's DT_DEBUG entry, which points at the dynamic linker's {@code r_debug}, whose
 * {@code link_map} list names every shared object loaded and its load bias; each file's own
 * program headers then say which of its pages lie where (glibc's layouts of r_debug and
 * link_map: r_map at +8; l_addr, l_name, l_ld, l_next at +0, +8, +16, +24).
 *
 * <p>Every read is bounded (list length, name length) and a cycle ends the list.
 */
final class LinkMapFiles {
    private static final long AT_ENTRY = 9;
    private static final long DT_NULL = 0, DT_DEBUG = 21;
    private static final int MAX_DYNAMIC = 1024, MAX_OBJECTS = 4096, MAX_NAME = 4096;
    private static final long PAGE = 4096;

    /** What was rebuilt: the mappings, and the objects the list names whose files were not found. */
    record Result(List<MappedFile> mappings, List<String> notFound, int objects) {}

    private LinkMapFiles() {}

    /**
     * The mappings of exe (the executable, at exePath as the process named it) and of the shared
     * objects its link_map lists, each found through findFile (which also checks the file is of
     * the core's machine); empty mappings when the executable's load bias cannot be known.
     */
    static Result read(CoreFile core, ElfImage exe, String exePath, Function<String, Optional<ElfImage>> findFile) {
        List<MappedFile> out = new ArrayList<>();
        List<String> notFound = new ArrayList<>();
        OptionalLong entry = core.auxv(AT_ENTRY);
        if (entry.isEmpty()) return new Result(out, notFound, 0);
        long exeBias = entry.getAsLong() - exe.entry();
        addMappings(out, exe, exeBias, exePath);
        long rDebug = rDebug(core, exe, exeBias);
        if (rDebug == 0) return new Result(out, notFound, 0);
        int objects = 0;
        Set<Long> seen = new HashSet<>();
        try {
            long lm = core.readLong(rDebug + 8);
            while (lm != 0 && seen.add(lm) && seen.size() <= MAX_OBJECTS) {
                long base = core.readLong(lm);
                long nameAt = core.readLong(lm + 8);
                long next = core.readLong(lm + 24);
                String name = nameAt == 0 ? "" : name(core, exe, exeBias, nameAt);
                lm = next;
                // the executable's own entry has no name; the vDSO's is not a path
                if (!name.startsWith("/")) continue;
                objects++;
                Optional<ElfImage> file = findFile.apply(name);
                if (file.isEmpty()) {
                    notFound.add(name);
                    continue;
                }
                addMappings(out, file.get(), base, name);
            }
        } catch (MemoryFault e) {
            // the list is cut where memory is missing: what was read is kept
        }
        return new Result(out, notFound, objects);
    }

    /**
     * An object's name: in the process's memory, or, where the core left that page out, in the
     * executable's file (the dynamic linker's own entry points at the executable's PT_INTERP
     * string, whose page qemu's cores may leave out); "" when neither holds it.
     */
    private static String name(CoreFile core, ElfImage exe, long exeBias, long at) {
        try {
            return core.readCString(at, MAX_NAME);
        } catch (MemoryFault e) {
            try {
                byte[] b = exe.readBytes(at - exeBias, 256);
                int n = 0;
                while (n < b.length && b[n] != 0) n++;
                return n == b.length ? "" : new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8);
            } catch (RuntimeException notInFile) {
                return "";
            }
        }
    }

    /** r_debug's address from the executable's DT_DEBUG (0 when the dynamic section or the entry is not there). */
    private static long rDebug(CoreFile core, ElfImage exe, long bias) {
        Optional<io.jsmdb.binary.Section> dyn = exe.section(".dynamic");
        if (dyn.isEmpty()) return 0;
        long at = dyn.get().addr() + bias;
        try {
            for (int i = 0; i < MAX_DYNAMIC; i++) {
                long tag = core.readLong(at + 16L * i);
                if (tag == DT_NULL) return 0;
                if (tag == DT_DEBUG) return core.readLong(at + 16L * i + 8);
            }
        } catch (MemoryFault e) {
            return 0;
        }
        return 0;
    }

    /** One mapping per PT_LOAD's file-backed pages, as the loader maps them (page-aligned). */
    private static void addMappings(List<MappedFile> out, ElfImage image, long bias, String path) {
        for (LoadSegment s : image.loadSegments()) {
            if (s.filesz() <= 0) continue;
            long start = bias + (s.vaddr() & ~(PAGE - 1));
            long end = bias + ((s.vaddr() + s.filesz() + PAGE - 1) & ~(PAGE - 1));
            out.add(new MappedFile(start, end, s.fileOffset() & ~(PAGE - 1), path));
        }
    }

    /** Where a path the process named is looked for when the user gave no solib path: Debian's cross sysroot for the core's machine. */
    static List<Path> defaultSysroots(io.jsmdb.core.Arch arch) {
        if (arch == io.jsmdb.core.Arch.AARCH64 && !"aarch64".equals(System.getProperty("os.arch"))) {
            Path p = Path.of("/usr/aarch64-linux-gnu");
            if (java.nio.file.Files.isDirectory(p)) return List.of(p);
        }
        return List.of();
    }
}
