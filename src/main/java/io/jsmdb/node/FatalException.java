package io.jsmdb.node;

import io.jsmdb.core.AddressSpace;
import io.jsmdb.core.MemoryFault;
import io.jsmdb.core.ThreadState;
import io.jsmdb.v8.Fallbacks;
import io.jsmdb.v8.frames.Frame;
import io.jsmdb.v8.frames.JsFrame;
import io.jsmdb.v8.heap.HeapException;
import io.jsmdb.v8.heap.JsKind;
import io.jsmdb.v8.heap.V8Heap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JavaScript value whose throw ended the process, found on the dying thread's stack.
 *
 * <ul>
 * <li>An unhandled promise rejection (and an uncaught exception node reports itself) ends in
 * node's {@code triggerUncaughtException(err, fromPromise)} binding, which aborts under
 * --abort-on-uncaught-exception: the value is that call's first argument, read from its API
 * callback exit frame.</li>
 * <li>An uncaught throw under --abort-on-uncaught-exception aborts inside V8's
 * {@code Isolate::ThrowInternal} / {@code CreateMessageOrAbort}, which hold the thrown value
 * in a handle: a slot of the isolate's handle block that those frames point to (and pass
 * down as an argument, so more than once). The value is the innermost JavaScript value those
 * native frames reach through two handle words or more; the frames' words are read from the stack, between
 * the thread's stack pointer and its innermost JavaScript frame. A Smi thrown ({@code throw 42})
 * is not found this way: a handle to a Smi is indistinguishable from an integer.</li>
 * </ul>
 * Other deaths (a signal, process.abort(), out of memory, a live gcore) have no thrown value.
 */
public record FatalException(Kind kind, long value, String where) {
    public enum Kind {
        /** Thrown and not caught; --abort-on-uncaught-exception aborted at the throw. */
        UNCAUGHT,
        /** A promise rejected with no handler; node's triggerUncaughtException(reason, true). */
        UNHANDLED_REJECTION,
        /** An exception node itself was reporting as fatal (triggerUncaughtException(err, false)). */
        REPORTED_BY_NODE,
    }

    /** The native stack searched for the thrown value's handles, at most (the throw path is a few frames deep). */
    static final int STACK_BYTES_SEARCHED = 64 * 1024;

    public String describe() {
        return switch (kind) {
            case UNCAUGHT -> "uncaught exception";
            case UNHANDLED_REJECTION -> "unhandled promise rejection";
            case REPORTED_BY_NODE -> "uncaught exception (reported by node)";
        };
    }

    /** The thrown value of the process's death, if it died of one. */
    public static Optional<FatalException> of(NodeTarget target) {
        Optional<ThreadState> thread = target.core().faultingThread();
        if (thread.isEmpty() || target.core().writtenByGdb() || target.core().fatalSignal() == 0) return Optional.empty();
        List<Frame> frames;
        try {
            frames = target.stackWalker().walk(thread.get());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        V8Heap heap = target.heap();
        boolean throwPath = false;
        for (Frame f : frames) {
            if (f.isJs()) {
                JsFrame js = f.jsFrame().orElse(null);
                if (js == null) break;
                if (js.tier() == JsFrame.Tier.API_CALLBACK && "triggerUncaughtException".equals(js.debugName())
                        && js.args() != null && js.args().length >= 1) {
                    boolean fromPromise = js.args().length >= 2 && heap.isHeapObject(js.args()[1])
                            && kindOf(heap, js.args()[1]) == JsKind.TRUE;
                    return Optional.of(new FatalException(fromPromise ? Kind.UNHANDLED_REJECTION : Kind.REPORTED_BY_NODE,
                            js.args()[0], callerOf(frames, f)));
                }
                if (!throwPath) return Optional.empty();
                long fp = f.fp();
                long v = thrownValue(heap, thread.get().registers().sp(), fp, js.script());
                return v == 0 ? Optional.empty() : Optional.of(new FatalException(Kind.UNCAUGHT, v, whereOf(js)));
            }
            String name = f.pcText() == null ? "" : f.pcText();
            if (name.contains("Isolate::CreateMessageOrAbort") || name.contains("Isolate::ThrowInternal")) throwPath = true;
        }
        return Optional.empty();
    }

    /** The word at addr, or 0 (no heap object) where it cannot be read. */
    private static long wordOrZero(AddressSpace mem, long addr) {
        try {
            return mem.readLong(addr);
        } catch (MemoryFault e) {
            return 0;
        }
    }

    private static JsKind kindOf(V8Heap heap, long v) {
        try {
            return heap.kindOf(v);
        } catch (MemoryFault | HeapException e) {
            return JsKind.INTERNAL;
        }
    }

    private static String callerOf(List<Frame> frames, Frame apiFrame) {
        boolean after = false;
        for (Frame f : frames) {
            if (f == apiFrame) {
                after = true;
                continue;
            }
            if (after && f.isJs() && f.jsFrame().isPresent()) return whereOf(f.jsFrame().get());
        }
        return "";
    }

    static String whereOf(JsFrame js) {
        String name = js.debugName().isEmpty() ? "<anonymous>" : js.debugName();
        StringBuilder sb = new StringBuilder(name);
        js.scriptName().ifPresent(s -> {
            sb.append(" (").append(s);
            if (js.position() != null) sb.append(':').append(js.position().line()).append(':').append(js.position().column());
            sb.append(')');
        });
        return sb.toString();
    }

    /**
     * The thrown value, among the JavaScript values reached through handles from the stack words
     * in [sp, limit). CreateMessageOrAbort makes the message V8 prints before aborting (a
     * JSMessageObject whose argument is the thrown value, whatever its kind: a Smi too) and holds
     * it in a handle while it aborts. When a stack word points to that handle, the innermost such
     * message is taken. When none does (the handle stayed in a register), the message is looked
     * for in the handle slots next to the ones the stack points to (handles are allocated in
     * blocks, one after the other): the newest slot holding a message about the throwing frame's
     * script (script 0: any). Without a message, the innermost value two handle words or more
     * refer to (ThrowInternal's handle and the one CreateMessageOrAbort got), else the innermost
     * one. 0 if none.
     */
    static long thrownValue(V8Heap heap, long sp, long limit, long script) {
        AddressSpace mem = heap.memory();
        long end = limit > sp && limit - sp <= STACK_BYTES_SEARCHED ? limit : sp + STACK_BYTES_SEARCHED;
        int messageType = heap.metadata().instanceType("JS_MESSAGE_OBJECT_TYPE").orElse(-1);
        int argumentOffset = heap.metadata().fieldOffset("JSMessageObject", "argument").orElse(Fallbacks.JS_MESSAGE_OBJECT_ARGUMENT_OFFSET);
        Map<Long, Integer> handles = new HashMap<>();
        java.util.TreeSet<Long> slots = new java.util.TreeSet<>();
        Map<Long, Long> firstSeen = new HashMap<>();
        for (long p = sp; p < end; p += 8) {
            long w;
            try {
                w = mem.readLong(p);
            } catch (MemoryFault e) {
                break;
            }
            // a handle: an aligned pointer, outside this stack, to a slot that holds a JS value
            if ((w & 7) != 0 || w < 4096 || w >>> 47 != 0 || (w >= sp && w < end)) continue;
            long v = wordOrZero(mem, w);
            if (!heap.isHeapObject(v)) continue;
            slots.add(w);
            long argument = messageArgument(heap, v, messageType, argumentOffset, 0);
            if (argument != 0) return argument;
            if (!isThrowable(heap, v)) continue;
            handles.merge(v, 1, Integer::sum);
            firstSeen.putIfAbsent(v, p);
        }
        // the message in a handle slot near the ones the stack refers to, newest (highest) first
        java.util.TreeSet<Long> near = new java.util.TreeSet<>();
        for (long w : slots) {
            for (long q = w - HANDLE_SLOTS_NEAR * 8L; q <= w + HANDLE_SLOTS_NEAR * 8L; q += 8) near.add(q);
        }
        for (long q : near.descendingSet()) {
            long v = wordOrZero(mem, q);
            if (!heap.isHeapObject(v)) continue;
            long argument = messageArgument(heap, v, messageType, argumentOffset, script);
            if (argument != 0) return argument;
        }
        // the innermost value held by two handle words or more (ThrowInternal's handle and the one
        // CreateMessageOrAbort got); a message string or the empty string can be held more often
        // further out, so counts alone do not decide. Else the innermost one.
        long best = 0, innermost = 0;
        for (Map.Entry<Long, Integer> e : handles.entrySet()) {
            long at = firstSeen.get(e.getKey());
            if (innermost == 0 || at < firstSeen.get(innermost)) innermost = e.getKey();
            if (e.getValue() >= 2 && (best == 0 || at < firstSeen.get(best))) best = e.getKey();
        }
        if (best == 0) best = innermost;
        return best;
    }

    /** Handle slots looked at on each side of a slot the stack points to, for the message. */
    static final int HANDLE_SLOTS_NEAR = 32;

    /**
     * The argument of v if v is a JSMessageObject (and, when script is not 0, about that
     * script), that can be a thrown value (anything but V8's internals); else 0.
     */
    private static long messageArgument(V8Heap heap, long v, int messageType, int argumentOffset, long script) {
        if (messageType < 0) return 0;
        try {
            if (heap.typeOf(v) != messageType) return 0;
            if (script != 0) {
                int scriptOffset = heap.metadata().fieldOffset("JSMessageObject", "script").orElse(Fallbacks.JS_MESSAGE_OBJECT_SCRIPT_OFFSET);
                if (heap.field(v, scriptOffset) != script) return 0;
            }
            long argument = heap.field(v, argumentOffset);
            if (heap.isSmi(argument)) return argument;
            JsKind k = kindOf(heap, argument);
            return heap.isHeapObject(argument) && k != JsKind.INTERNAL && k != JsKind.HOLE ? argument : 0;
        } catch (MemoryFault | HeapException e) {
            return 0;
        }
    }

    /** A value a program can throw: a JS object, a string, a number, a symbol, a BigInt; not undefined or V8's internals. */
    private static boolean isThrowable(V8Heap heap, long v) {
        JsKind k = kindOf(heap, v);
        return switch (k) {
            case INTERNAL, HOLE, ODDBALL, UNDEFINED, NULL, TRUE, FALSE, SMI, GLOBAL_OBJECT, GLOBAL_PROXY, FUNCTION -> false;
            default -> true;
        };
    }
}
