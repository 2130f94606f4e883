package io.jsmdb.cmd;

import io.jsmdb.v8.graph.HeapGraph;
import io.jsmdb.v8.graph.HopLabels;
import io.jsmdb.v8.graph.RetainerPaths;
import io.jsmdb.v8.heap.JsKind;
import io.jsmdb.v8.heap.V8Heap;
import io.jsmdb.v8.heap.V8Collections;
import io.jsmdb.v8.heap.V8Strings;
import java.util.List;
import java.util.Optional;

/**
 * {@code ADDR::jsretainers [-n N]}: who keeps ADDR alive: the shortest paths from the GC roots,
 * each hop named as Chrome DevTools' Retainers pane names it, like dotnet-dump's {@code gcroot}.
 */
public final class JsRetainersDcmd implements Dcmd {
    /** Paths shown when -n is not given. */
    static final int DEFAULT_PATHS = 3;
    /** Map and Set entries looked through to name the one on a path. */
    private static final int MAX_ENTRIES = 1 << 20;
    /** Characters of a node's name shown (a string's name is its content). */
    private static final int NAME_CHARS = 60;

    @Override public String name() { return "jsretainers"; }
    @Override public String usage() { return "[-n N]"; }
    @Override public String summary() { return "shortest paths from the GC roots that keep an object alive"; }
    @Override public List<String> options() { return List.of("-n"); }
    @Override public AddressMode addressMode() { return AddressMode.REQUIRED; }

    @Override
    public String help() {
        return """
                Prints the shortest paths from the GC roots to the object at ADDR: why it is
                still alive. One path per direct retainer (each ends with a different holder),
                nearest first, as Chrome DevTools' Retainers pane lists them; the first is a
                shortest path. A program's objects are reached through the global object
                ("global"), what only V8 or node holds through its root category
                ("(Global handles)", "(Stack roots)", ...). Each path is one line of hops:
                  global → registry → Map entry 'grove' → Grove.rows → [2500]
                  global → keeper → context → hoard → [17]
                (a property, Class.property on a class instance, an element [i], a closure's
                context and its variables, V8's internal fields by name, a Map's entry by its
                key), then one line per hop with the object's address, so it can be printed
                with ::jsprint. Weak references (WeakMap keys, WeakRef targets) never keep an
                object alive and are not paths: an object only they hold, or that nothing
                reachable holds, is said to be so. The first use builds the heap graph (a walk
                of the whole heap) and finds every object's distance from the roots.
                  -n N   at most N paths (default 3)
                In a dcmd pipe, the objects on the paths (not ADDR itself) go to the next
                dcmd, each path from the root side: ADDR::jsretainers -n 1 | ::jsprint -d 0""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs args = DcmdArgs.parse(this, inv.args(), "n:").expectPositional(0, 0);
        int max = args.intNumber('n', DEFAULT_PATHS);
        if (max <= 0) throw DcmdException.usage(this, "-n must be at least 1");
        V8Heap heap = JsHeapDcmds.heap(ctx);
        long addr = JsHeapDcmds.objectAddress(inv, heap);
        HeapGraph g = HeapGraphs.graph(ctx);
        int node = g.nodeOf(addr);
        if (node < 0) {
            throw new DcmdException(Output.hex(addr) + " is not an object of the heap graph (not the start of a heap object the heap walk found)");
        }
        RetainerPaths rp = HeapGraphs.retainerPaths(ctx);
        Output out = ctx.out();
        String what = Output.hex(addr) + " (" + describe(g, node) + ")";
        switch (rp.reach(node)) {
            case WEAK_ONLY -> {
                say(ctx, what + ": only weak references hold it (a WeakMap key, a WeakRef or a finalization registry's target):"
                        + " nothing keeps it alive, the next garbage collection frees it");
                return;
            }
            case UNREACHABLE -> {
                say(ctx, what + ": unreachable: no path from the GC roots leads to it; it is garbage V8 has not collected yet");
                return;
            }
            default -> { }
        }
        List<RetainerPaths.Path> paths = rp.paths(node, max);
        HopLabels labels = new HopLabels(g, collections(heap));
        if (!out.addressesPiped()) {
            out.println(String.format("%s: %d %s from the GC roots, nearest retainer first", what, paths.size(),
                    paths.size() == 1 ? "path" : "paths"));
        }
        for (int i = 0; i < paths.size(); i++) {
            ctx.checkCancelled();
            List<HopLabels.Hop> hops = labels.hops(paths.get(i));
            if (!out.addressesPiped()) {
                StringBuilder sb = new StringBuilder();
                for (HopLabels.Hop h : hops) sb.append(sb.isEmpty() ? "" : " \u2192 ").append(h.label());
                out.println("path " + (i + 1) + ": " + Strings.escape(sb));
            }
            for (HopLabels.Hop h : hops) {
                long a = g.address(h.node());
                String line = String.format("  %16s  %-24s %s", a == 0 ? "-" : Output.hex(a), Strings.escape(h.label()), describe(g, h.node()));
                if (a != 0 && h.node() != node) out.emitAddress(a, line);
                else if (!out.addressesPiped()) out.println(line);
            }
        }
    }

    /** A one-line note; on stderr when the addresses go down a dcmd pipe. */
    private static void say(DcmdContext ctx, String line) {
        if (ctx.out().addressesPiped()) ctx.warn(line);
        else ctx.out().println(line);
    }

    /** The node as a snapshot names it, escaped and cut: "JsmdbLeakA", "(Global handles)", "'a string'". */
    static String describe(HeapGraph g, int node) {
        String name = g.name(node);
        if (name == null) name = "";
        boolean cut = name.length() > NAME_CHARS;
        if (cut) name = name.substring(0, NAME_CHARS);
        name = Strings.escape(name) + (cut ? "..." : "");
        return switch (g.type(node)) {
            case STRING, CONCATENATED_STRING, SLICED_STRING -> "string '" + name + "'";
            case OBJECT, NATIVE, SYNTHETIC -> name;
            default -> name.isEmpty() ? g.type(node).snapshotName() : name + " (" + g.type(node).snapshotName() + ")";
        };
    }

    /** A Map's or Set's entry named by its key, read from the heap. */
    static HopLabels.Collections collections(V8Heap heap) {
        return new HopLabels.Collections() {
            @Override
            public Optional<String> entry(long holder, long member) {
                try {
                    JsKind k = heap.kindOf(holder);
                    if (k != JsKind.MAP && k != JsKind.SET) return Optional.empty();
                    boolean isMap = k == JsKind.MAP;
                    V8Collections.Collection c = heap.collections().collection(holder, isMap, MAX_ENTRIES);
                    for (int i = 0; i < c.entries().size(); i++) {
                        V8Collections.Entry e = c.entries().get(i);
                        if (isMap && e.value() == member) return Optional.of("Map entry " + key(heap, e.key()));
                        if (e.key() == member) return Optional.of(isMap ? "Map key (entry " + i + ")" : "Set entry " + i);
                    }
                    return Optional.of(isMap ? "Map entry" : "Set entry");
                } catch (RuntimeException e) {
                    return Optional.empty();
                }
            }

            @Override
            public boolean isGlobalObject(long addr) {
                try {
                    JsKind k = heap.kindOf(addr);
                    return k == JsKind.GLOBAL_OBJECT || k == JsKind.GLOBAL_PROXY;
                } catch (RuntimeException e) {
                    return false;
                }
            }
        };
    }

    /** A Map key as code would write it: 'grove', 3, or the object's constructor and address. */
    private static String key(V8Heap heap, long k) {
        JsKind kind = heap.kindOf(k);
        return switch (kind) {
            case SMI, HEAP_NUMBER -> io.jsmdb.v8.heap.JsNumbers.format(heap.numberValue(k));
            case STRING -> {
                V8Strings.JsString s = heap.strings().readString(k, 40);
                yield "'" + s.text() + (s.truncated() ? "..." : "") + "'";
            }
            case UNDEFINED -> "undefined";
            case NULL -> "null";
            case TRUE -> "true";
            case FALSE -> "false";
            default -> "<" + heap.constructorNameOf(k).orElse(kind.name().toLowerCase()) + " " + Output.hex(k) + ">";
        };
    }
}
