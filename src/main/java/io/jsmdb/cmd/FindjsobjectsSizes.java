package io.jsmdb.cmd;

import io.jsmdb.v8.graph.Dominators;
import io.jsmdb.v8.graph.HeapGraph;
import io.jsmdb.v8.heap.JsObjectScan;
import io.jsmdb.v8.heap.JsObjectScan.Group;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ::findjsobjects -s}: the census table with two more columns per row, SHALLOW (the self
 * sizes of the row's instances, as V8's heap snapshot counts them) and RETAINED (what they keep
 * alive: the retained sizes of the instances, from the dominator tree of the whole heap, where an
 * instance that another instance of the same row dominates is not counted again, as DevTools'
 * Summary view counts a class).
 */
final class FindjsobjectsSizes {
    private FindjsobjectsSizes() {}

    /**
     * The census keeps every group's instance list from one walk up to this many JavaScript objects
     * (JsObjectScan.KEEP_ALL_INSTANCES); beyond it each row would be a walk of its own.
     */
    static final long MAX_OBJECTS = 16L << 20;

    static void print(DcmdContext ctx, JsObjectScan scan, boolean all) throws DcmdException {
        if (scan.jsObjects() > MAX_OBJECTS) {
            throw new DcmdException(String.format("-s: the heap has %,d JavaScript objects, more than the %,d whose rows one walk lists",
                    scan.jsObjects(), MAX_OBJECTS));
        }
        HeapGraph g = HeapGraphs.graph(ctx);
        Dominators d = HeapGraphs.dominators(ctx);
        List<Group> groups = new ArrayList<>();
        for (Group grp : scan.groups()) if (!grp.isMalformed() || all) groups.add(grp);
        int[] groupOf = new int[g.nodeCount()];
        Arrays.fill(groupOf, -1);
        long[] shallow = new long[groups.size()];
        long missing = 0;
        for (int i = 0; i < groups.size(); i++) {
            Group grp = groups.get(i);
            long[] inst = HeapScanCache.walk(ctx, scan, "listing instances", (c, p) -> scan.instances(grp, c, p));
            for (long a : inst) {
                int n = g.nodeOf(a);
                if (n < 0) {
                    missing++;
                    continue;
                }
                groupOf[n] = i;
                shallow[i] += g.selfSize(n);
            }
        }
        long[] retained = d.groupRetained(groupOf, groups.size(), ctx::checkCancelled);
        if (missing > 0 && ctx.firstInLoop()) {
            ctx.warn(String.format("%,d instances are not objects of the heap graph: their bytes are not counted", missing));
        }
        Output out = ctx.out();
        if (ctx.firstInLoop()) {
            out.printf("%16s %8s %8s %12s %12s %s%n", "OBJECT", "#OBJECTS", "#PROPS", "SHALLOW", "RETAINED", "CONSTRUCTOR: PROPS");
        }
        for (int i = 0; i < groups.size(); i++) {
            ctx.checkCancelled();
            out.println(row(groups.get(i), shallow[i], retained[i]));
        }
    }

    /** The census row with the two sizes after #PROPS (the properties cut as without -s). */
    static String row(Group grp, long shallow, long retained) {
        String r = FindjsobjectsDcmd.row(grp);
        String lead = String.format("%16x %8d %8d ", grp.representative(), grp.count(), grp.nprops());
        String sizes = String.format("%12d %12d ", shallow, retained);
        return r.startsWith(lead) ? lead + sizes + r.substring(lead.length()) : r + " " + sizes.strip();
    }
}
