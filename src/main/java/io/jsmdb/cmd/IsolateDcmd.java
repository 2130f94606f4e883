package io.jsmdb.cmd;

import io.jsmdb.node.Isolates;
import java.util.List;

/** {@code ::isolate [N]}: which isolate the heap commands work on; N selects one of ::isolates. */
public final class IsolateDcmd implements Dcmd {
    @Override public String name() { return "isolate"; }
    @Override public String usage() { return "[N]"; }
    @Override public String summary() { return "select the isolate (main or worker) the heap commands work on"; }
    @Override public List<String> options() { return List.of(); }
    @Override public AddressMode addressMode() { return AddressMode.NONE; }

    @Override
    public String help() {
        return """
                Without N, says which isolate ::findjsobjects, ::jsretainers, ::heapsnapshot and
                the other heap commands work on. With N (an index ::isolates prints), makes them
                work on that isolate's heap: a worker thread's, or 0 for the main one again. The
                census, graph and roots made for the previous isolate are forgotten.""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs args = DcmdArgs.parse(this, inv.args(), "").expectPositional(0, 1);
        List<Isolates.IsolateInfo> all = Isolates.of(ctx.target());
        if (!args.positional().isEmpty()) {
            String n = args.positional().getFirst();
            int index;
            try {
                index = Integer.parseInt(n);
            } catch (NumberFormatException e) {
                throw new DcmdException("'" + Strings.escape(n) + "' is not an isolate number (::isolates lists them)");
            }
            if (index < 0 || index >= all.size()) {
                throw new DcmdException("no isolate " + index + ": there " + (all.size() == 1 ? "is 1" : "are " + all.size()) + " (::isolates lists them)");
            }
            ctx.target().selectIsolate(all.get(index).heap());
            all = Isolates.of(ctx.target());
        }
        for (Isolates.IsolateInfo i : all) {
            if (!i.selected()) continue;
            ctx.out().println(String.format("isolate %d (%s, thread %s, heap %s) is the heap commands' isolate", i.index(),
                    i.main() ? "main" : "worker", i.thread().map(t -> String.valueOf(t.tid())).orElse("?"), Output.hex(i.heap())));
        }
    }
}
