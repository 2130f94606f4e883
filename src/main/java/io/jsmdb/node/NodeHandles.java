package io.jsmdb.node;

import io.jsmdb.core.CoreFile;
import io.jsmdb.core.MemoryFault;
import io.jsmdb.core.ThreadState;
import io.jsmdb.v8.graph.GcRoots;
import io.jsmdb.v8.heap.HeapException;
import io.jsmdb.v8.heap.JsKind;
import io.jsmdb.v8.heap.V8Functions;
import io.jsmdb.v8.heap.V8Heap;
import io.jsmdb.v8.heap.V8Properties;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The main thread's libuv handles that keep node running, as node sees them
 * (process.getActiveResourcesInfo()): the default loop's handles that are active and referenced
 * and belong to a JavaScript object (node's HandleWrap: a TCP server or socket, a pipe, a child
 * process, ...), and node's JavaScript timers (setTimeout/setInterval), which share one libuv
 * timer and live in node's own lists.
 *
 * <p>libuv's structures are read at their x86-64 Linux offsets, the same in the libuv of every
 * node 16 - 26 (uv.h: UV_HANDLE_FIELDS); node's HandleWrap keeps its JavaScript object in a
 * global handle right after its vtable (BaseObject::persistent_handle_).
 */
public final class NodeHandles {
    static final int LOOP_HANDLE_QUEUE = 16;
    static final int HANDLE_LOOP = 8, HANDLE_TYPE = 16, HANDLE_QUEUE = 32, HANDLE_FD = 48, HANDLE_FLAGS = 88, PROCESS_PID = 104;
    /** uv_stream_t's io_watcher.fd: after UV_HANDLE_FIELDS (96), write_queue_size, alloc_cb, read_cb (120), connect_req, shutdown_req, io_watcher (136: cb, pending_queue, watcher_queue, pevents, events, fd). */
    static final int STREAM_FD = 136 + 8 + 16 + 16 + 4 + 4;
    static final int UV_HANDLE_CLOSING = 0x1, UV_HANDLE_ACTIVE = 0x4, UV_HANDLE_REF = 0x8;
    /** uv_timer_t.timeout (absolute loop milliseconds): after UV_HANDLE_FIELDS, timer_cb and the heap node (3 pointers). */
    static final int UV_TIMER = 13, TIMER_TIMEOUT = 96 + 8 + 24;
    static final int MAX_HANDLES = 1 << 20;
    static final String[] TYPES = {"UNKNOWN", "ASYNC", "CHECK", "FS_EVENT", "FS_POLL", "HANDLE", "IDLE", "NAMED_PIPE", "POLL",
        "PREPARE", "PROCESS", "STREAM", "TCP", "TIMER", "TTY", "UDP", "SIGNAL", "FILE"};

    /** One handle: libuv's type, its JavaScript wrapper and owner (0 if none), and what matters about it. */
    public record Handle(String type, long handle, long wrapper, long owner, String ownerClass, String detail) {}

    private final NodeTarget target;
    /** The timeouts of the loop's active libuv timers (node's own timer among them). */
    private final List<Long> uvTimerTimeouts = new ArrayList<>();

    public NodeHandles(NodeTarget target) {
        this.target = target;
    }

    /** The handles, libuv's first (in its queue's order), then the JavaScript timers; warnings say what could not be read. */
    public List<Handle> handles(List<String> warnings) {
        List<Handle> out = new ArrayList<>();
        libuvHandles(out, warnings);
        timers(out, warnings);
        return out;
    }

    /** Words of a worker thread's stack searched for its uv_loop_t, at most (node's worker stacks are 4 MiB). */
    static final long MAX_STACK_SEARCHED = 8L << 20;

    private OptionalLong loop;
    private String loopProblem;

    /**
     * The event loop of the isolate the heap commands work on: libuv's default loop for the main
     * isolate (default_loop_struct), a worker's own loop for a worker's (node's WorkerThreadData
     * keeps it on the worker thread's stack: found as the uv_loop_t whose first handle points
     * back to it). Empty, with {@link #loopProblem} saying why, when not found.
     */
    public synchronized OptionalLong loop() {
        if (loop != null) return loop;
        loop = OptionalLong.empty();
        if (target.selectedHeap() == target.mainHeap()) {
            loop = NodeProcess.defaultLoop(target);
            if (loop.isEmpty()) loopProblem = "libuv's default loop not found in the binary's symbols";
            return loop;
        }
        Optional<ThreadState> thread = Isolates.of(target).stream().filter(Isolates.IsolateInfo::selected).findFirst()
                .flatMap(Isolates.IsolateInfo::thread);
        if (thread.isEmpty()) {
            loopProblem = "no thread runs the selected isolate";
            return loop;
        }
        loop = workerLoop(target.core(), thread.get());
        if (loop.isEmpty()) loopProblem = "no event loop with handles found on thread " + thread.get().tid() + "'s stack";
        return loop;
    }

    /** Why {@link #loop()} is empty. */
    public String loopProblem() { return loopProblem; }

    /**
     * A uv_loop_t on the thread's stack: an address X whose handle queue's first entry is a handle
     * whose loop is X, and whose queue's last entry links back to X's queue head. A loop without
     * handles cannot be told from other words and is not found (it has nothing to list).
     */
    static OptionalLong workerLoop(CoreFile core, ThreadState thread) {
        long sp = thread.registers().sp() & ~7L;
        Optional<io.jsmdb.core.LoadSegment> seg = core.loadSegments().stream()
                .filter(s -> Long.compareUnsigned(sp, s.vaddr()) >= 0 && Long.compareUnsigned(sp, s.vaddr() + s.memsz()) < 0).findFirst();
        if (seg.isEmpty()) return OptionalLong.empty();
        long end = Math.min(seg.get().vaddr() + seg.get().memsz(), sp + MAX_STACK_SEARCHED);
        for (long x = sp; x + LOOP_HANDLE_QUEUE + 16 <= end; x += 8) {
            try {
                long head = x + LOOP_HANDLE_QUEUE;
                long first = core.readLong(head);
                if (first == head || (first & 7) != 0 || first < 4096) continue;
                if (core.readLong(first - HANDLE_QUEUE + HANDLE_LOOP) != x) continue;
                long last = core.readLong(head + 8);
                if ((last & 7) != 0 || last < 4096 || core.readLong(last) != head) continue;
                return OptionalLong.of(x);
            } catch (MemoryFault e) {
                // not a loop here
            }
        }
        return OptionalLong.empty();
    }

    private void libuvHandles(List<Handle> out, List<String> warnings) {
        OptionalLong loopAddr = loop();
        if (loopAddr.isEmpty()) {
            warnings.add(loopProblem + ": no libuv handles");
            return;
        }
        CoreFile core = target.core();
        V8Heap heap = target.heap();
        long head = loopAddr.getAsLong() + LOOP_HANDLE_QUEUE;
        Set<Long> seen = new HashSet<>();
        try {
            long q = core.readLong(head);
            while (q != head) {
                if (!seen.add(q) || seen.size() > MAX_HANDLES) {
                    warnings.add("libuv's handle queue loops or is too long: stopped after " + seen.size() + " handles");
                    return;
                }
                long h = q - HANDLE_QUEUE;
                q = core.readLong(q);
                int type = core.readInt(h + HANDLE_TYPE);
                int flags = core.readInt(h + HANDLE_FLAGS);
                if (type == UV_TIMER && (flags & UV_HANDLE_ACTIVE) != 0 && (flags & UV_HANDLE_CLOSING) == 0) {
                    uvTimerTimeouts.add(core.readLong(h + TIMER_TIMEOUT));
                }
                if ((flags & UV_HANDLE_ACTIVE) == 0 || (flags & UV_HANDLE_REF) == 0 || (flags & UV_HANDLE_CLOSING) != 0) continue;
                long wrapper = jsWrapper(core, heap, core.readLong(h));
                if (wrapper == 0) continue; // node's own (its async, check, idle, signal and timer handles)
                String typeName = type >= 0 && type < TYPES.length ? TYPES[type] : "type " + type;
                try {
                    long owner = ownerOf(heap, wrapper);
                    String ownerClass = owner == 0 ? "" : heap.snapshotConstructorName(owner).orElse("Object");
                    out.add(new Handle(typeName, h, wrapper, owner, ownerClass, detail(core, heap, typeName, h, owner)));
                } catch (HeapException | MemoryFault e) {
                    // one object caught half-made (a live capture) or damaged: that handle is said so, the rest listed
                    out.add(new Handle(typeName, h, wrapper, 0, "", "its JavaScript owner could not be read (" + e.getMessage() + ")"));
                }
            }
        } catch (MemoryFault e) {
            warnings.add(String.format("libuv's handle queue could not be read past 0x%x: the list may be incomplete", e.address()));
        }
    }

    /** The JavaScript object of a HandleWrap (handle->data): its persistent handle's target; 0 if data is not one. */
    private static long jsWrapper(CoreFile core, V8Heap heap, long data) {
        if (data == 0 || (data & 7) != 0) return 0;
        try {
            long slot = core.readLong(data + 8);
            if (slot == 0 || (slot & 7) != 0) return 0;
            long obj = core.readLong(slot);
            if (!heap.isHeapObject(obj) || !heap.isJSObjectType(heap.typeOf(obj))) return 0;
            return obj;
        } catch (MemoryFault | HeapException e) {
            return 0;
        }
    }

    /** The wrapper's owner: the net.Server, net.Socket or ChildProcess node keeps under its owner_symbol. */
    private static long ownerOf(V8Heap heap, long wrapper) {
        for (V8Properties.Property p : heap.properties().properties(wrapper, V8Properties.MAX_PROPERTY_NAMES)) {
            if (!p.symbol() || p.accessor()) continue;
            if (p.name().contains("owner_symbol") && heap.isHeapObject(p.value()) && heap.isJSObjectType(heap.typeOf(p.value()))) {
                return p.value();
            }
        }
        // ChildProcess keeps the wrapper as its _handle, and the wrapper points back with onexit only
        return 0;
    }

    private String detail(CoreFile core, V8Heap heap, String type, long h, long owner) throws MemoryFault {
        StringBuilder sb = new StringBuilder();
        switch (type) {
            case "PROCESS" -> {
                sb.append("pid ").append(core.readInt(h + PROCESS_PID));
                OptionalLong args = owner == 0 ? OptionalLong.empty() : heap.properties().ownDataProperty(owner, "spawnargs");
                if (args.isPresent() && heap.kindOf(args.getAsLong()) == JsKind.ARRAY) {
                    List<String> words = new ArrayList<>();
                    for (V8Properties.Element e : heap.properties().elements(args.getAsLong(), 256).items()) {
                        if (e.type() != V8Properties.Element.Type.HOLE && heap.kindOf(e.value()) == JsKind.STRING) {
                            words.add(heap.strings().stringValue(e.value(), 4096));
                        }
                    }
                    sb.append(", ").append(String.join(" ", words));
                }
            }
            case "TCP", "NAMED_PIPE", "TTY" -> {
                sb.append("fd ").append(core.readInt(h + STREAM_FD));
                if (owner != 0) {
                    string(heap, owner, "_connectionKey").ifPresent(k -> sb.append(", listening on ").append(connectionKey(k)));
                    address(heap, owner, "_sockname").ifPresent(a -> sb.append(", local ").append(a));
                    address(heap, owner, "_peername").ifPresent(a -> sb.append(", remote ").append(a));
                    string(heap, owner, "_pipeName").ifPresent(a -> sb.append(", path ").append(a));
                }
            }
            case "FS_EVENT" -> {
                // uv_fs_event_t: char* path right after UV_HANDLE_FIELDS, libuv's copy of what fs.watch was given
                long path = core.readLong(h + FS_EVENT_PATH);
                if (path != 0) sb.append("watching ").append(core.readCString(path, 4096));
            }
            case "UDP" -> sb.append("fd ").append(core.readInt(h + UDP_FD));
            case "FS_POLL" -> {
                // uv_fs_poll_t: poll_ctx after UV_HANDLE_FIELDS; libuv's struct poll_ctx (fs-poll.c)
                // points back to the handle and its loop, and ends in the path fs.watchFile was given
                long ctx = core.readLong(h + FS_POLL_CTX);
                if (ctx != 0 && core.readLong(ctx) == h && core.readLong(ctx + POLL_CTX_LOOP) == core.readLong(h + HANDLE_LOOP)) {
                    String path = core.readCString(ctx + POLL_CTX_PATH, 4096);
                    if (!path.isEmpty()) sb.append("polling ").append(path);
                }
            }
            default -> { }
        }
        return sb.toString();
    }

    /**
     * uv_fs_poll_t.poll_ctx (after UV_HANDLE_FIELDS), and in libuv's struct poll_ctx: loop (after
     * parent_handle, busy_polling, interval, start_time) and path[] (after poll_cb, a uv_timer_t
     * of 152 bytes, a uv_fs_t of 440, a uv_stat_t of 160 and the previous pointer), x86-64 sizes
     * of every libuv in node 16 - 26.
     */
    static final int FS_POLL_CTX = 96, POLL_CTX_LOOP = 24, POLL_CTX_PATH = 40 + 152 + 440 + 160 + 8;

    /**
     * uv_udp_t's io_watcher.fd: after UV_HANDLE_FIELDS (96), send_queue_size, send_queue_count,
     * alloc_cb, recv_cb, and io_watcher's cb, pending_queue, watcher_queue, pevents, events.
     */
    static final int UDP_FD = 96 + 8 + 8 + 8 + 8 + 8 + 16 + 16 + 4 + 4;

    /** uv_fs_event_t.path: after UV_HANDLE_FIELDS (96 bytes). */
    static final int FS_EVENT_PATH = 96;

    /** node's "4:127.0.0.1:8080" / "6::::8080" / "-1:/tmp/sock": address and port. */
    static String connectionKey(String key) {
        int c = key.indexOf(':');
        if (c < 0) return key;
        String family = key.substring(0, c), rest = key.substring(c + 1);
        if (family.equals("-1")) return rest;
        int last = rest.lastIndexOf(':');
        if (last < 0) return rest;
        String addr = rest.substring(0, last), port = rest.substring(last + 1);
        if (addr.isEmpty() || addr.equals("::")) addr = family.equals("6") ? "::" : "0.0.0.0";
        String host = addr.contains(":") ? "[" + addr + "]" : addr;
        // listen(0): the kernel chose the port, which only the kernel knows
        return port.equals("0") ? host + ", port chosen by the kernel (listen(0): not in the process's memory)" : host + ":" + port;
    }

    private static Optional<String> string(V8Heap heap, long obj, String name) {
        OptionalLong v = heap.properties().ownDataProperty(obj, name);
        if (v.isEmpty() || heap.kindOf(v.getAsLong()) != JsKind.STRING) return Optional.empty();
        return Optional.of(heap.strings().stringValue(v.getAsLong(), 4096));
    }

    /** A cached { address, family, port } (node caches it once socket.localPort/remoteAddress was read). */
    private static Optional<String> address(V8Heap heap, long obj, String name) {
        OptionalLong v = heap.properties().ownDataProperty(obj, name);
        if (v.isEmpty() || !heap.isHeapObject(v.getAsLong()) || heap.kindOf(v.getAsLong()) != JsKind.OBJECT) return Optional.empty();
        Optional<String> addr = string(heap, v.getAsLong(), "address");
        OptionalLong port = heap.properties().ownDataProperty(v.getAsLong(), "port");
        if (addr.isEmpty() || port.isEmpty() || !heap.isSmi(port.getAsLong())) return Optional.empty();
        String a = addr.get();
        return Optional.of((a.contains(":") ? "[" + a + "]" : a) + ":" + heap.smiValue(port.getAsLong()));
    }

    // ---- requests in flight: node's ReqWrap objects, strong global handles until they complete

    /** The JavaScript classes of node's request wraps (AsyncWrap providers FSREQCALLBACK, WRITEWRAP, ...). */
    static boolean isRequestClass(String cls) {
        return cls.endsWith("ReqWrap") || cls.startsWith("FSReq") || cls.equals("FileHandleCloseReq")
                || cls.equals("WriteWrap") || cls.equals("ShutdownWrap") || cls.endsWith("ConnectWrap") || cls.equals("SendWrap");
    }

    /**
     * The requests in flight (process.getActiveResourcesInfo()'s request entries): node keeps a
     * request's JavaScript object in a strong global handle from the call until its callback ran
     * (BaseObject: strong while the ReqWrap lives), so they are the strong global handles of a
     * request class. Detail: the callback (oncomplete) and what node stored on the object (a
     * hostname, an address and port, bytes to write).
     */
    public List<Handle> requests(List<String> warnings) {
        V8Heap heap = target.heap();
        List<Handle> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        try {
            target.gcRoots().forEachRoot((category, name, t, weak) -> {
                if (weak || !GcRoots.GLOBAL_HANDLES.equals(category) || !seen.add(t)) return;
                try {
                    if (!heap.isJSObjectType(heap.typeOf(t))) return;
                    String cls = heap.snapshotConstructorName(t).orElse("");
                    if (isRequestClass(cls)) out.add(new Handle("REQUEST", 0, t, t, cls, requestDetail(heap, t, fsRequest(t))));
                } catch (MemoryFault | HeapException e) {
                    // not an object: not a request
                }
            });
        } catch (RuntimeException e) {
            warnings.add("the global handles could not be read (" + e.getMessage() + "): no requests");
        }
        return out;
    }

    /** uv_req_t.type of a file-system request (uv.h: uv_req_type's UV_FS). */
    static final int UV_FS = 6;
    /** uv_fs_t's fields after UV_REQ_FIELDS (data, type, reserved[6]: 64 bytes): fs_type, loop, cb, result, ptr, path. */
    static final int FS_REQ_TYPE = 8, FS_TYPE = 64, FS_LOOP = 72, FS_PATH = 104;
    /** uv_fs_type's names, from UV_FS_OPEN (1) on, as uv.h lists them. */
    static final String[] FS_OPS = {"custom", "open", "close", "read", "write", "sendfile", "stat", "lstat", "fstat", "ftruncate",
        "utime", "futime", "access", "chmod", "fchmod", "fsync", "fdatasync", "unlink", "rmdir", "mkdir", "mkdtemp", "rename",
        "scandir", "link", "symlink", "readlink", "chown", "fchown", "realpath", "copyfile", "lchown", "opendir", "readdir",
        "closedir", "statfs", "mkstemp", "lutime"};
    /** Embedder slots of a request's JavaScript object searched for its C++ ReqWrap, and words of that object for its uv_fs_t. */
    static final int REQ_SLOTS = 4, REQ_WORDS = 64;

    /**
     * The operation and path of a file-system request in flight, from libuv's uv_fs_t inside
     * node's C++ FSReqCallback (one of the JavaScript object's embedder slots points to it): the
     * request is found by its loop pointer (the default loop) with UV_FS as its type and a known
     * operation before it. libuv copies the path of an asynchronous request (uv_fs_open:
     * req->path = uv__strdup(path)), so it is there until the callback ran. Empty when not found.
     */
    private Optional<String> fsRequest(long req) {
        OptionalLong loopAddr = loop();
        if (loopAddr.isEmpty()) return Optional.empty();
        long loop = loopAddr.getAsLong();
        V8Heap heap = target.heap();
        CoreFile core = target.core();
        int header = target.metadata().jsObjectHeaderSize();
        try {
            for (int slot = 0; slot < REQ_SLOTS; slot++) {
                long cpp = heap.field(req, header + 8 * slot);
                if ((cpp & 7) != 0 || cpp < 4096 || heap.isHeapObject(cpp)) continue;
                for (int k = FS_LOOP / 8; k < REQ_WORDS; k++) {
                    long at = cpp + 8L * k;
                    if (core.readLong(at) != loop) continue;
                    long fs = at - FS_LOOP;
                    int reqType = core.readInt(fs + FS_REQ_TYPE), op = core.readInt(fs + FS_TYPE);
                    if (reqType != UV_FS || op < 1 || op >= FS_OPS.length) continue;
                    long path = core.readLong(fs + FS_PATH);
                    String text = path == 0 ? "" : " " + core.readCString(path, 4096);
                    return Optional.of(FS_OPS[op] + text);
                }
            }
        } catch (MemoryFault | HeapException e) {
            // an unreadable request: no path
        }
        return Optional.empty();
    }

    private static String requestDetail(V8Heap heap, long req, Optional<String> fs) {
        List<String> parts = new ArrayList<>();
        fs.ifPresent(parts::add);
        string(heap, req, "hostname").ifPresent(h -> parts.add("host " + h));
        Optional<String> addr = string(heap, req, "address");
        OptionalLong port = heap.properties().ownDataProperty(req, "port");
        if (addr.isPresent()) parts.add("to " + addr.get() + (port.isPresent() && heap.isSmi(port.getAsLong()) ? ":" + heap.smiValue(port.getAsLong()) : ""));
        OptionalLong bytes = heap.properties().ownDataProperty(req, "bytes");
        if (bytes.isPresent() && heap.isSmi(bytes.getAsLong())) parts.add(heap.smiValue(bytes.getAsLong()) + " bytes");
        OptionalLong cb = heap.properties().ownDataProperty(req, "oncomplete");
        if (cb.isPresent()) {
            long fn = userCallback(heap, cb.getAsLong());
            // fs.readFile's steps (readFileAfterOpen, ...) keep the program's callback on the
            // request's ReadFileContext
            OptionalLong context = heap.properties().ownDataProperty(req, "context");
            if (fn == cb.getAsLong() && context.isPresent() && heap.isHeapObject(context.getAsLong())) {
                try {
                    if (heap.isJSObjectType(heap.typeOf(context.getAsLong()))) {
                        OptionalLong inner = heap.properties().ownDataProperty(context.getAsLong(), "callback");
                        if (inner.isPresent() && heap.isHeapObject(inner.getAsLong()) && heap.isJSFunctionType(heap.typeOf(inner.getAsLong()))) {
                            fn = inner.getAsLong();
                        }
                    }
                } catch (MemoryFault | HeapException e) {
                    // an unreadable context: node's step is named
                }
            }
            parts.add("calls " + function(heap, fn));
        }
        return String.join(", ", parts);
    }

    /**
     * The program's callback behind node's own wrapper (fs wraps a callback in an anonymous
     * function of node:fs that closes over it): the one function of the program's scripts among
     * the wrapper's closure variables; else the function itself.
     */
    private static long userCallback(V8Heap heap, long fn) {
        try {
            if (!heap.isHeapObject(fn) || !heap.isJSFunctionType(heap.typeOf(fn))) return fn;
            String script = heap.functions().functionInfo(fn).scriptName();
            if (script == null || !script.startsWith("node:")) return fn;
            long found = 0;
            for (V8Functions.ContextVariable v : heap.functions().closureVariables(fn, 64)) {
                long x = v.value();
                if (!heap.isHeapObject(x) || !heap.isJSFunctionType(heap.typeOf(x))) continue;
                String s = heap.functions().functionInfo(x).scriptName();
                if (s == null || s.startsWith("node:")) continue;
                if (found != 0 && found != x) return fn;
                found = x;
            }
            return found != 0 ? found : fn;
        } catch (MemoryFault | HeapException e) {
            return fn;
        }
    }

    /** "name (file:line:column)" of a function, "?" for anything else. */
    private static String function(V8Heap heap, long fn) {
        if (!heap.isHeapObject(fn) || !heap.isJSFunctionType(heap.typeOf(fn))) return "?";
        V8Functions.FunctionInfo fi = heap.functions().functionInfo(fn);
        StringBuilder sb = new StringBuilder(fi.name().isEmpty() ? "<anonymous>" : fi.name());
        if (fi.scriptName() != null && !fi.scriptName().isEmpty()) sb.append(" (").append(fi.scriptName()).append(':').append(fi.line()).append(':').append(fi.column()).append(')');
        return sb.toString();
    }

    // ---- JavaScript timers: node's lists (lib/internal/timers.js), reached from its processTimers callback

    private void timers(List<Handle> out, List<String> warnings) {
        V8Heap heap = target.heap();
        long timerListMap = 0;
        try {
            List<Long> callbacks = new ArrayList<>();
            target.gcRoots().forEachRoot((category, name, t, weak) -> {
                if (!GcRoots.GLOBAL_HANDLES.equals(category) || callbacks.size() > 4) return;
                try {
                    if (heap.isJSFunctionType(heap.typeOf(t)) && heap.functions().functionDebugName(t).equals("processTimers")) callbacks.add(t);
                } catch (MemoryFault | HeapException e) {
                    // not an object
                }
            });
            for (long fn : callbacks) {
                timerListMap = contextVariable(heap, heap.functions().functionContext(fn), "timerListMap");
                if (timerListMap != 0) break;
            }
        } catch (RuntimeException e) {
            warnings.add("node's timer lists not found (" + e.getMessage() + "): no JavaScript timers");
            return;
        }
        if (timerListMap == 0) {
            warnings.add("node's timer lists not found (no processTimers callback among the global handles): no JavaScript timers");
            return;
        }
        // one TimersList per duration, keyed by the milliseconds: integer keys, so elements
        List<Long> lists = new ArrayList<>();
        for (V8Properties.Element e : heap.properties().elements(timerListMap, 4096).items()) {
            if (e.type() != V8Properties.Element.Type.HOLE && heap.isHeapObject(e.value())) lists.add(e.value());
        }
        for (V8Properties.Property p : heap.properties().properties(timerListMap, V8Properties.MAX_PROPERTY_NAMES)) {
            if (!p.accessor() && heap.isHeapObject(p.value())) lists.add(p.value());
        }
        OptionalLong base = timerBase(heap, lists);
        OptionalLong loopNow = loopTimeMillis();
        for (long list : lists) {
            Set<Long> seen = new HashSet<>();
            long t = heap.properties().ownDataProperty(list, "_idleNext").orElse(0);
            try {
                while (t != 0 && t != list && heap.isHeapObject(t) && seen.add(t) && seen.size() < MAX_HANDLES) {
                    timer(heap, t, base.isPresent() && loopNow.isPresent() ? OptionalLong.of(loopNow.getAsLong() - base.getAsLong())
                            : OptionalLong.empty()).ifPresent(out::add);
                    t = heap.properties().ownDataProperty(t, "_idleNext").orElse(0);
                }
            } catch (HeapException | MemoryFault e) {
                warnings.add(String.format("a timer list could not be read past 0x%x (%s): timers may be missing", t, e.getMessage()));
            }
        }
    }

    /** The loop's clock (uv_loop_t.time, milliseconds) at its last update. */
    private OptionalLong loopTimeMillis() {
        OptionalLong l = loop();
        return l.isEmpty() ? OptionalLong.empty() : NodeProcess.loopTimeMillis(target.core(), l.getAsLong());
    }

    /**
     * node's timer base: JavaScript timers count milliseconds from it (getLibuvNow() is the loop's
     * clock minus it), and node arms its one libuv timer for the soonest list's expiry, so that
     * timer's timeout is that expiry plus the base. The base is the one libuv timer's timeout
     * minus the soonest expiry that gives a base between 0 and the loop's clock.
     */
    private OptionalLong timerBase(V8Heap heap, List<Long> lists) {
        double soonest = Double.POSITIVE_INFINITY;
        for (long list : lists) {
            OptionalLong e = heap.properties().ownDataProperty(list, "expiry");
            if (e.isPresent()) soonest = Math.min(soonest, number(heap, e.getAsLong()));
        }
        OptionalLong now = loopTimeMillis();
        if (Double.isInfinite(soonest) || Double.isNaN(soonest) || now.isEmpty()) return OptionalLong.empty();
        for (long timeout : uvTimerTimeouts) {
            long base = timeout - (long) soonest;
            if (base >= 0 && base <= now.getAsLong()) return OptionalLong.of(base);
        }
        return OptionalLong.empty();
    }

    private static double number(V8Heap heap, long v) {
        if (heap.isSmi(v)) return heap.smiValue(v);
        try {
            return heap.kindOf(v) == JsKind.HEAP_NUMBER ? heap.numberValue(v) : Double.NaN;
        } catch (MemoryFault | HeapException e) {
            return Double.NaN;
        }
    }

    /** A Timeout that is armed and referenced (node counts only those as keeping the loop alive). */
    private static Optional<Handle> timer(V8Heap heap, long t, OptionalLong nowJs) {
        OptionalLong ms = heap.properties().ownDataProperty(t, "_idleTimeout");
        OptionalLong cb = heap.properties().ownDataProperty(t, "_onTimeout");
        OptionalLong repeat = heap.properties().ownDataProperty(t, "_repeat");
        OptionalLong destroyed = heap.properties().ownDataProperty(t, "_destroyed");
        if (ms.isEmpty() || cb.isEmpty()) return Optional.empty();
        if (destroyed.isPresent() && heap.kindOf(destroyed.getAsLong()) == JsKind.TRUE) return Optional.empty();
        // unref'd timers carry a false kRefed symbol property
        for (V8Properties.Property p : heap.properties().properties(t, V8Properties.MAX_PROPERTY_NAMES)) {
            if (p.symbol() && p.name().contains("refed") && heap.kindOf(p.value()) == JsKind.FALSE) return Optional.empty();
        }
        String after = heap.isSmi(ms.getAsLong()) ? String.valueOf(heap.smiValue(ms.getAsLong()))
                : io.jsmdb.v8.heap.JsNumbers.format(heap.numberValue(ms.getAsLong()));
        boolean repeats = repeat.isPresent() && heap.kindOf(repeat.getAsLong()) != JsKind.NULL && heap.kindOf(repeat.getAsLong()) != JsKind.UNDEFINED;
        StringBuilder sb = new StringBuilder(repeats ? "every " : "after ").append(after).append(" ms");
        OptionalLong start = heap.properties().ownDataProperty(t, "_idleStart");
        if (nowJs.isPresent() && start.isPresent()) {
            double due = number(heap, start.getAsLong()) + number(heap, ms.getAsLong());
            if (!Double.isNaN(due)) sb.append(String.format(" (due in %d ms)", Math.round(due - nowJs.getAsLong())));
        }
        sb.append(", calls ");
        sb.append(function(heap, cb.getAsLong()));
        return Optional.of(new Handle("TIMER (JS)", 0, t, t, "Timeout", sb.toString()));
    }

    /** A variable of a context or its outer contexts, by name; 0 if none. */
    private static long contextVariable(V8Heap heap, long ctx, String name) {
        int prev = heap.metadata().contextPreviousIndex();
        int header = heap.metadata().contextHeaderSize();
        for (int depth = 0; depth < 64 && ctx != 0 && heap.isHeapObject(ctx); depth++) {
            for (V8Functions.ContextVariable v : heap.functions().contextVariables(ctx, 4096)) {
                if (v.name().equals(name)) return v.value();
            }
            long next = heap.field(ctx, header + heap.metadata().pointerSize() * prev);
            if (!heap.isHeapObject(next) || next == ctx) break;
            ctx = next;
        }
        return 0;
    }
}
