package io.jsmdb.cmd;

import io.jsmdb.node.NodeHandles;
import java.util.ArrayList;
import java.util.List;

/** {@code ::nodehandles}: what kept the event loop alive: servers, sockets, child processes, timers. */
public final class NodeHandlesDcmd implements Dcmd {
    @Override public String name() { return "nodehandles"; }
    @Override public String usage() { return ""; }
    @Override public String summary() { return "the active handles of the event loop: servers, sockets, child processes, timers"; }
    @Override public List<String> options() { return List.of(); }
    @Override public AddressMode addressMode() { return AddressMode.NONE; }

    @Override
    public String help() {
        return """
                Lists what kept the event loop alive, as process.getActiveResourcesInfo()
                counts it: libuv's handles that are active and referenced and belong to a JavaScript
                object (TCP servers and sockets, pipes, TTYs, child processes, ...), then node's
                JavaScript timers (setTimeout, setInterval), one line each: the type, the address of
                the JavaScript owner (the net.Server, net.Socket, ChildProcess or Timeout; pipe it
                into ::jsprint), its class, and what matters: a server's listening address, a
                socket's fd and its addresses when node had cached them (socket.localPort or
                remoteAddress was read), a child's pid and command, a timer's period and callback
                with where it was defined. Node's own internal handles are left out.
                The loop is the main thread's, or after ::isolate N that worker's own (found on
                its thread's stack), with the worker's timers; ::noderequests follows it too.""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs.parse(this, inv.args(), "").expectPositional(0, 0);
        List<String> warnings = new ArrayList<>();
        List<NodeHandles.Handle> handles = new NodeHandles(ctx.target()).handles(warnings);
        for (String w : warnings) ctx.warn(w);
        Output out = ctx.out();
        if (!out.addressesPiped()) out.println(String.format("%-12s %-14s %-14s %s", "TYPE", "OWNER", "CLASS", "DETAIL"));
        for (NodeHandles.Handle h : handles) {
            long addr = h.owner() != 0 ? h.owner() : h.wrapper();
            out.emitAddress(addr, String.format("%-12s %-14s %-14s %s", h.type(), Output.hex(addr),
                    Strings.escape(h.ownerClass().isEmpty() ? "-" : h.ownerClass()), Strings.escape(h.detail())));
        }
    }
}
