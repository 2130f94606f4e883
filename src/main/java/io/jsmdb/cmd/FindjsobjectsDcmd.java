package io.jsmdb.cmd;

import io.jsmdb.v8.heap.JsObjectScan;
import io.jsmdb.v8.heap.JsObjectScan.Group;
import io.jsmdb.v8.heap.Referrers;
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
    @Override public String usage() { return "[-alrsv] [-c CONSTRUCTOR | -p PROPERTY]"; }
    @Override public String summary() { return "JavaScript objects grouped by constructor and properties"; }
    @Override public List<String> options() { return List.of("-a", "-c", "-l", "-p", "-r", "-s", "-v"); }
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
                  -s        two more columns: SHALLOW, the bytes of the row's instances, and
                            RETAINED, the bytes they keep alive (dominator tree of the whole heap,
                            as DevTools computes it; an instance another instance of the same row
                            dominates is counted once). Builds the heap graph on first use
                ADDR::findjsobjects     every instance of the group ADDR is in
                ADDR::findjsobjects -r  every heap object holding ADDR, with its constructor:
                                        "ADDR referred to by HOLDER (Route).traveller", "(Array)[3]",
                                        "(Map entry key 2)", "(Map entry value 2)", "(Set entry 0)",
                                        "(context of FUNC name, variable x)", "(V8 FIXED_ARRAY_TYPE)";
                                        or that no heap object holds it (a stack frame or handle may)
                Addresses go down dcmd pipes: ::findjsobjects -c Foo | ::findjsobjects | ::jsprint""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs args = DcmdArgs.parse(this, inv.args(), "ac:lp:rsv").expectPositional(0, 0);
        boolean all = args.flag('a'), list = args.flag('l'), refs = args.flag('r'), verbose = args.flag('v');
        Optional<String> cons = args.value('c'), prop = args.value('p');
        if (cons.isPresent() && prop.isPresent()) throw DcmdException.usage(this, "cannot specify both -c and -p");
        if (list && inv.address().isEmpty() && (cons.isPresent() || prop.isPresent())) {
            char o = cons.isPresent() ? 'c' : 'p';
            throw new DcmdException("cannot specify -l with -" + o + "; instead, pipe the output of ::findjsobjects -" + o
                    + " to ::findjsobjects -l");
        }
        if (refs && inv.address().isEmpty()) throw new DcmdException("must specify an object to find references: ADDR::findjsobjects -r");
        boolean sizes = args.flag('s');
        if (sizes && (inv.address().isPresent() || cons.isPresent() || prop.isPresent() || list || refs)) {
            throw DcmdException.usage(this, "-s adds columns to the table of groups: it goes without ADDR, -c, -p, -l and -r");
        }

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
        if (sizes) {
            FindjsobjectsSizes.print(ctx, scan, all);
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
        List<Referrers.Reference> refs = HeapScanCache.walk(ctx, scan, "finding references", (c, p) -> scan.referrers(addr, c, p));
        Output out = ctx.out();
        if (refs.isEmpty()) {
            out.println(Output.hex(addr) + ": no object in the heap refers to it; it may be held by a stack frame or a handle"
                    + (unwalked(scan.walkStats()) ? " (or by heap bytes the walk could not read: see ::findjsobjects -v)" : ""));
            return;
        }
        // V8's internal holders of one type can be many (every hidden class of a prototype's
        // instances): a few are shown, the rest counted
        Map<String, Integer> internal = new java.util.LinkedHashMap<>();
        for (Referrers.Reference r : refs) {
            ctx.checkCancelled();
            if (r.kind() == Referrers.Kind.INTERNAL && internal.merge(r.holderName(), 1, Integer::sum) > SHOWN_INTERNAL) continue;
            out.emitAddress(r.holder(), Output.hex(addr) + " referred to by " + Output.hex(r.holder()) + " " + describe(r));
        }
        internal.forEach((type, n) -> {
            if (n > SHOWN_INTERNAL) {
                out.println(Output.hex(addr) + " referred to by " + (n - SHOWN_INTERNAL) + " more (V8 " + Strings.escape(type) + ")");
            }
        });
    }

    /** Internal holders shown per V8 type. */
    private static final int SHOWN_INTERNAL = 10;

    /** Functions named per context line (the rest are counted). */
    private static final int SHOWN_CLOSURES = 3;

    /** How a holder holds the object: "(Route).traveller", "(Map entry key 2)", "(context of F, variable x)". */
    static String describe(Referrers.Reference r) {
        String ctor = Strings.escape(r.holderName());
        String name = r.name() == null ? null : Strings.escape(r.name());
        return switch (r.kind()) {
            case PROPERTY -> "(" + ctor + ")" + (r.symbol() ? "[" + name + "]" : "." + name);
            case ELEMENT -> "(" + ctor + ")[" + r.index() + "]";
            case FIELD -> "(" + ctor + ") internal field +0x" + Long.toHexString(r.index());
            case MAP_KEY -> "(" + ctor + " entry key " + r.index() + ")";
            case MAP_VALUE -> "(" + ctor + " entry value " + r.index() + ")";
            case SET_ENTRY -> "(" + ctor + " entry " + r.index() + ")";
            case WEAK_MAP_KEY -> "(" + ctor + " entry key " + r.index() + ", weak)";
            case WEAK_MAP_VALUE -> "(" + ctor + " entry value " + r.index() + ", while its key lives)";
            case WEAK_SET_ENTRY -> "(" + ctor + " entry " + r.index() + ", weak)";
            case CONTEXT_VARIABLE -> "(" + closures(r) + ", variable " + name + ")";
            case CONTEXT_SLOT -> "(" + closures(r) + ", slot " + r.index() + ")";
            case INTERNAL -> "(V8 " + ctor + (name != null ? " " + JsFormatter.quote(r.name()) : "") + ")";
        };
    }

    private static String closures(Referrers.Reference r) {
        if (r.holderName().equals("NATIVE_CONTEXT_TYPE")) return "native context";
        if (r.closures().isEmpty()) return "context of no function in the heap";
        int shown = Math.min(r.closures().size(), SHOWN_CLOSURES);
        long more = r.moreClosures() + r.closures().size() - shown;
        StringBuilder sb = new StringBuilder("context of ");
        for (int i = 0; i < shown; i++) {
            Referrers.Closure c = r.closures().get(i);
            if (i > 0) sb.append(i + 1 == shown && more == 0 ? " and " : ", ");
            sb.append(Output.hex(c.function())).append(' ').append(c.name().isEmpty() ? "<anonymous>" : Strings.escape(c.name()));
        }
        if (more > 0) sb.append(" and ").append(more).append(more == 1 ? " more function" : " more functions");
        return sb.toString();
    }

    /**
     * The walk left bytes unread that could hold a reference: undecodable ranges and page tails
     * (not open allocation areas, zero runs or read-only space: see WalkStats.bytesMaybeLive).
     */
    private static boolean unwalked(WalkStats w) {
        return w.bytesMaybeLive() > 0;
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
        out.printf(f, "worker isolates' pages (not walked)", w.otherIsolatePages());
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
            case STALE -> "dead bytes without a filler (their first word points to a freed map), no objects";
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
