package io.jsmdb.cmd;

import io.jsmdb.core.MemoryFault;
import io.jsmdb.v8.heap.HeapException;
import io.jsmdb.v8.heap.V8Functions;
import io.jsmdb.v8.heap.V8Heap;
import java.util.List;
import java.util.OptionalLong;

/** {@code FUNC::jssource [-n N]}: a function's source text. */
public final class JsSourceDcmd implements Dcmd {
    @Override public String name() { return "jssource"; }
    @Override public String usage() { return "[-n N]"; }
    @Override public String summary() { return "the source of a JSFunction (or SharedFunctionInfo)"; }
    @Override public List<String> options() { return List.of("-n"); }
    @Override public AddressMode addressMode() { return AddressMode.REQUIRED; }

    @Override
    public String help() {
        return """
                Prints the source lines of the function at ADDR (a JSFunction, e.g. from
                ::jsstack -a, or a SharedFunctionInfo), numbered with the script's line
                numbers, after a "file:" line naming the script.
                  -n N     also N lines of context before and after the function (default 0)""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs args = DcmdArgs.parse(this, inv.args(), "n:").expectPositional(0, 0);
        int n = args.intNumber('n', 0);
        long addr = inv.address().orElseThrow();
        V8Heap heap = JsHeapDcmds.heap(ctx);
        OptionalLong shared = heap.functions().sharedFunctionInfo(addr);
        if (shared.isEmpty()) throw new DcmdException(String.format("%x is not a JSFunction or SharedFunctionInfo", addr));
        try {
            long sfi = shared.getAsLong();
            long script = heap.functions().sfiScript(sfi);
            int[] range = heap.functions().sourceRange(sfi);
            if (script == 0 || range == null) {
                String name = heap.functions().sfiDebugName(sfi);
                throw new DcmdException(String.format("%x (%s) has no source in a script (a builtin or API function?)", addr,
                        name.isEmpty() ? "<anonymous>" : name));
            }
            V8Functions.LineColumn a = heap.functions().lineColumn(script, range[0]), b = heap.functions().lineColumn(script, Math.max(range[0], range[1] - 1));
            if (a == null || b == null) throw new DcmdException("the script's source is not readable in the core");
            ctx.out().println("file: " + Strings.escape(heap.functions().scriptName(script).orElse("<anonymous>")));
            // saturating: -n 2147483647 means every line, not an int overflow that shows none
            for (String[] l : heap.functions().sourceLines(script, Math.max(1, a.line() - n), Numbers.saturatedAdd(b.line(), n))) {
                ctx.checkCancelled();
                ctx.out().println(String.format("%5s %s", l[0], Strings.escape(l[1])));
            }
        } catch (MemoryFault | HeapException e) {
            throw JsHeapDcmds.failure(addr, e);
        }
    }
}
