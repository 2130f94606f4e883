package io.jsmdb.cmd;

import io.jsmdb.core.CommandLine;
import io.jsmdb.core.ProcessInfo;
import io.jsmdb.node.NodeProcess;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.v8.heap.HeapPage;
import io.jsmdb.v8.heap.HeapPages;
import io.jsmdb.v8.heap.HeapWalker;
import io.jsmdb.v8.heap.WalkStats;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code ::nodeinfo [-e NAME]}: node's view of its process: versions, arguments, environment, uptime, heap. */
public final class NodeInfoDcmd implements Dcmd {
    @Override public String name() { return "nodeinfo"; }
    @Override public String usage() { return "[-e NAME]"; }
    @Override public String summary() { return "node's process: versions, argv, execArgv, pid, uptime, heap spaces, environment"; }
    @Override public List<String> options() { return List.of("-e"); }
    @Override public AddressMode addressMode() { return AddressMode.NONE; }

    @Override
    public String help() {
        return """
                Prints what node knew about its process: process.versions (node, v8, uv, openssl,
                ...), process.argv and process.execArgv as the main isolate's process object held
                them, the pid and parent pid, the title (what argv[0]'s memory holds: process.title
                writes there), the working directory node started in (PWD of its environment:
                node keeps no cwd of its own in memory), the uptime at death (node's start time to
                the event loop's last clock update, to the millisecond), the main isolate's heap
                spaces (pages, their bytes and the bytes of the objects on them, found by walking
                the heap once, the census's walk; close to V8's space_size and space_used_size,
                which also counts fillers), the heap limit when the command line set it, and
                the environment the process started with (the strings execve gave it; setenv
                later is not seen), one NAME=value line each.
                  -e NAME   print only the environment variable NAME (NAME=value), or say it is not set""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs args = DcmdArgs.parse(this, inv.args(), "e:").expectPositional(0, 0);
        NodeTarget t = ctx.target();
        CommandLine cl = t.core().commandLine();
        Output out = ctx.out();
        Optional<String> only = args.value('e');
        if (only.isPresent()) {
            String prefix = only.get() + "=";
            boolean found = false;
            for (String e : cl.environment()) {
                if (e.startsWith(prefix)) {
                    out.println(Strings.escape(e));
                    found = true;
                }
            }
            if (!found) throw new DcmdException(Strings.escape(only.get()) + " is not set in the environment the process started with");
            return;
        }
        NodeProcess np = t.nodeProcess();
        Map<String, String> versions = np.versions();
        if (versions.isEmpty()) {
            out.println("versions:    unknown (no process object found in the main isolate's global)");
        } else {
            out.println("versions:");
            int w = versions.keySet().stream().mapToInt(String::length).max().orElse(0);
            versions.forEach((k, v) -> out.println("  " + Strings.escape(k) + " ".repeat(w - k.length() + 2) + Strings.escape(v)));
        }
        out.println("argv:        " + np.argv().map(NodeInfoDcmd::list).orElse("unknown"));
        out.println("execArgv:    " + np.execArgv().map(NodeInfoDcmd::list).orElse("unknown"));
        Optional<ProcessInfo> ps = t.core().processInfo();
        out.println("pid:         " + ps.map(p -> p.pid() + " (ppid " + p.ppid() + ")").orElse("unknown"));
        out.println("title:       " + (cl.argv().isEmpty() ? "unknown" : Strings.escape(cl.argv().getFirst())));
        String pwd = cl.environment().stream().filter(e -> e.startsWith("PWD=")).map(e -> e.substring(4)).findFirst().orElse(null);
        out.println("cwd:         " + (pwd == null ? "unknown (no PWD in the environment; node keeps no cwd in memory)"
                : Strings.escape(pwd) + " (PWD at start)"));
        out.println("uptime:      " + (np.uptimeNanos().isPresent()
                ? String.format("%.3f s (at the event loop's last clock update)", np.uptimeNanos().getAsLong() / 1e9) : "unknown"));
        heapSpaces(ctx, t, out);
        out.println("environment: " + cl.environment().size() + " variables");
        for (String e : cl.environment()) out.println("  " + Strings.escape(e));
    }

    private static String list(List<String> items) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) sb.append(i == 0 ? " " : ", ").append(quote(items.get(i)));
        return sb.append(items.isEmpty() ? "]" : " ]").toString();
    }

    /** A string as util.inspect quotes it in an array, escaped for the terminal. */
    static String quote(String s) {
        return "'" + Strings.escape(s.replace("\\", "\\\\").replace("'", "\\'")) + "'";
    }

    /**
     * Each space's pages, their bytes (V8's space_size) and the bytes of the objects on them,
     * from the census's walk of the heap (made once and kept). V8's space_used_size is close but
     * not the same measure: it also counts fillers (trimmed tails, alignment) and what other
     * threads' allocation buffers hold unused. Code spaces are not walked (the census has no use
     * for machine code). A space whose walk stopped early says so: its used size is a floor.
     */
    private static void heapSpaces(DcmdContext ctx, NodeTarget t, Output out) {
        HeapWalker walker;
        try {
            walker = t.heapWalker();
        } catch (RuntimeException e) {
            out.println("heap:        unknown (" + Strings.escape(String.valueOf(e.getMessage())) + ")");
            return;
        }
        HeapPages pages = walker.pages();
        WalkStats stats;
        try {
            stats = HeapScanCache.get(ctx).walkStats(); // the census's walk: made once, kept for ::findjsobjects
        } catch (DcmdException e) {
            stats = null;
            ctx.warn("heap objects not walked: " + e.getMessage());
        }
        Map<HeapPage.Space, long[]> bySpace = new EnumMap<>(HeapPage.Space.class);
        for (HeapPage p : pages.pages()) {
            if (!walker.isSelectedIsolate(p) || p.heap() == 0) continue; // another isolate's heap, or shared read-only pages
            long[] a = bySpace.computeIfAbsent(p.space(), s -> new long[2]);
            a[0]++;
            a[1] += p.size();
        }
        java.util.Set<HeapPage.Space> partial = EnumSet.noneOf(HeapPage.Space.class);
        if (stats != null) {
            for (WalkStats.Partial pp : stats.partialPages()) {
                if (bySpace.containsKey(pp.page().space())) partial.add(pp.page().space());
            }
        }
        Map<HeapPage.Space, Long> used = stats == null ? Map.of() : stats.objectBytesBySpace();
        boolean main = t.selectedHeap() == t.mainHeap();
        out.println("heap:        " + (main ? "main isolate" : "the worker isolate ::isolate selected")
                + ", by space (pages, size: bytes of its pages, used: bytes of its objects)");
        out.println(String.format("  %-22s %6s %14s %14s", "SPACE", "PAGES", "SIZE", "USED"));
        long[] sum = new long[3];
        bySpace.forEach((s, a) -> {
            Long u = used.get(s);
            String usedText = s.isCode() ? "(machine code)" : u == null ? "-" : (partial.contains(s) ? ">=" : "") + u;
            out.println(String.format("  %-22s %6d %14d %14s", s.name().toLowerCase(java.util.Locale.ROOT), a[0], a[1], usedText));
            sum[0] += a[0];
            sum[1] += a[1];
            if (u != null) sum[2] += u;
        });
        out.println(String.format("  %-22s %6d %14d %14s%s", "total", sum[0], sum[1], (partial.isEmpty() ? "" : ">=") + sum[2],
                bySpace.keySet().stream().anyMatch(HeapPage.Space::isCode) ? " (code not included)" : ""));
        if (!partial.isEmpty()) {
            out.println("  (>=: some pages of the space could not be walked to their end; ::findjsobjects -v names them)");
        }
        String limit = heapLimitFlag(t);
        out.println("heap limit:  " + (limit != null ? limit
                : "V8's default for the machine's memory (V8 keeps it in its Heap, which the metadata does not describe)"));
    }

    /** The --max-old-space-size the process was started with (execArgv or NODE_OPTIONS), as text, or null. */
    private static String heapLimitFlag(NodeTarget t) {
        java.util.List<String> args = new java.util.ArrayList<>(t.nodeProcess().execArgv().orElse(List.of()));
        for (String e : t.core().commandLine().environment()) {
            if (e.startsWith("NODE_OPTIONS=")) args.addAll(List.of(e.substring("NODE_OPTIONS=".length()).trim().split("\\s+")));
        }
        String found = NodeProcess.maxOldSpaceSize(args).map(Strings::escape).orElse(null);
        return found == null ? null : "old space " + found.substring(found.indexOf('=') + 1) + " MiB, set by " + found
                + " (V8 adds the new space's reserve to it)";
    }
}
