package io.jsmdb.node;

import io.jsmdb.core.CoreFile;
import io.jsmdb.core.MemoryFault;
import io.jsmdb.core.ThreadState;
import io.jsmdb.v8.frames.Frame;
import io.jsmdb.v8.heap.HeapPage;
import io.jsmdb.v8.heap.HeapPages;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The V8 isolates of the process: the main thread's and one per worker thread. Each has a heap
 * of its own; its pages name it (their Heap*), and the thread running it is the one whose stack
 * refers to that isolate most (a thread runs one isolate at a time, and every frame of V8 and of
 * node's event loop passes the Isolate* around).
 */
public final class Isolates {
    /** One isolate: its heap, its pages, the thread running it (if one refers to it), whether it is the main one. */
    public record IsolateInfo(int index, long heap, int pages, long bytes, Optional<ThreadState> thread, boolean main,
                              Optional<String> jsFunction, boolean selected, OptionalLong workerThreadId) {}

    private Isolates() {}

    public static List<IsolateInfo> of(NodeTarget target) {
        HeapPages hp = target.heapPages();
        long mainHeap = target.mainHeap();
        Map<Long, long[]> heaps = heaps(target);
        // heaps of a handful of pages that no thread refers to are not isolates (a stray header)
        Map<Integer, Long> workerIds = workerThreadIds(target);
        Map<Long, ThreadState> threadOf = threads(target, heaps.keySet(), workerIds.keySet());
        List<IsolateInfo> out = new ArrayList<>();
        int i = 0;
        for (Map.Entry<Long, long[]> e : heaps.entrySet()) {
            long h = e.getKey();
            Optional<ThreadState> thread = Optional.ofNullable(threadOf.get(h));
            if (h != mainHeap && thread.isEmpty()) continue;
            out.add(new IsolateInfo(i++, h, (int) e.getValue()[0], e.getValue()[1], thread, h == mainHeap,
                    thread.flatMap(t -> innermostJs(target, t)), h == hp.heap(),
                    thread.map(t -> workerIds.get(t.tid())).map(OptionalLong::of).orElse(OptionalLong.empty())));
        }
        return out;
    }

    /** Pages and bytes of each heap (an isolate's Heap*), the main isolate's first. */
    private static Map<Long, long[]> heaps(NodeTarget target) {
        Map<Long, long[]> heaps = new LinkedHashMap<>();
        heaps.put(target.mainHeap(), new long[2]);
        for (HeapPage p : target.heapPages().pages()) {
            if (p.heap() == 0) continue;
            long[] a = heaps.computeIfAbsent(p.heap(), h -> new long[2]);
            a[0]++;
            a[1] += p.size();
        }
        return heaps;
    }

    /**
     * The thread running each heap's isolate: the main thread for the main isolate (whenever it
     * refers to it), else for each thread the heap its stack refers to most, kept by the thread
     * that refers to it most; a thread node's Worker objects name as a worker's (workerTids)
     * outranks any other. A libuv threadpool thread serves every isolate and can hold more stale
     * pointers into a worker's heap than the worker's own thread, idle in epoll_wait, does (a
     * core of the process fixture on node 25 had one blocked in open(2) on the fifo). Heaps no
     * thread refers to have none.
     */
    private static Map<Long, ThreadState> threads(NodeTarget target, java.util.Set<Long> heaps, java.util.Set<Integer> workerTids) {
        CoreFile core = target.core();
        long mainHeap = target.mainHeap();
        Map<Long, ThreadState> threadOf = new HashMap<>();
        Map<Long, Long> bestRefs = new HashMap<>();
        // the main isolate runs on the main thread (its id is the pid) whenever that thread refers to it;
        // another thread can hold more pointers into it (a threadpool thread working for it)
        Optional<ThreadState> mainThread = core.mainThread();
        for (ThreadState t : core.threads()) {
            Map<Long, Integer> refs = HeapPages.isolateReferences(core, t, heaps);
            if (mainThread.isPresent() && t == mainThread.get() && refs.getOrDefault(mainHeap, 0) > 0) {
                threadOf.put(mainHeap, t);
                bestRefs.put(mainHeap, Long.MAX_VALUE);
            }
            long rank = workerTids.contains(t.tid()) ? 1L << 32 : 0; // a known worker thread first, then by references
            refs.entrySet().stream().max(Map.Entry.comparingByValue()).ifPresent(e -> {
                long score = rank + e.getValue();
                if (score > bestRefs.getOrDefault(e.getKey(), 0L)) {
                    bestRefs.put(e.getKey(), score);
                    threadOf.put(e.getKey(), t);
                }
            });
        }
        return threadOf;
    }

    /** Words of a JS Worker handle searched for its C++ object, and words of that object for the thread. */
    static final int WORKER_SLOTS = 6, WORKER_WORDS = 256;

    /**
     * worker_threads' threadId of each worker thread (by tid): the main isolate's Worker handles
     * (strong global handles of class Worker while the worker runs) carry threadId, and point (an
     * embedder slot) to node's C++ Worker, which holds the thread's pthread_t (glibc's struct
     * pthread). On x86-64 that is the thread's fs_base, which the core records for every thread;
     * AArch64's cores keep no thread pointer (qemu-user's have no NT_ARM_TLS), so there the word is
     * taken for a thread's pthread_t when the struct's tid field holds that thread's id.
     */
    static Map<Integer, Long> workerThreadIds(NodeTarget target) {
        return target.workerThreadIds(() -> readWorkerThreadIds(target));
    }

    private static Map<Integer, Long> readWorkerThreadIds(NodeTarget target) {
        Map<Integer, Long> out = new HashMap<>();
        java.util.function.LongFunction<Integer> tidOf = threadOfPthread(target.core());
        io.jsmdb.v8.heap.V8Heap heap = target.heap();
        CoreFile core = target.core();
        int header = target.metadata().jsObjectHeaderSize();
        try {
            // the main isolate's roots: a worker's own Worker handles (nested workers) are not looked at
            if (target.selectedHeap() != target.mainHeap()) return out;
            target.gcRoots().forEachRoot((category, name, obj, weak) -> {
                if (weak || !io.jsmdb.v8.graph.GcRoots.GLOBAL_HANDLES.equals(category)) return;
                try {
                    if (!heap.isJSObjectType(heap.typeOf(obj)) || !heap.snapshotConstructorName(obj).orElse("").equals("Worker")) return;
                    OptionalLong id = heap.properties().ownDataProperty(obj, "threadId");
                    if (id.isEmpty() || !heap.isSmi(id.getAsLong())) return;
                    for (int slot = 0; slot < WORKER_SLOTS; slot++) {
                        long cpp = heap.field(obj, header + 8 * slot);
                        if ((cpp & 7) != 0 || cpp < 4096 || heap.isHeapObject(cpp)) continue;
                        for (int k = 0; k < WORKER_WORDS; k++) {
                            Integer tid;
                            try {
                                tid = tidOf.apply(core.readLong(cpp + 8L * k));
                            } catch (MemoryFault e) {
                                break;
                            }
                            if (tid != null) {
                                out.put(tid, heap.smiValue(id.getAsLong()));
                                return;
                            }
                        }
                    }
                } catch (MemoryFault | io.jsmdb.v8.heap.HeapException e) {
                    // not a readable Worker: no threadId from it
                }
            });
        } catch (RuntimeException e) {
            // no roots: no threadIds
        }
        return out;
    }

    /** glibc's struct pthread on AArch64: tid after the 24-word header union and the list node (pthread_getcpuclockid reads it there). */
    static final int AARCH64_PTHREAD_TID_OFFSET = 0xd0;

    /** The thread (tid) whose pthread_t a word is, or null. */
    private static java.util.function.LongFunction<Integer> threadOfPthread(CoreFile core) {
        java.util.Set<Integer> tids = new java.util.HashSet<>();
        Map<Long, Integer> tidByFsBase = new HashMap<>();
        for (ThreadState t : core.threads()) {
            tids.add(t.tid());
            if (core.arch() == io.jsmdb.core.Arch.X86_64) tidByFsBase.put(t.registers().get("fs_base"), t.tid());
        }
        if (core.arch() == io.jsmdb.core.Arch.X86_64) return tidByFsBase::get;
        return word -> {
            if (word == 0 || (word & 7) != 0) return null;
            try {
                int tid = core.readInt(word + AARCH64_PTHREAD_TID_OFFSET);
                return tids.contains(tid) ? tid : null;
            } catch (MemoryFault e) {
                return null;
            }
        };
    }

    /** Native functions of V8 that move objects: a thread inside one is in the middle of a garbage collection. */
    static final List<String> MOVING_GC_FUNCTIONS = List.of("ScavengerCollector::CollectGarbage", "Scavenger::",
            "MarkCompactCollector::Evacuate", "MarkCompactCollector::Compact", "MinorMarkSweepCollector::",
            "MinorMarkCompactCollector::", "Evacuator::");

    /**
     * The V8 function moving objects on the thread that runs the heap the heap commands work on
     * (a scavenge or a compaction it died in, or was stopped in), or empty. While one runs, objects
     * are being copied from one page to another: a census of that heap can miss or double-count
     * some. (An out-of-memory death comes after its last collection has finished: not this.)
     */
    public static Optional<String> movingGcOfSelected(NodeTarget target) {
        try {
            Optional<ThreadState> thread = threadRunning(target, target.selectedHeap());
            if (thread.isEmpty()) return Optional.empty();
            for (Frame f : target.stackWalker().walk(thread.get())) {
                String pc = f.pcText();
                if (pc == null) continue;
                for (String g : MOVING_GC_FUNCTIONS) {
                    if (pc.contains(g)) return Optional.of(pc.replaceAll("\\(.*$", "").replaceAll("\\+0x[0-9a-f]+$", ""));
                }
            }
        } catch (RuntimeException e) {
            // no stack: nothing said
        }
        return Optional.empty();
    }

    /** The thread running the isolate of heap, as {@link #of} finds it (without the JS names). */
    static Optional<ThreadState> threadRunning(NodeTarget target, long heap) {
        return Optional.ofNullable(threads(target, heaps(target).keySet(), workerThreadIds(target).keySet()).get(heap));
    }

    private static Optional<String> innermostJs(NodeTarget target, ThreadState t) {
        try {
            for (Frame f : target.stackWalker().walk(t)) {
                if (f.isJs() && f.jsFrame().isPresent()) {
                    String n = f.jsFrame().get().debugName();
                    return Optional.of(n.isEmpty() ? "<anonymous>" : n);
                }
            }
        } catch (RuntimeException e) {
            // no frames: none named
        }
        return Optional.empty();
    }
}
