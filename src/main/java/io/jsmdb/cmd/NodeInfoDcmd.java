package io.jsmdb.cmd;

import io.jsmdb.core.CommandLine;
import io.jsmdb.core.ProcessInfo;
import io.jsmdb.node.NodeProcess;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.v8.heap.HeapPage;
import io.jsmdb.v8.heap.HeapPages;
import java.util.EnumMap;
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
                spaces (pages and bytes in the core), and the environment the process started
                with (the strings execve gave it; setenv later is not seen), one NAME=value line
                each.
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
        heapSpaces(t, out);
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

    private static void heapSpaces(NodeTarget t, Output out) {
        HeapPages pages;
        try {
            pages = t.heapPages();
        } catch (RuntimeException e) {
            out.println("heap:        unknown (" + Strings.escape(String.valueOf(e.getMessage())) + ")");
            return;
        }
        Map<HeapPage.Space, long[]> bySpace = new EnumMap<>(HeapPage.Space.class);
        for (HeapPage p : pages.pages()) {
            if (p.heap() != pages.heap()) continue; // another isolate's (a worker's) heap
            long[] a = bySpace.computeIfAbsent(p.space(), s -> new long[2]);
            a[0]++;
            a[1] += p.size();
        }
        out.println("heap:        main isolate, by space (pages, bytes in the core)");
        bySpace.forEach((s, a) -> out.println(String.format("  %-22s %6d %14d", s.name().toLowerCase(java.util.Locale.ROOT), a[0], a[1])));
    }
}
