package io.jsmdb.binary;

import io.jsmdb.core.CoreFile;
import io.jsmdb.core.MappedFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Names native code addresses of a dumped process: which loaded module holds an address,
 * and which symbol of that module's ELF file. Modules come from the core's NT_FILE note;
 * their files are opened lazily, the first time an address inside them is asked about.
 */
public final class NativeSymbolizer implements AutoCloseable {
    /** A file mapped by the process, from its lowest mapping's start to its highest's end. */
    public record Module(String path, long start, long end) {
        public String name() {
            int slash = path.lastIndexOf('/');
            return slash < 0 ? path : path.substring(slash + 1);
        }
    }

    /** A symbolized address: the module, and the symbol with the offset into it when known. */
    public record Location(Module module, Optional<Symbol> symbol, long offset, boolean mainExecutable) {
        /** mdb style: {@code sym+0x1c} for the main executable, {@code libc.so.6`sym+0x1c} for libraries. */
        public String describe() {
            String prefix = mainExecutable ? "" : module.name() + "`";
            if (symbol.isEmpty()) return module.name() + "+0x" + Long.toHexString(offset);
            String name = symbol.get().demangled();
            return prefix + name + (offset == 0 ? "" : "+0x" + Long.toHexString(offset));
        }
    }

    private final CoreFile core;
    private final String mainPath;
    private final Function<String, Optional<Path>> resolver;
    private final List<Module> modules;
    private final Map<String, Optional<ElfImage>> images = new HashMap<>();
    private final Map<String, Module> modulesByPath = new HashMap<>();
    private final MappedFile[] mappings;

    public NativeSymbolizer(CoreFile core, String mainPath, ElfImage mainImage, Function<String, Optional<Path>> resolver) {
        this.core = core;
        this.mainPath = mainPath;
        this.resolver = resolver;
        this.images.put(mainPath, Optional.of(mainImage));
        Map<String, long[]> extent = new LinkedHashMap<>();
        for (MappedFile mf : core.mappedFiles()) {
            long[] e = extent.computeIfAbsent(mf.path(), k -> new long[] {mf.start(), mf.end()});
            if (Long.compareUnsigned(mf.start(), e[0]) < 0) e[0] = mf.start();
            if (Long.compareUnsigned(mf.end(), e[1]) > 0) e[1] = mf.end();
        }
        List<Module> ms = new ArrayList<>();
        for (var e : extent.entrySet()) ms.add(new Module(e.getKey(), e.getValue()[0], e.getValue()[1]));
        ms.sort(Comparator.comparing(Module::start, Long::compareUnsigned));
        this.modules = ms;
        for (Module m : ms) modulesByPath.put(m.path(), m);
        List<MappedFile> maps = new ArrayList<>(core.mappedFiles());
        maps.sort(Comparator.comparing(MappedFile::start, Long::compareUnsigned));
        this.mappings = maps.toArray(MappedFile[]::new);
    }

    public List<Module> modules() {
        return List.copyOf(modules);
    }

    /**
     * The NT_FILE mapping holding addr. Exact mappings, not a module's lowest-to-highest
     * extent: V8's JIT area and a second copy of the embedded builtins lie between node's
     * own mappings, and a kernel object's mapping can straddle a library.
     */
    public Optional<MappedFile> mappingAt(long addr) {
        int lo = 0, hi = mappings.length - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(mappings[mid].start(), addr) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found >= 0 && mappings[found].contains(addr) ? Optional.of(mappings[found]) : Optional.empty();
    }

    /** The module (file) of the mapping holding addr; empty in anonymous memory such as JIT code. */
    public Optional<Module> moduleAt(long addr) {
        return mappingAt(addr).map(mf -> modulesByPath.get(mf.path()));
    }

    /** The module's ELF file on this machine (the one the core was checked against), if found. */
    public synchronized Optional<ElfImage> image(Module m) {
        return images.computeIfAbsent(m.path(), p -> {
            Optional<Path> local = resolver.apply(p);
            if (local.isEmpty()) return Optional.empty();
            try {
                return Optional.of(ElfImage.open(local.get()));
            } catch (Exception e) {
                return Optional.empty();
            }
        });
    }

    /**
     * The link-time address of runtime address addr inside mapping mf of image's file, through
     * the file offset (so a second mapping of the same bytes, as node makes of V8's embedded
     * builtins, resolves too); -1 when no PT_LOAD of the file holds that offset.
     */
    public static long linkAddress(ElfImage image, MappedFile mf, long addr) {
        long fileOff = addr - mf.start() + mf.fileOffset();
        for (LoadSegment s : image.loadSegments()) {
            if (fileOff >= s.fileOffset() && fileOff - s.fileOffset() < s.filesz()) return s.vaddr() + (fileOff - s.fileOffset());
        }
        return -1;
    }

    /**
     * Load bias of a module mapped the usual way (its first mapping at file offset 0): its
     * runtime start minus the link-time address of that first byte.
     */
    public long bias(Module m, ElfImage image) {
        MappedFile first = core.firstMappingOf(m.path());
        long firstLoadFileOffset = image.loadSegments().isEmpty() ? 0 : image.loadSegments().getFirst().fileOffset() & ~0xfffL;
        return first.start() - first.fileOffset() - (image.firstLoadVaddr() - firstLoadFileOffset);
    }

    public Optional<Location> locate(long addr) {
        Optional<MappedFile> mapping = mappingAt(addr);
        if (mapping.isEmpty()) return Optional.empty();
        MappedFile mf = mapping.get();
        Module mod = modulesByPath.get(mf.path());
        boolean main = mod.path().equals(mainPath);
        long moduleOffset = addr - mod.start();
        Optional<ElfImage> img = image(mod);
        if (img.isEmpty()) return Optional.of(new Location(mod, Optional.empty(), moduleOffset, main));
        long link = linkAddress(img.get(), mf, addr);
        Optional<Symbol> sym = link == -1 ? Optional.empty() : img.get().symbols().lookup(link);
        if (sym.isEmpty() && link != -1) sym = img.get().dynamicSymbols().lookup(link);
        if (sym.isEmpty()) return Optional.of(new Location(mod, Optional.empty(), moduleOffset, main));
        return Optional.of(new Location(mod, sym, link - sym.get().value(), main));
    }

    /**
     * As {@link #locate} for a return address (every frame's pc but the innermost one's): named
     * by the call instruction, at pc-1 (a call to a noreturn function can be the last
     * instruction of its function), with the offset of pc itself.
     */
    public Optional<Location> locateReturnAddress(long pc) {
        return locate(pc - 1).map(l -> new Location(l.module(), l.symbol(), l.offset() + 1, l.mainExecutable()));
    }

    /** {@code sym+0xoff}, {@code lib`sym+0xoff}, {@code lib+0xoff}, or the bare hex address. */
    public String describe(long addr) {
        return locate(addr).map(Location::describe).orElse(String.format("0x%x", addr));
    }

    @Override
    public synchronized void close() {
        for (var e : images.entrySet()) {
            if (!e.getKey().equals(mainPath)) e.getValue().ifPresent(ElfImage::close);
        }
    }
}
