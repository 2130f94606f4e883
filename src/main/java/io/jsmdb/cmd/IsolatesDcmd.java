package io.jsmdb.cmd;

import io.jsmdb.node.Isolates;
import java.util.List;

/** {@code ::isolates}: the V8 isolates of the process, the main thread's and the workers'. */
public final class IsolatesDcmd implements Dcmd {
    @Override public String name() { return "isolates"; }
    @Override public String usage() { return ""; }
    @Override public String summary() { return "the V8 isolates: the main thread's and each worker thread's"; }
    @Override public List<String> options() { return List.of(); }
    @Override public AddressMode addressMode() { return AddressMode.NONE; }

    @Override
    public String help() {
        return """
                Lists the V8 isolates of the process, one line each: its index, MAIN for the main
                thread's and WORKER for a worker thread's, the thread running it (the one whose
                stack refers to it), worker_threads' threadId (0 for the main thread; "?" when the
                main isolate's Worker handle for it was not found), its heap (the Heap* its pages name), the pages and bytes of
                that heap in the core, and the innermost JavaScript function on that thread's
                stack ("-" when none: idle in the event loop). The heap commands (::findjsobjects,
                ::jsretainers, ::heapsnapshot) work on the main isolate and say so when workers
                exist.""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs.parse(this, inv.args(), "").expectPositional(0, 0);
        Output out = ctx.out();
        out.println(String.format("%-4s %-7s %-8s %-8s %-14s %6s %12s  %s", "#", "KIND", "THREAD", "THREADID", "HEAP", "PAGES", "BYTES", "JS FUNCTION"));
        for (Isolates.IsolateInfo i : Isolates.of(ctx.target())) {
            out.println(String.format("%-4s %-7s %-8s %-8s %-14s %6d %12d  %s", i.index() + (i.selected() ? "*" : ""), i.main() ? "MAIN" : "WORKER",
                    i.thread().map(t -> String.valueOf(t.tid())).orElse("?"),
                    i.main() ? "0" : i.workerThreadId().isPresent() ? String.valueOf(i.workerThreadId().getAsLong()) : "?",
                    Output.hex(i.heap()), i.pages(), i.bytes(),
                    Strings.escape(i.jsFunction().orElse("-"))));
        }
    }
}
