package io.jsmdb.node;

import io.jsmdb.binary.Symbol;
import io.jsmdb.core.CoreFile;
import io.jsmdb.core.MemoryFault;
import io.jsmdb.v8.V8Fact;
import io.jsmdb.v8.V8Metadata;
import io.jsmdb.v8.graph.GcRoots;
import io.jsmdb.v8.heap.HeapException;
import io.jsmdb.v8.heap.JsKind;
import io.jsmdb.v8.heap.V8Functions;
import io.jsmdb.v8.heap.V8Heap;
import io.jsmdb.v8.heap.V8Properties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What node itself knew about its process: the JavaScript {@code process} object of the main
 * isolate (versions, argv, execArgv) and node's and libuv's clocks (the uptime at death).
 *
 * <p>The {@code process} object is the "process" property of the main context's global object;
 * the global object is found among the isolate's GC roots (a native context's global), so it is
 * found in an idle gcore as well as in an abort with JavaScript on the stack.
 */
public final class NodeProcess {
    /**
     * Offset of {@code uint64_t time} (the loop's clock, in milliseconds of CLOCK_MONOTONIC) in
     * libuv's {@code uv_loop_t} on x86-64 Linux: the public fields (data, active_handles,
     * handle_queue, active_reqs, internal_fields, stop_flag) and UV_LOOP_PRIVATE_FIELDS up to
     * timer_heap and timer_counter take 544 bytes in every libuv node 16 - 26 bundles (1.44 -
     * 1.51: uv__queue kept the size of void*[2]); checked on the fixtures' cores of each
     * version against process.uptime().
     */
    static final int UV_LOOP_TIME_OFFSET = 544;
    /** The same on AArch64: 552, as uv_now reads it; wq_mutex before it is a pthread_mutex_t of 48 bytes there, not 40. */
    static final int UV_LOOP_TIME_OFFSET_AARCH64 = 552;
    static final String START_TIME_SYMBOL = "_ZN4node11per_process15node_start_timeE";
    static final String DEFAULT_LOOP_SYMBOL = "default_loop_struct";

    private final NodeTarget target;
    private Optional<Long> process;

    public NodeProcess(NodeTarget target) {
        this.target = target;
    }

    /** The main isolate's {@code process} object, if its global object holds one. */
    public synchronized OptionalLong processObject() {
        if (process == null) process = Optional.ofNullable(findProcess());
        return process.map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    private Long findProcess() {
        V8Heap heap = target.heap();
        V8Metadata md = target.metadata();
        int nativeContext = heap.typeNamed("NATIVE_CONTEXT_TYPE");
        int globalObject = heap.typeNamed("JS_GLOBAL_OBJECT_TYPE");
        int slot0 = md.get(V8Fact.CONTEXT_HEADER_SIZE);
        List<Long> globals = new ArrayList<>();
        GcRoots roots;
        try {
            roots = (GcRoots) target.gcRoots();
        } catch (RuntimeException e) {
            return null;
        }
        roots.forEachRoot((category, name, t, weak) -> {
            if (!GcRoots.SNAPSHOT_ROOT.equals(category) || globals.size() > 64) return;
            try {
                int type = heap.typeOf(t);
                if (type == globalObject) globals.add(t);
                else if (type == nativeContext) globals.add(heap.field(t, slot0 + 8 * io.jsmdb.v8.Fallbacks.CONTEXT_EXTENSION_INDEX));
            } catch (MemoryFault | HeapException e) {
                // not an object: skipped
            }
        });
        for (long g : globals) {
            try {
                for (V8Properties.Property p : heap.properties().properties(g, V8Properties.MAX_PROPERTY_NAMES)) {
                    if (p.symbol() || !p.name().equals("process")) continue;
                    if (!p.accessor()) return isProcess(heap, p.value()) ? p.value() : null;
                    // node defines globalThis.process as a getter returning a variable of its closure
                    long getter = heap.field(p.value(), md.get(V8Fact.ACCESSOR_PAIR_GETTER_OFFSET));
                    if (!heap.isHeapObject(getter) || !heap.isJSFunctionType(heap.typeOf(getter))) return null;
                    for (V8Functions.ContextVariable v : heap.functions().closureVariables(getter, 256)) {
                        if (isProcess(heap, v.value())) return v.value();
                    }
                    return null;
                }
            } catch (MemoryFault | HeapException e) {
                // the next global
            }
        }
        return null;
    }

    /** node's process object: made from its "process" function template. */
    private static boolean isProcess(V8Heap heap, long v) {
        try {
            return heap.isHeapObject(v) && heap.isJSObjectType(heap.typeOf(v))
                    && heap.snapshotConstructorName(v).orElse("").equals("process");
        } catch (MemoryFault | HeapException e) {
            return false;
        }
    }

    /** process.versions: component to version, in node's order; empty without a process object. */
    public Map<String, String> versions() {
        Map<String, String> out = new LinkedHashMap<>();
        OptionalLong p = processObject();
        if (p.isEmpty()) return out;
        V8Heap heap = target.heap();
        OptionalLong v = heap.properties().ownDataProperty(p.getAsLong(), "versions");
        if (v.isEmpty() || !heap.isHeapObject(v.getAsLong())) return out;
        for (V8Properties.Property prop : heap.properties().properties(v.getAsLong(), 256)) {
            if (prop.symbol() || prop.accessor()) continue;
            if (heap.kindOf(prop.value()) == JsKind.STRING) out.put(prop.name(), heap.strings().stringValue(prop.value(), 256));
        }
        return out;
    }

    /** process.argv (what node made of its command line); empty if not found. */
    public Optional<List<String>> argv() { return stringArray("argv"); }

    /** process.execArgv: node's own options. */
    public Optional<List<String>> execArgv() { return stringArray("execArgv"); }

    private Optional<List<String>> stringArray(String property) {
        OptionalLong p = processObject();
        if (p.isEmpty()) return Optional.empty();
        V8Heap heap = target.heap();
        OptionalLong arr = heap.properties().ownDataProperty(p.getAsLong(), property);
        if (arr.isEmpty() || heap.kindOf(arr.getAsLong()) != JsKind.ARRAY) return Optional.empty();
        List<String> out = new ArrayList<>();
        for (V8Properties.Element e : heap.properties().elements(arr.getAsLong(), 4096).items()) {
            if (e.type() == V8Properties.Element.Type.HOLE) continue;
            long v = e.value();
            out.add(heap.kindOf(v) == JsKind.STRING ? heap.strings().stringValue(v, 1 << 16) : String.valueOf(v));
        }
        return Optional.of(out);
    }

    /**
     * libuv's default loop (default_loop_struct), the main thread's: official node binaries are
     * ET_EXEC, loaded where their symbols say (a PIE build's bias is not looked up here).
     */
    static OptionalLong defaultLoop(NodeTarget target) {
        Optional<Symbol> loop = target.nodeBinary().symbols().byName(DEFAULT_LOOP_SYMBOL);
        if (loop.isEmpty() || !target.nodeBinary().isExecutable()) return OptionalLong.empty();
        return OptionalLong.of(loop.get().value());
    }

    /**
     * The last --max-old-space-size among words (node's options: `--max-old-space-size=64`,
     * `--max_old_space_size=64`, or the value as the next word), as given, joined by '=' when the
     * value was the next word; empty if none.
     */
    public static Optional<String> maxOldSpaceSize(List<String> words) {
        String found = null;
        for (int i = 0; i < words.size(); i++) {
            String a = words.get(i).replace('_', '-');
            if (a.startsWith("--max-old-space-size=")) found = words.get(i);
            else if (a.equals("--max-old-space-size") && i + 1 < words.size()) found = words.get(i) + "=" + words.get(i + 1);
        }
        return Optional.ofNullable(found);
    }

    /** A loop's clock (uv_loop_t.time, milliseconds of CLOCK_MONOTONIC) at its last update before death. */
    static OptionalLong loopTimeMillis(CoreFile core, long loop) {
        try {
            return OptionalLong.of(core.readLong(loop + (core.arch() == io.jsmdb.core.Arch.AARCH64 ? UV_LOOP_TIME_OFFSET_AARCH64
                    : UV_LOOP_TIME_OFFSET)));
        } catch (MemoryFault e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Nanoseconds from node's start (node::per_process::node_start_time, uv_hrtime at start) to
     * the last update of the event loop's clock (uv_loop_t.time, milliseconds): the uptime at
     * death to within the loop iteration it died in. Empty if the symbols or memory are missing.
     */
    public OptionalLong uptimeNanos() {
        Optional<Symbol> start = target.nodeBinary().symbols().byName(START_TIME_SYMBOL);
        OptionalLong loop = defaultLoop(target);
        if (start.isEmpty() || loop.isEmpty()) return OptionalLong.empty();
        OptionalLong nowMs = loopTimeMillis(target.core(), loop.getAsLong());
        if (nowMs.isEmpty()) return OptionalLong.empty();
        try {
            long started = target.core().readLong(start.get().value());
            long up = nowMs.getAsLong() * 1_000_000L - started;
            // the loop's clock is updated at each iteration: up to 1 ms before node's start is rounding
            if (started <= 0 || up < -1_000_000L || up > 100L * 365 * 86_400 * 1_000_000_000L) return OptionalLong.empty();
            return OptionalLong.of(Math.max(0, up));
        } catch (MemoryFault e) {
            return OptionalLong.empty();
        }
    }
}
