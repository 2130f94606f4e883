package io.jsmdb.node;

import io.jsmdb.core.CoreFile;
import io.jsmdb.core.MemoryFault;
import io.jsmdb.core.SignalInfo;
import io.jsmdb.core.Signals;
import io.jsmdb.core.ThreadState;
import io.jsmdb.v8.frames.Frame;
import io.jsmdb.v8.heap.HeapException;
import io.jsmdb.v8.heap.JsKind;
import io.jsmdb.v8.heap.JsNumbers;
import io.jsmdb.v8.heap.V8Heap;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Why the process ended, in one line, from what the core records (its signal, gdb's gcore
 * marker) and the native frames of the thread that took the signal: node's and V8's own
 * functions name the way out (V8's fatal out-of-memory path into node's OOMErrorHandler; the
 * abort of --abort-on-uncaught-exception from Isolate::CreateMessageOrAbort). Otherwise the
 * signal is named with the innermost function of the process's own code that the dying thread
 * was in. A thrown value that killed the process ({@link FatalException}) is named by its class
 * and message.
 */
public record DeathCause(Kind kind, String text) {
    public enum Kind {
        /** gdb's gcore or another dump of a process that kept running. */
        LIVE_SNAPSHOT,
        /** V8 could not allocate: FatalProcessOutOfMemory, node's OOMErrorHandler. */
        OUT_OF_MEMORY,
        /** An uncaught exception aborted the process (--abort-on-uncaught-exception). */
        UNCAUGHT_EXCEPTION,
        /** A promise rejected with no handler; node aborted in triggerUncaughtException. */
        UNHANDLED_REJECTION,
        /** JavaScript called process.abort(). */
        PROCESS_ABORT,
        /** Another signal: abort() from elsewhere, a fault, a kill. */
        SIGNAL,
    }

    /** The innermost frames searched for node's and V8's way out (the abort path is a dozen deep). */
    private static final int FRAMES_SEARCHED = 64;

    public static DeathCause of(NodeTarget target) {
        CoreFile core = target.core();
        Optional<ThreadState> thread = core.faultingThread();
        Optional<SignalInfo> si = core.signalInfo();
        int signo = core.fatalSignal();
        if (core.writtenByGdb() || signo == 0) {
            return new DeathCause(Kind.LIVE_SNAPSHOT, "none: a snapshot of a running process (gcore); it went on running");
        }
        Optional<FatalException> thrown = FatalException.of(target);
        if (thrown.isPresent()) {
            FatalException e = thrown.get();
            String what = summary(target.heap(), e.value());
            return switch (e.kind()) {
                case UNHANDLED_REJECTION -> new DeathCause(Kind.UNHANDLED_REJECTION, "unhandled promise rejection: " + what
                        + " (::jsexception shows it)");
                case UNCAUGHT -> new DeathCause(Kind.UNCAUGHT_EXCEPTION, "uncaught exception: " + what
                        + (e.where().isEmpty() ? "" : ", thrown in " + e.where()) + " (::jsexception shows it)");
                case REPORTED_BY_NODE -> new DeathCause(Kind.UNCAUGHT_EXCEPTION, "uncaught exception: " + what
                        + " (reported by node; ::jsexception shows it)");
            };
        }
        List<Frame> frames = List.of();
        if (thread.isPresent()) {
            try {
                frames = target.stackWalker().walk(thread.get());
            } catch (RuntimeException e) {
                // no frames: the signal alone is named
            }
        }
        String innermost = null;
        for (int i = 0; i < frames.size() && i < FRAMES_SEARCHED; i++) {
            Frame f = frames.get(i);
            if (f.isJs()) {
                // process.abort(): node's C++ binding, entered from the JS function "abort"
                if ("abort".equals(f.jsFrame().map(j -> j.debugName()).orElse("")) && sawAbort(frames, i)) {
                    String caller = "";
                    for (int j = i + 1; j < frames.size() && caller.isEmpty(); j++) {
                        // the calling function, anonymous ones too, with where it is: "<anonymous> (/app/w.js:5:31)"
                        if (frames.get(j).isJs()) caller = frames.get(j).jsFrame().map(FatalException::whereOf).orElse("");
                    }
                    return new DeathCause(Kind.PROCESS_ABORT, "process.abort()" + (caller.isEmpty() ? "" : " called by " + caller));
                }
                break;
            }
            String name = f.pcText() == null ? "" : f.pcText();
            if (name.contains("FatalProcessOutOfMemory") || name.contains("OOMErrorHandler")) {
                return new DeathCause(Kind.OUT_OF_MEMORY, "out of memory: " + oomMessage(target, thread.get().registers().sp())
                        + " (" + Signals.name(signo) + " from " + function(name) + ")" + heapSize(target));
            }
            if (name.contains("Isolate::CreateMessageOrAbort")) {
                return new DeathCause(Kind.UNCAUGHT_EXCEPTION, "uncaught exception: aborted by --abort-on-uncaught-exception"
                        + " where it was thrown (::jsstack shows the throw)");
            }
            if (innermost == null && f.kind() == Frame.Kind.NATIVE && !name.isEmpty() && !isLibc(name)) innermost = function(name);
        }
        StringBuilder sb = new StringBuilder("signal ").append(Signals.name(signo));
        si.ifPresent(s -> s.faultAddress().ifPresent(a -> sb.append(String.format(" at 0x%x", a))));
        if (innermost != null) sb.append(" in ").append(innermost);
        return new DeathCause(Kind.SIGNAL, sb.toString());
    }

    /** The stack bytes searched for V8's out-of-memory message (it is passed a few frames up). */
    static final int OOM_STACK_SEARCHED = 4096;
    static final String HEAP_OOM = "Allocation failed - JavaScript heap out of memory";
    static final String PROCESS_OOM = "Allocation failed - process out of memory";

    /**
     * V8's reason and node's message, as node printed them after "FATAL ERROR: ": V8 passes its
     * reason ("Reached heap limit", "Ineffective mark-compacts near heap limit", ...), a string
     * constant of the node binary, down to node's OOMErrorHandler; the dying thread's stack still
     * holds a pointer to it, the first one there into the binary's read-only data. The message
     * node adds is the heap's or the process's, by which of its two strings the stack holds.
     */
    static String oomMessage(NodeTarget target, long sp) {
        Optional<io.jsmdb.binary.Section> ro = target.nodeBinary().section(".rodata");
        if (ro.isEmpty() || !target.nodeBinary().isExecutable()) return "V8 could not allocate and node aborted";
        long lo = ro.get().addr(), hi = lo + ro.get().size();
        String reason = null, detail = null;
        for (long p = sp; p < sp + OOM_STACK_SEARCHED; p += 8) {
            long w;
            try {
                w = target.core().readLong(p);
            } catch (MemoryFault e) {
                break;
            }
            if (w < lo || w >= hi) continue;
            String s;
            try {
                if (target.core().readByte(w - 1) != 0) continue; // inside another string, not the start of one
                s = target.core().readCString(w, 120);
            } catch (MemoryFault e) {
                continue;
            }
            if (s.length() < 8 || !s.chars().allMatch(c -> c >= 32 && c < 127) || s.indexOf(' ') < 0) continue;
            if (s.equals(HEAP_OOM) || s.equals(PROCESS_OOM)) {
                if (detail == null) detail = s;
            } else if (reason == null) {
                reason = s;
            }
        }
        if (reason == null) return "V8 could not allocate and node aborted";
        return reason + " " + (detail == null ? HEAP_OOM : detail);
    }

    /** "; heap committed N MiB (its pages), limit set by --max-old-space-size=M": the main isolate's pages at death, the committed size V8's GC trace prints. */
    private static String heapSize(NodeTarget target) {
        StringBuilder sb = new StringBuilder();
        try {
            io.jsmdb.v8.heap.HeapPages pages = target.heapPages();
            long bytes = 0;
            for (io.jsmdb.v8.heap.HeapPage p : pages.pages()) if (p.heap() == pages.heap()) bytes += p.size();
            sb.append(String.format("; heap committed %.1f MiB (its pages)", bytes / 1048576.0));
        } catch (RuntimeException e) {
            return "";
        }
        NodeProcess.maxOldSpaceSize(target.core().commandLine().argv()).ifPresent(f -> sb.append(", limit set by ").append(f));
        return sb.toString();
    }

    /** A thrown value in a few words: "TypeError: Cannot read ...", a string quoted, a number, null, else its class. */
    static String summary(V8Heap heap, long value) {
        if (heap.isSmi(value)) return Long.toString(heap.smiValue(value));
        try {
            JsKind k = heap.kindOf(value);
            switch (k) {
                case UNDEFINED -> { return "undefined"; }
                case NULL -> { return "null"; }
                case TRUE -> { return "true"; }
                case FALSE -> { return "false"; }
                default -> { }
            }
            if (k == JsKind.STRING) return "'" + heap.strings().readString(value, 200).text() + "'";
            if (k == JsKind.HEAP_NUMBER) return JsNumbers.format(heap.numberValue(value));
            if (k == JsKind.SYMBOL) {
                return heap.strings().symbolText(value, 200);
            }
            if (k == JsKind.BIGINT) {
                try {
                    return heap.bigIntValue(value, 4) + "n"; // up to 77 decimal digits in one line
                } catch (HeapException e) {
                    return "a BigInt of more than 77 digits";
                }
            }
            String cls = heap.snapshotConstructorName(value).orElse("Object");
            if (heap.collections().isError(value)) {
                OptionalLong msg = heap.properties().ownDataProperty(value, "message");
                String m = msg.isPresent() && heap.kindOf(msg.getAsLong()) == JsKind.STRING
                        ? heap.strings().readString(msg.getAsLong(), 200).text() : "";
                return m.isEmpty() ? cls : cls + ": " + m;
            }
            return "a value of class " + cls;
        } catch (MemoryFault | HeapException e) {
            return String.format("the value at 0x%x", value);
        }
    }

    /** A frame's function without its library, offset and parameter list: {@code node::OOMErrorHandler}. */
    static String function(String pcText) {
        int plus = pcText.lastIndexOf("+0x");
        String f = plus > 0 ? pcText.substring(0, plus) : pcText;
        int tick = f.indexOf('`');
        if (tick >= 0) f = f.substring(tick + 1);
        if (f.endsWith(" const")) f = f.substring(0, f.length() - " const".length());
        if (!f.endsWith(")")) return f;
        int depth = 0;
        for (int i = f.length() - 1; i > 0; i--) {
            char c = f.charAt(i);
            if (c == ')') depth++;
            else if (c == '(' && --depth == 0) return f.substring(0, i);
        }
        return f;
    }

    /** libc's abort() is among the native frames below frame i. */
    private static boolean sawAbort(List<Frame> frames, int i) {
        for (int k = 0; k < i; k++) {
            String n = frames.get(k).pcText();
            if (n != null && (n.contains("`abort+") || n.contains("node::Abort") || n.contains("DefaultAbortHandler"))) return true;
        }
        return false;
    }

    private static boolean isLibc(String pcText) {
        return pcText.startsWith("libc.so") || pcText.startsWith("libpthread") || pcText.startsWith("ld-linux");
    }
}
