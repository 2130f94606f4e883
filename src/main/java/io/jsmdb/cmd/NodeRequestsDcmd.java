package io.jsmdb.cmd;

import io.jsmdb.node.NodeHandles;
import java.util.ArrayList;
import java.util.List;

/** {@code ::noderequests}: node's requests in flight (fs, dns, writes, connects). */
public final class NodeRequestsDcmd implements Dcmd {
    @Override public String name() { return "noderequests"; }
    @Override public String usage() { return ""; }
    @Override public String summary() { return "requests in flight: fs operations, dns lookups, writes, connects"; }
    @Override public List<String> options() { return List.of(); }
    @Override public AddressMode addressMode() { return AddressMode.NONE; }

    @Override
    public String help() {
        return """
                Lists node's requests that had not completed, as process.getActiveResourcesInfo()
                names them (FSReqCallback, FSReqPromise, GetAddrInfoReqWrap, WriteWrap,
                TCPConnectWrap, ...), one line each: the request object's address (pipe it into
                ::jsprint), its class, and what it was about: for a file-system request the
                operation and path (from libuv's request inside node's C++ object), and what node
                stored on the object: the callback that would have run (oncomplete) and where it
                was defined, a hostname, an address and port, the bytes to write. Node holds a
                request's object in a strong global handle from the call until its callback has
                run; those handles are what is listed.""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs.parse(this, inv.args(), "").expectPositional(0, 0);
        List<String> warnings = new ArrayList<>();
        List<NodeHandles.Handle> reqs = new NodeHandles(ctx.target()).requests(warnings);
        for (String w : warnings) ctx.warn(w);
        Output out = ctx.out();
        if (!out.addressesPiped()) out.println(String.format("%-14s %-20s %s", "REQUEST", "CLASS", "DETAIL"));
        for (NodeHandles.Handle r : reqs) {
            out.emitAddress(r.owner(), String.format("%-14s %-20s %s", Output.hex(r.owner()), Strings.escape(r.ownerClass()),
                    Strings.escape(r.detail())));
        }
    }
}
