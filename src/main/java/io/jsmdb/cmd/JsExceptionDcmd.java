package io.jsmdb.cmd;

import io.jsmdb.node.DeathCause;
import io.jsmdb.node.FatalException;
import io.jsmdb.node.NodeVersion;
import io.jsmdb.v8.heap.V8Heap;
import java.util.List;
import java.util.Optional;

/** {@code ::jsexception [-a] [-d DEPTH]}: the thrown value that killed the process. */
public final class JsExceptionDcmd implements Dcmd {
    @Override public String name() { return "jsexception"; }
    @Override public String usage() { return "[-a] [-d DEPTH]"; }
    @Override public String summary() { return "the exception or rejection that killed the process, as node reports it"; }
    @Override public List<String> options() { return List.of("-a", "-d"); }
    @Override public AddressMode addressMode() { return AddressMode.NONE; }

    @Override
    public String help() {
        return """
                Prints the JavaScript value whose throw ended the process: an uncaught exception
                under --abort-on-uncaught-exception (the value V8 was throwing when it aborted), an
                unhandled promise rejection (the reason node's triggerUncaughtException was given),
                or an error node itself was reporting as fatal. The first line says which, where
                it was thrown (or which JavaScript function handed it to node) and the value's
                address; then the value as util.inspect prints it, as node prints a fatal error:
                class, message and stack, then own properties such as code and errno, and the
                [cause] chain. A stack V8 had not formatted yet (nobody read error.stack) is
                formatted from the call sites V8 captured, async frames included, as V8 would.
                A core without a thrown value (process.abort(), a native crash, out of memory, a
                gcore of a running process) says so and names the cause. A thrown Smi (throw 42)
                cannot be told from an integer on the stack and is not found.
                  -a        also show the address of every heap value, as ::jsprint -a
                  -d DEPTH  util.inspect's depth (default 2)
                In a dcmd pipe the value's address goes to the next dcmd: ::jsexception | ::jsretainers""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs args = DcmdArgs.parse(this, inv.args(), "ad:").expectPositional(0, 0);
        int depth = args.intNumber('d', JsPrintDcmd.DEFAULT_DEPTH);
        Optional<FatalException> ex = FatalException.of(ctx.target());
        if (ex.isEmpty()) {
            ctx.out().println("no exception: " + DeathCause.of(ctx.target()).text());
            return;
        }
        FatalException e = ex.get();
        V8Heap heap = JsHeapDcmds.heap(ctx);
        String where = e.where().isEmpty() ? ""
                : (e.kind() == FatalException.Kind.UNCAUGHT ? ", thrown in " : ", handed to node by ") + Strings.escape(e.where());
        // in a dcmd pipe (::jsexception | ::jsprint -a) the value's address goes on, alone
        ctx.out().emitAddress(e.value(), e.describe() + where + String.format(": 0x%x", e.value()));
        if (ctx.out().addressesPiped()) return;
        int major = ctx.target().nodeVersion().map(NodeVersion::major).orElse(0);
        JsFormatter f = new JsFormatter(heap, major, depth, JsPrintDcmd.DEFAULT_CHARS, JsPrintDcmd.DEFAULT_ITEMS,
                JsPrintDcmd.DEFAULT_PROPERTIES, args.flag('a'));
        try {
            f.print(e.value(), ctx.out());
        } catch (RuntimeException x) {
            throw JsHeapDcmds.failure(e.value(), x);
        }
    }
}
