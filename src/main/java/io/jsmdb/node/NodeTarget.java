package io.jsmdb.node;

import io.jsmdb.binary.ElfFormatException;
import io.jsmdb.binary.ElfImage;
import io.jsmdb.binary.NativeSymbolizer;
import io.jsmdb.core.CoreFile;
import io.jsmdb.core.CoreFormatException;
import io.jsmdb.core.LoadedElf;
import io.jsmdb.core.MappedFile;
import io.jsmdb.v8.V8Metadata;
import io.jsmdb.v8.V8Version;
import io.jsmdb.v8.frames.StackWalker;
import io.jsmdb.v8.heap.HeapLayout;
import io.jsmdb.v8.heap.HeapPages;
import io.jsmdb.v8.heap.HeapWalker;
import io.jsmdb.v8.heap.JsObjectScan;
import io.jsmdb.v8.heap.V8Heap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.List;
import java.util.Optional;

/**
 * A Node.js process as a core file shows it: the core, the node binary, the shared
 * libraries, and V8's metadata. The one object every dcmd works on, and the one owner of the
 * runtime objects built from them (the heap model, the heap's pages and walker, the stack
 * walker, the heap census): each is built once, on first use, and kept for the target's
 * lifetime, so commands and tests share what the others decoded.
 */
public final class NodeTarget implements AutoCloseable {
    private final CoreFile core;
    private final ElfImage node;
    private final String executablePath;
    private final V8Metadata metadata;
    private final Optional<NodeVersion> nodeVersion;
    private final Optional<V8Version> v8Version;
    private final Function<String, Optional<Path>> fileResolver;
    private NativeSymbolizer symbolizer;
    private V8Heap heap;
    private HeapLayout heapLayout;
    private HeapPages heapPages;
    private StackWalker stackWalker;
    private JsObjectScan heapScan;
    private io.jsmdb.v8.graph.GcRoots gcRoots;
    /** Held while a census is made, so two commands asking at once make one. */
    private final Object scanLock = new Object();
    private io.jsmdb.v8.graph.CsrHeapGraph heapGraph;
    /** Held while the graph is built, so two commands asking at once build one. */
    private final Object graphLock = new Object();
    /** Walking threads of the graph's heap walk (the model's passes run on the caller's thread). */
    private static final int GRAPH_THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private NodeTarget(CoreFile core, ElfImage node, String executablePath, V8Metadata metadata,
                       Optional<NodeVersion> nodeVersion, Optional<V8Version> v8Version,
                       Function<String, Optional<Path>> fileResolver) {
        this.core = core;
        this.node = node;
        this.executablePath = executablePath;
        this.metadata = metadata;
        this.nodeVersion = nodeVersion;
        this.v8Version = v8Version;
        this.fileResolver = fileResolver;
    }

    /**
     * Opens CORE with NODE (or, when node is null, the binary the core's NT_FILE note names,
     * verified by build-id). solibPath lists directories searched for shared libraries, for
     * cores made on another machine.
     */
    public static NodeTarget open(Path node, Path corePath, List<Path> solibDirs) throws TargetException {
        CoreFile core;
        try {
            core = CoreFile.open(corePath);
        } catch (CoreFormatException e) {
            if (node != null && e.getMessage().startsWith("not a core file") && looksLikeCore(node)) {
                throw new TargetException(e.getMessage() + " (the arguments are NODE CORE: did you swap them?)");
            }
            throw new TargetException(e.getMessage());
        }
        List<Path> solibPath = new ArrayList<>(solibDirs);
        solibPath.addAll(LinkMapFiles.defaultSysroots(core.arch()));
        ElfImage image = null;
        try {
            if (core.mappedFiles().isEmpty() && whyNoMappedFiles(core).equals("no NT_FILE note")) {
                // qemu-user's cores: the files are rebuilt from the dynamic linker's list
                image = openBinary(node != null ? node : executableNamedByProcess(core, corePath, solibPath));
                rebuildMappings(core, image, node != null ? node.toString() : image.path().toString(), solibPath);
            }
            MappedFile exe = core.executableMapping()
                    .orElseThrow(() -> new TargetException("the core names no mapped files (" + whyNoMappedFiles(core)
                            + "), so its binary is unknown: " + corePath));
            String exePath = exe.path();
            Optional<String> coreBuildId = LoadedElf.buildId(core, exe.start());
            Path nodePath = node != null ? node : image != null ? image.path() : findExecutable(exePath, solibPath)
                    .orElseThrow(() -> new TargetException("cannot find " + exePath + ", the binary the core was made by; name it: jsmdb NODE CORE"));
            if (image == null) image = openBinary(nodePath);
            if (image.machine() != core.arch().machine) {
                throw new TargetException(String.format("%s is a binary of %s, the core is of %s: name the node binary the core was made by",
                        nodePath, io.jsmdb.core.Arch.machineName(image.machine()), core.arch().displayName));
            }
            if (coreBuildId.isPresent() && image.buildId().isPresent() && !coreBuildId.get().equals(image.buildId().get())) {
                throw new TargetException(String.format("%s does not match the core: the core's %s has build-id %s, the file has %s",
                        nodePath, exePath, coreBuildId.get(), image.buildId().get()));
            }
            if (coreBuildId.isEmpty()) {
                core.warn("cannot verify " + nodePath + " against the core: no build-id in the core"
                        + (core.mappingsRebuilt() ? " (it holds no page of the file)" : ""));
            }
            V8Metadata metadata = V8Metadata.fromImage(image);
            if (metadata.isEmpty()) {
                throw new TargetException(nodePath + " has no V8 postmortem metadata (v8dbg_* symbols): an official node binary is needed");
            }
            final Path binary = nodePath;
            Map<String, Optional<Path>> resolved = new HashMap<>();
            Function<String, Optional<Path>> resolver = p -> resolved.computeIfAbsent(p,
                    q -> q.equals(exePath) ? Optional.of(binary) : findLibrary(core, q, solibPath));
            core.fillFromFiles(resolver);
            return new NodeTarget(core, image, exePath, metadata, NodeVersion.of(image), V8Version.of(image), resolver);
        } catch (TargetException e) {
            if (image != null) image.close();
            core.close();
            throw e;
        } catch (RuntimeException e) {
            if (image != null) image.close();
            core.close();
            throw new TargetException("cannot open " + corePath + ": " + e, e);
        }
    }

    private static ElfImage openBinary(Path path) throws TargetException {
        if (Files.isDirectory(path)) throw new TargetException("is a directory, not a node binary: " + path);
        ElfImage image;
        try {
            image = ElfImage.open(path);
        } catch (ElfFormatException e) {
            throw new TargetException(e.getMessage());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new TargetException("no such file: " + path);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new TargetException("permission denied: " + path);
        } catch (IOException e) {
            throw new TargetException("cannot read " + path + ": " + e.getMessage());
        }
        if (image.isCore()) {
            image.close();
            throw new TargetException(path + " is a core file, not a node binary (usage: jsmdb NODE CORE)");
        }
        return image;
    }

    /**
     * The executable a core without NT_FILE came from, as the process named it (AT_EXECFN, the
     * path it was started by), looked for like any other file; it must be the core's machine's.
     */
    private static Path executableNamedByProcess(CoreFile core, Path corePath, List<Path> solibPath) throws TargetException {
        // the path execve was given, else the argument vector's first word
        io.jsmdb.core.CommandLine cl = core.commandLine();
        String named = core.execPath().orElse(cl.argv().isEmpty() ? "" : cl.argv().get(0));
        if (named.isEmpty()) {
            throw new TargetException("the core names no mapped files (no NT_FILE note, as qemu-user writes) nor its program,"
                    + " so its binary is unknown; name it: jsmdb NODE CORE");
        }
        final String name = named;
        return findExecutable(name, solibPath)
                .orElseThrow(() -> new TargetException("cannot find " + name + ", the binary the core was made by"
                        + " (the core names no mapped files); name it: jsmdb NODE CORE"));
    }

    /** Mapped files of a core without NT_FILE, from the dynamic linker's list (see LinkMapFiles). */
    private static void rebuildMappings(CoreFile core, ElfImage exe, String exePath, List<Path> solibPath) {
        List<ElfImage> opened = new ArrayList<>();
        try {
            LinkMapFiles.Result r = LinkMapFiles.read(core, exe, exePath, name -> {
                for (Path p : candidates(name, solibPath)) {
                    if (!Files.isRegularFile(p) || !Files.isReadable(p)) continue;
                    try {
                        ElfImage img = ElfImage.open(p);
                        opened.add(img);
                        if (img.machine() == core.arch().machine && !img.isCore()) return Optional.of(img);
                    } catch (Exception e) {
                        // not an ELF file we can read: try the next candidate
                    }
                }
                return Optional.empty();
            });
            core.addRebuiltMappings(r.mappings());
            for (String lib : r.notFound()) {
                core.warn(lib + " (loaded by the process) was not found, so its code and symbols are unknown; give its directory"
                        + " with --solib-path");
            }
        } finally {
            for (ElfImage img : opened) img.close();
        }
    }

    /** Why NT_FILE gave nothing: the note's own problem when opening met one, else that there is none. */
    private static String whyNoMappedFiles(CoreFile core) {
        for (String w : core.warnings()) {
            if (w.startsWith("malformed note") || w.contains("note segment")) return w;
        }
        return "no NT_FILE note";
    }

    private static boolean looksLikeCore(Path p) {
        try (ElfImage img = ElfImage.open(p)) {
            return img.isCore();
        } catch (Exception e) {
            return false;
        }
    }

    /** The executable as named in the core, else by its file name in each solib-path directory. */
    private static Optional<Path> findExecutable(String corePath, List<Path> solibPath) {
        return candidates(corePath, solibPath).stream().filter(Files::isRegularFile).filter(Files::isReadable).findFirst();
    }

    /**
     * A shared library named in the core: looked for under each solib-path directory (as a
     * sysroot, then by file name) before its own path; taken only when its build-id matches
     * the one the core holds, since a different build would give wrong bytes.
     */
    private static Optional<Path> findLibrary(CoreFile core, String corePath, List<Path> solibPath) {
        Optional<String> wanted = LoadedElf.buildId(core, core.firstMappingOf(corePath).start());
        for (Path p : candidates(corePath, solibPath)) {
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) continue;
            try (ElfImage img = ElfImage.open(p)) {
                if (img.machine() != core.arch().machine) continue; // the host's own library of that name
                if (wanted.isEmpty() || img.buildId().map(wanted.get()::equals).orElse(true)) return Optional.of(p);
                core.warn(p + " differs from the " + corePath + " the process used (build-id); not used");
            } catch (Exception e) {
                // not an ELF file we can read: try the next candidate
            }
        }
        return Optional.empty();
    }

    private static List<Path> candidates(String corePath, List<Path> solibPath) {
        List<Path> out = new ArrayList<>();
        Path asGiven = Path.of(corePath);
        for (Path dir : solibPath) {
            out.add(dir.resolve(corePath.startsWith("/") ? corePath.substring(1) : corePath));
            if (asGiven.getFileName() != null) out.add(dir.resolve(asGiven.getFileName().toString()));
        }
        out.add(asGiven);
        return out;
    }

    public CoreFile core() { return core; }
    public ElfImage nodeBinary() { return node; }
    /** The executable's path as the dumped process saw it. */
    public String executablePath() { return executablePath; }
    public V8Metadata metadata() { return metadata; }
    public Optional<NodeVersion> nodeVersion() { return nodeVersion; }
    public Optional<V8Version> v8Version() { return v8Version; }

    /** V8's version as process.versions.v8 spells it, with node's embedder suffix: "11.3.244.8-node.38". */
    public Optional<String> v8VersionString() {
        return v8Version.map(v -> v + V8Version.embedder(node).orElse(""));
    }
    public List<String> warnings() { return core.warnings(); }

    /** Names native addresses: node's own symbols and those of the shared libraries. */
    public synchronized NativeSymbolizer symbolizer() {
        if (symbolizer == null) symbolizer = new NativeSymbolizer(core, executablePath, node, fileResolver);
        return symbolizer;
    }

    /**
     * The V8 heap model (object layout, maps, strings, properties, functions), which caches
     * per-map facts for the session. Throws MissingMetadataException when the binary lacks
     * facts it needs.
     */
    public synchronized V8Heap heap() {
        if (heap == null) heap = new V8Heap(core, metadata);
        return heap;
    }

    /** The heap's page and object layout facts. */
    public synchronized HeapLayout heapLayout() {
        if (heapLayout == null) heapLayout = new HeapLayout(metadata);
        return heapLayout;
    }

    /** The heap's pages, found in the core (every space, new and large-object pages included), read for the selected isolate. */
    public synchronized HeapPages heapPages() {
        if (heapPages == null) {
            heapPages = HeapPages.find(core, node, heapLayout());
            mainHeap = heapPages.heap();
        }
        return heapPages;
    }

    private long mainHeap;

    /** The main isolate's Heap* (the one the main thread runs). */
    public synchronized long mainHeap() {
        heapPages();
        return mainHeap;
    }

    /** The Heap* of the isolate the heap commands work on: the main one unless {@link #selectIsolate} chose another. */
    public synchronized long selectedHeap() {
        return heapPages().heap();
    }

    /**
     * Makes the heap commands (census, graph, roots, snapshot) work on another isolate's heap: a
     * worker's (a Heap* of {@link Isolates#of}), or the main one's again. What was made for the
     * previous isolate is forgotten.
     */
    public synchronized void selectIsolate(long heap) {
        HeapPages now = heapPages();
        if (now.heap() == heap) return;
        heapPages = now.forHeap(heapLayout(), heap);
        heapScan = null;
        gcRoots = null;
        heapGraph = null;
        objectModel = null;
        dominators = null;
        retainerPaths = null;
        nodeProcess = null;
    }

    private Map<Integer, Long> workerThreadIds;

    /**
     * worker_threads' threadId by thread id, as read reads it from the main isolate's Worker
     * handles (Isolates): once per target, with the main isolate selected for the read (and the
     * selection put back), so that it is the same whichever isolate the commands work on.
     */
    public synchronized Map<Integer, Long> workerThreadIds(java.util.function.Supplier<Map<Integer, Long>> read) {
        if (workerThreadIds == null) {
            long selected = selectedHeap();
            if (selected == mainHeap()) {
                workerThreadIds = Map.copyOf(read.get());
            } else {
                selectIsolate(mainHeap());
                try {
                    workerThreadIds = Map.copyOf(read.get());
                } finally {
                    selectIsolate(selected);
                }
            }
        }
        return workerThreadIds;
    }

    /** A walker over every object of the heap's pages (cheap: the pages are found once). */
    public HeapWalker heapWalker() {
        return new HeapWalker(core, heapLayout(), heapPages());
    }

    private NodeProcess nodeProcess;

    /** node's view of the process: the process object, versions, argv, uptime. */
    public synchronized NodeProcess nodeProcess() {
        if (nodeProcess == null) nodeProcess = new NodeProcess(this);
        return nodeProcess;
    }

    /** The stack walker (native and JavaScript frames of every thread; it caches its walks). */
    public synchronized StackWalker stackWalker() {
        if (stackWalker == null) stackWalker = new StackWalker(core, node, symbolizer(), metadata, heap());
        return stackWalker;
    }

    /** The heap census if one was made, without making it. */
    public synchronized Optional<JsObjectScan> heapScanIfMade() {
        return Optional.ofNullable(heapScan);
    }

    /**
     * The heap census (every object by constructor and shape; see JsObjectScan), made on first
     * use with this many threads, cancel polled and progress told the bytes walked. A census cut
     * short (cancel throws) leaves nothing behind, so the next call makes it again.
     */
    public JsObjectScan heapScan(int threads, Runnable cancel, LongConsumer progress) {
        synchronized (scanLock) {
            synchronized (this) {
                if (heapScan != null) return heapScan;
            }
            JsObjectScan s = JsObjectScan.run(heapWalker(), heap(), threads, cancel, progress);
            synchronized (this) {
                heapScan = s;
            }
            return s;
        }
    }

    /** Forgets the census, so the next heapScan makes a new one (tests measure a census this way). */
    public synchronized void forgetHeapScan() {
        heapScan = null;
    }

    // ---- the heap as a graph: the object model, the GC roots and the graph built from them

    private io.jsmdb.v8.graph.ObjectModel objectModel;

    /** The per-object snapshot model: node kinds, names, self sizes and named references (built once; it caches per-map facts). */
    public synchronized io.jsmdb.v8.graph.ObjectModel objectModel() {
        if (objectModel == null) objectModel = new io.jsmdb.v8.graph.V8ObjectModel(heap(), heapPages());
        return objectModel;
    }

    /**
     * The GC roots of the main isolate (found once, on first use; what could not be read is in
     * {@link io.jsmdb.v8.graph.GcRoots#problems()}: the source is a GcRoots).
     */
    public synchronized io.jsmdb.v8.graph.RootSource gcRoots() {
        if (gcRoots == null) gcRoots = io.jsmdb.v8.graph.GcRoots.find(core, core.threads(), node, metadata, heapPages(), heap(), stackWalker());
        return gcRoots;
    }

    /** The heap as a graph (built once, on first use; cancel polled, progress told bytes walked). */
    public io.jsmdb.v8.graph.HeapGraph heapGraph(Runnable cancel, LongConsumer progress) {
        synchronized (graphLock) {
            synchronized (this) {
                if (heapGraph != null) return heapGraph;
            }
            io.jsmdb.v8.graph.ObjectModel model = objectModel();
            io.jsmdb.v8.graph.RootSource roots = gcRoots();
            // the tagger names unnamed arrays after their first reference and builtins' Code after
            // their root, as V8's snapshot does
            io.jsmdb.v8.graph.HeapGraphBuilder.Tagger tagger = model instanceof io.jsmdb.v8.graph.V8ObjectModel v8
                    ? v8.tagger() : io.jsmdb.v8.graph.V8ObjectModel::arrayTag;
            io.jsmdb.v8.graph.CsrHeapGraph g = io.jsmdb.v8.graph.HeapGraphBuilder.build(
                    io.jsmdb.v8.graph.HeapGraphBuilder.of(heapWalker()), metadata.heapObjectTag(), model,
                    tagger, roots, GRAPH_THREADS, cancel, progress);
            synchronized (this) {
                heapGraph = g;
            }
            return g;
        }
    }

    /** The heap graph if it was built, without building it. */
    public synchronized Optional<io.jsmdb.v8.graph.HeapGraph> heapGraphIfMade() {
        return Optional.ofNullable(heapGraph);
    }

    /** The scale of heapGraph's progress: it rises to this (the walk, then the model's passes). */
    public long heapGraphProgressTotal() {
        return 2 * io.jsmdb.v8.graph.HeapGraphBuilder.of(heapWalker()).totalBytes();
    }

    // ---- analyses of the heap graph: each made once, on first use

    private io.jsmdb.v8.graph.Dominators dominators;
    private io.jsmdb.v8.graph.RetainerPaths retainerPaths;
    /** Held while an analysis is made, so two commands asking at once make one. */
    private final Object graphAnalysisLock = new Object();

    /**
     * The dominator tree and retained sizes of {@link #heapGraph} (built first if need be), made on
     * first use and kept; cancel is polled (it throws; nothing is kept).
     */
    public io.jsmdb.v8.graph.Dominators dominators(Runnable cancel, LongConsumer progress) {
        synchronized (graphAnalysisLock) {
            synchronized (this) {
                if (dominators != null) return dominators;
            }
            var d = io.jsmdb.v8.graph.Dominators.compute(heapGraph(cancel, progress), cancel);
            synchronized (this) {
                dominators = d;
            }
            return d;
        }
    }

    /** The retainer paths (distances, retainer index) of {@link #heapGraph}, made on first use and kept. */
    public io.jsmdb.v8.graph.RetainerPaths retainerPaths(Runnable cancel, LongConsumer progress) {
        synchronized (graphAnalysisLock) {
            synchronized (this) {
                if (retainerPaths != null) return retainerPaths;
            }
            var r = io.jsmdb.v8.graph.RetainerPaths.compute(heapGraph(cancel, progress), cancel);
            synchronized (this) {
                retainerPaths = r;
            }
            return r;
        }
    }

    /** One line for banners: "node v20.20.2 (V8 11.3.244.8), core.1234, pid 1234". */
    public String summary() {
        String nv = nodeVersion.map(v -> "node " + v).orElse("node (version unknown)");
        String vv = v8VersionString().map(v -> " (V8 " + v + ")").orElse("");
        String pid = core.processInfo().map(p -> ", pid " + p.pid()).orElse("");
        return nv + vv + ", " + core.path() + pid;
    }

    @Override
    public void close() {
        if (symbolizer != null) symbolizer.close();
        node.close();
        core.close();
    }
}
