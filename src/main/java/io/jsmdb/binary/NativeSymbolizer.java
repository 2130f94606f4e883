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
    /** A file mapped by the process; bias is what the loader added to its link-time addresses. */
    public record Module(String path, long start, long end, long bias) {
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
        for (var e : extent.entrySet()) ms.add(new Module(e.getKey(), e.getValue()[0], e.getValue()[1], Long.MIN_VALUE));
        ms.sort(Comparator.comparing(Module::start, Long::compareUnsigned));
        this.modules = ms;
    }

    public List<Module> modules() {
        return List.copyOf(modules);
    }

    public Optional<Module> moduleAt(long addr) {
        for (Module m : modules) {
            if (Long.compareUnsigned(addr, m.start()) >= 0 && Long.compareUnsigned(addr, m.end()) < 0) return Optional.of(m);
        }
        return Optional.empty();
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

    /** Load bias of a module: its runtime start minus the link-time address of its first mapped byte. */
    public long bias(Module m, ElfImage image) {
        MappedFile first = core.firstMappingOf(m.path());
        return first.start() - first.fileOffset() - (image.firstLoadVaddr() - firstLoadFileOffset(image));
    }

    private static long firstLoadFileOffset(ElfImage image) {
        return image.loadSegments().isEmpty() ? 0 : image.loadSegments().getFirst().fileOffset() & ~0xfffL;
    }

    public Optional<Location> locate(long addr) {
        Optional<Module> m = moduleAt(addr);
        if (m.isEmpty()) return Optional.empty();
        Module mod = m.get();
        boolean main = mod.path().equals(mainPath);
        Optional<ElfImage> img = image(mod);
        if (img.isEmpty()) return Optional.of(new Location(mod, Optional.empty(), addr - mod.start(), main));
        long bias = bias(mod, img.get());
        long linkAddr = addr - bias;
        Optional<Symbol> sym = img.get().symbols().lookup(linkAddr);
        if (sym.isEmpty()) return Optional.of(new Location(mod, Optional.empty(), addr - mod.start(), main));
        return Optional.of(new Location(mod, sym, linkAddr - sym.get().value(), main));
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
