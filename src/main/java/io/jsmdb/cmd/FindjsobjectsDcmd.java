package io.jsmdb.cmd;

import io.jsmdb.v8.heap.JsObjectScan;
import io.jsmdb.v8.heap.JsObjectScan.Group;
import io.jsmdb.v8.heap.WalkStats;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code [ADDR]::findjsobjects [-alrv] [-c CONSTRUCTOR] [-p PROPERTY]}: mdb_v8's census of the
 * JavaScript heap, from an object-by-object walk of V8's pages.
 */
public final class FindjsobjectsDcmd implements Dcmd {
    @Override public String name() { return "findjsobjects"; }
    @Override public String usage() { return "[-alrv] [-c CONSTRUCTOR | -p PROPERTY]"; }
    @Override public String summary() { return "JavaScript objects grouped by constructor and properties"; }
    @Override public List<String> options() { return List.of("-a", "-c", "-l", "-p", "-r", "-v"); }
    @Override public AddressMode addressMode() { return AddressMode.OPTIONAL; }

    @Override
    public String help() {
        return """
                Walks V8's heap object by object (every page of every space, new space and
                large objects included, each object sized from its map) and groups the
                JavaScript objects: one row per constructor and list of own property names
                (in order); arrays group by length under "Array". Each row shows a
                representative (the instance at the lowest address), the number of instances,
                the number of properties (an array's length), and "Constructor: props" cut
                with "..." at 80 columns. Rows are sorted as mdb_v8 sorts them: by
                instances x properties, then instances, then properties. Functions are not
                listed (see ::jsfunctions); V8's literal boilerplates are not counted.
                The first scan is kept for the session; Ctrl-C stops it and keeps nothing.
                  -v        statistics: pages and bytes walked, objects, time, pages not walked
                  -a        also show groups of objects that could not be decoded
                  -c CONS   the representatives of CONS's groups, one per line
                  -p PROP   the representatives of groups with property PROP
                  -l        every instance of every group
                ADDR::findjsobjects     every instance of the group ADDR is in
                ADDR::findjsobjects -r  every object referring to ADDR:
                                        "ADDR referred to by HOLDER.prop" (or "[index]")
                Addresses go down dcmd pipes: ::findjsobjects -c Foo | ::findjsobjects | ::jsprint""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs args = DcmdArgs.parse(this, inv.args(), "ac:lp:rv").expectPositional(0, 0);
        boolean all = args.flag('a'), list = args.flag('l'), refs = args.flag('r'), verbose = args.flag('v');
        Optional<String> cons = args.value('c'), prop = args.value('p');
        if (cons.isPresent() && prop.isPresent()) throw DcmdException.usage(this, "cannot specify both -c and -p");
        if (list && inv.address().isEmpty() && (cons.isPresent() || prop.isPresent())) {
            char o = cons.isPresent() ? 'c' : 'p';
            throw new DcmdException("cannot specify -l with -" + o + "; instead, pipe the output of ::findjsobjects -" + o
                    + " to ::findjsobjects -l");
        }
        if (refs && inv.address().isEmpty()) throw new DcmdException("must specify an object to find references: ADDR::findjsobjects -r");

        JsObjectScan scan = HeapScanCache.get(ctx);
        Output out = ctx.out();
        if (verbose && ctx.firstInLoop()) stats(ctx, scan);

        if (inv.address().isPresent() && cons.isEmpty() && prop.isEmpty()) {
            long addr = inv.address().getAsLong();
            if (refs) {
                references(ctx, scan, addr);
                return;
            }
            Group g = HeapScanCache.walk(ctx, scan, "listing instances", (c, p) -> scan.groupOf(addr, c, p)).orElse(null);
            if (g == null) throw new DcmdException(Output.hex(addr) + " does not correspond to a known object");
            long[] inst = HeapScanCache.walk(ctx, scan, "listing instances", (c, p) -> scan.instances(g, c, p));
            for (long a : inst) {
                ctx.checkCancelled();
                out.emitAddress(a);
            }
            return;
        }
        if (cons.isPresent() || prop.isPresent()) {
            List<Group> groups = scan.groups();
            if (inv.address().isPresent()) {
                long addr = inv.address().getAsLong();
                Group g = HeapScanCache.walk(ctx, scan, "looking up the object", (c, p) -> scan.groupOf(addr, c, p)).orElse(null);
                if (g == null) throw new DcmdException(Output.hex(addr) + " does not correspond to a known object");
                groups = List.of(g);
            }
            for (Group g : groups) {
                if (g.isMalformed() && !all) continue;
                boolean match = cons.isPresent() ? g.constructor().equals(cons.get()) : g.properties().contains(prop.get());
                if (match) out.emitAddress(g.representative());
            }
            return;
        }
        if (list) {
            for (Group g : scan.groups()) {
                if (g.isMalformed() && !all) continue;
                long[] inst = HeapScanCache.walk(ctx, scan, "listing instances", (c, p) -> scan.instances(g, c, p));
                for (long a : inst) {
                    ctx.checkCancelled();
                    out.emitAddress(a);
                }
            }
            return;
        }
        if (out.addressesPiped()) {
            for (Group g : scan.groups()) if (!g.isMalformed() || all) out.emitAddress(g.representative());
            return;
        }
        if (ctx.firstInLoop()) out.printf("%16s %8s %8s %s%n", "OBJECT", "#OBJECTS", "#PROPS", "CONSTRUCTOR: PROPS");
        for (Group g : scan.groups()) {
            if (g.isMalformed() && !all) continue;
            out.println(row(g));
        }
    }

    /** One table row, as mdb_v8's findjsobjects_print: properties cut with "..." at 80 columns. */
    static String row(Group g) {
        StringBuilder sb = new StringBuilder(String.format("%16x %8d %8d ", g.representative(), g.count(), g.nprops()));
        int col = 19 + 16 + 3;
        String ctor = Strings.escape(g.isMalformed() && g.constructor().isEmpty() ? "<malformed>" : g.constructor());
        List<String> props = g.properties();
        if (!ctor.isEmpty()) {
            sb.append(ctor).append(props.isEmpty() ? "" : ": ");
            col += ctor.length() + 2;
        }
        for (int i = 0; i < props.size(); i++) {
            String p = Strings.escape(props.get(i));
            int len = p.length() + 2;
            if (col + len < 80) {
                sb.append(p).append(i + 1 < props.size() ? ", " : "");
                col += len;
            } else {
                sb.append("...");
                break;
            }
        }
        return sb.toString();
    }

    private static void references(DcmdContext ctx, JsObjectScan scan, long addr) {
        List<JsObjectScan.Reference> refs = HeapScanCache.walk(ctx, scan, "finding references", (c, p) -> scan.referrers(addr, c, p));
        Output out = ctx.out();
        if (refs.isEmpty()) {
            out.println(Output.hex(addr) + " is not referred to by a known object.");
            return;
        }
        for (JsObjectScan.Reference r : refs) {
            String where = r.name() == null ? "[" + r.index() + "]" : "." + Strings.escape(r.name());
            out.emitAddress(r.holder(), Output.hex(addr) + " referred to by " + Output.hex(r.holder()) + where);
        }
    }

    private static void stats(DcmdContext ctx, JsObjectScan s) {
        WalkStats w = s.walkStats();
        Output out = ctx.out();
        String f = "findjsobjects: %30s => %s%n";
        double secs = w.nanos() / 1e9;
        out.printf(f, "elapsed time (ms)", Math.round(w.nanos() / 1e6));
        out.printf(f, "heap pages found", w.pagesFound());
        out.printf(f, "pages walked", w.pagesWalked());
        out.printf(f, "code pages (not walked)", w.codePages());
        out.printf(f, "from-space pages (not walked)", w.fromPages());
        io.jsmdb.v8.heap.NewSpace ns = w.newSpace();
        out.printf(f, "unused new-space pages (not walked)", w.unusedNewPages());
        out.printf(f, "released old pages (not walked)", w.unlinkedPages());
        out.printf(f, "new-space allocation top", ns != null && ns.exact() && ns.top() != 0 ? Output.hex(ns.top()) : "unknown");
        out.printf(f, "heap bytes walked", w.bytesWalked());
        out.printf(f, "walk rate (MB/s)", secs > 0 ? Math.round(w.bytesWalked() / secs / 1e6) : 0);
        out.printf(f, "heap objects", w.objects());
        out.printf(f, "JavaScript objects", s.jsObjects());
        out.printf(f, "processed arrays", s.arrays());
        out.printf(f, "possible garbage (malformed)", s.malformedObjects());
        out.printf(f, "literal boilerplates (skipped)", s.boilerplates());
        out.printf(f, "unique objects", s.groups().size());
        out.printf(f, "functions found", s.functionObjects());
        out.printf(f, "unique functions", s.functions().size());
        long zero = 0;
        for (Map.Entry<WalkStats.Stop, Long> e : w.pagesByStop().entrySet()) {
            if (e.getKey() == WalkStats.Stop.ZERO) zero = e.getValue();
        }
        out.printf(f, "pages ending in zeros (unused)", zero);
        out.printf(f, "unallocated bytes stepped over", w.bytesUnallocated());
        out.printf(f, "bytes not walked (may hold objects)", w.bytesMaybeLive());
        if (w.sweepingKnown()) {
            out.printf(f, "unswept old-generation pages", w.unsweptPages());
            out.printf(f, "dead objects skipped (unmarked)", w.deadObjects());
            out.printf(f, "dead bytes skipped", w.deadBytes());
            for (io.jsmdb.v8.heap.HeapPage p : w.unsweptUnverified()) {
                out.printf("findjsobjects: page %x (%s): not swept yet, but its marking bitmap does not match its live"
                        + " bytes; walked as it is, so dead objects may be counted%n", p.base(), p.ownerClass());
            }
        } else {
            out.printf("findjsobjects: this V8's sweeping state and marking bitmap are unknown: pages not swept yet"
                    + " are walked as they are, so dead objects may be counted%n");
        }
        if (ns != null && ns.exact() && ns.how() != null) {
            out.printf("findjsobjects: new space: %s%n", ns.how());
        } else if (ns != null) {
            out.printf("findjsobjects: new space: allocation top not found exactly (%s); every to-space page was walked"
                    + " up to its first word that is not a map, so stale objects may be counted%n", ns.problem());
        }
        for (WalkStats.Skip k : w.skips()) {
            out.printf("findjsobjects: page %x (%s): bytes %x..%x (%d) %s; walk resumed at %x%n",
                    k.page().base(), k.page().ownerClass(), k.from(), k.to(), k.to() - k.from(), gap(k.kind()), k.to());
        }
        for (WalkStats.Partial p : w.partialPages()) {
            // zero tails are normal in old space (a LAB whose top was not found); in new space the top is known
            if (p.why() == WalkStats.Stop.ZERO && p.page().space() != io.jsmdb.v8.heap.HeapPage.Space.NEW) continue;
            out.printf("findjsobjects: page %x (%s) not walked from %x: %s, %d bytes%n", p.page().base(),
                    p.page().ownerClass().isEmpty() ? "read-only" : p.page().ownerClass(), p.stoppedAt(), reason(p.why()), p.bytesNotWalked());
        }
    }

    private static String gap(WalkStats.GapKind k) {
        return switch (k) {
            case ALLOCATION_AREA -> "an open allocation area [top, limit), no objects yet";
            case ZEROS -> "zero words, no objects (an allocation area whose top was not found)";
            case UNDECODED -> "not walked: not objects from here (stale or damaged data); live objects may be lost";
        };
    }

    private static String reason(WalkStats.Stop s) {
        return switch (s) {
            case NOT_A_MAP -> "a word that is not a map (stale or damaged data)";
            case BAD_SIZE -> "an object with an impossible size";
            case UNREADABLE -> "bytes missing from the core";
            case HOLE -> "a read-only hole (inaccessible memory)";
            case ZERO -> "zero words (unused)";
            default -> s.name().toLowerCase();
        };
    }
}
