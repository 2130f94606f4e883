package io.jsmdb.node;

import io.jsmdb.binary.Symbol;
import io.jsmdb.core.CoreFile;
import io.jsmdb.core.MemoryFault;
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
    static final int HANDLE_TYPE = 16, HANDLE_QUEUE = 32, HANDLE_FD = 48, HANDLE_FLAGS = 88, PROCESS_PID = 104;
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

    private void libuvHandles(List<Handle> out, List<String> warnings) {
        Optional<Symbol> loopSym = target.nodeBinary().symbols().byName(NodeProcess.DEFAULT_LOOP_SYMBOL);
        if (loopSym.isEmpty() || !target.nodeBinary().isExecutable()) {
            warnings.add("libuv's default loop not found in the binary's symbols: no libuv handles");
            return;
        }
        CoreFile core = target.core();
        V8Heap heap = target.heap();
        long head = loopSym.get().value() + LOOP_HANDLE_QUEUE;
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
                long owner = ownerOf(heap, wrapper);
                String ownerClass = owner == 0 ? "" : heap.snapshotConstructorName(owner).orElse("Object");
                out.add(new Handle(typeName, h, wrapper, owner, ownerClass, detail(core, heap, typeName, h, owner)));
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
            default -> { }
        }
        return sb.toString();
    }

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
                    if (isRequestClass(cls)) out.add(new Handle("REQUEST", 0, t, t, cls, requestDetail(heap, t)));
                } catch (MemoryFault | HeapException e) {
                    // not an object: not a request
                }
            });
        } catch (RuntimeException e) {
            warnings.add("the global handles could not be read (" + e.getMessage() + "): no requests");
        }
        return out;
    }

    private static String requestDetail(V8Heap heap, long req) {
        List<String> parts = new ArrayList<>();
        string(heap, req, "hostname").ifPresent(h -> parts.add("host " + h));
        Optional<String> addr = string(heap, req, "address");
        OptionalLong port = heap.properties().ownDataProperty(req, "port");
        if (addr.isPresent()) parts.add("to " + addr.get() + (port.isPresent() && heap.isSmi(port.getAsLong()) ? ":" + heap.smiValue(port.getAsLong()) : ""));
        OptionalLong bytes = heap.properties().ownDataProperty(req, "bytes");
        if (bytes.isPresent() && heap.isSmi(bytes.getAsLong())) parts.add(heap.smiValue(bytes.getAsLong()) + " bytes");
        OptionalLong cb = heap.properties().ownDataProperty(req, "oncomplete");
        if (cb.isPresent()) parts.add("calls " + function(heap, userCallback(heap, cb.getAsLong())));
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
        OptionalLong loopNow = target.nodeProcess().loopTimeMillis();
        for (long list : lists) {
            Set<Long> seen = new HashSet<>();
            long t = heap.properties().ownDataProperty(list, "_idleNext").orElse(0);
            while (t != 0 && t != list && heap.isHeapObject(t) && seen.add(t) && seen.size() < MAX_HANDLES) {
                timer(heap, t, base.isPresent() && loopNow.isPresent() ? OptionalLong.of(loopNow.getAsLong() - base.getAsLong())
                        : OptionalLong.empty()).ifPresent(out::add);
                t = heap.properties().ownDataProperty(t, "_idleNext").orElse(0);
            }
        }
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
        OptionalLong now = target.nodeProcess().loopTimeMillis();
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
