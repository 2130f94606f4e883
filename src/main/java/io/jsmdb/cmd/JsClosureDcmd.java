package io.jsmdb.cmd;

import io.jsmdb.v8.heap.JsKind;
import io.jsmdb.v8.heap.V8Functions;
import io.jsmdb.v8.heap.V8Heap;
import java.util.List;

/** {@code ADDR::jsclosure}: the variables a closure captured (its context's locals). */
public final class JsClosureDcmd implements Dcmd {
    @Override public String name() { return "jsclosure"; }
    @Override public String usage() { return ""; }
    @Override public String summary() { return "print the variables captured by a closure"; }
    @Override public List<String> options() { return List.of(); }
    @Override public AddressMode addressMode() { return AddressMode.REQUIRED; }

    @Override
    public String help() {
        return """
                Prints the context-allocated variables of the function at ADDR: the variables of
                its own scope that inner functions capture, each as
                    "name": ADDR: value
                (mdb_v8's format; ADDR is empty for Smis). Variables that live only in registers
                are not in the heap and are not shown.""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs.parse(this, inv.args(), "").expectPositional(0, 0);
        V8Heap heap = JsHeapDcmds.heap(ctx);
        long addr = JsHeapDcmds.objectAddress(inv, heap);
        try {
            if (heap.kindOf(addr) != JsKind.FUNCTION) {
                throw new DcmdException(Output.hex(addr) + " is not a JavaScript function (" + heap.typeName(heap.typeOf(addr)) + ")");
            }
            // depth -1: one summary per variable ([Object], [Function: f], 'text'), as util.inspect prints beyond its depth
            JsFormatter f = new JsFormatter(heap, -1, 256, 16, false);
            List<V8Functions.ContextVariable> vars = heap.functions().closureVariables(addr, 10_000);
            if (vars.isEmpty()) ctx.out().println("(no context variables)");
            for (V8Functions.ContextVariable v : vars) {
                ctx.checkCancelled();
                String value;
                try {
                    value = f.format(v.value());
                } catch (RuntimeException e) {
                    value = "<" + Strings.escape(String.valueOf(e.getMessage())) + ">";
                }
                String name = v.name() != null ? JsFormatter.quote(v.name()) : "<" + Output.hex(v.nameObject()) + ": not a readable name>";
                ctx.out().println("    " + name + ": " + (heap.isHeapObject(v.value()) ? Output.hex(v.value()) + ": " : "")
                        + value);
            }
        } catch (RuntimeException e) {
            throw JsHeapDcmds.failure(addr, e);
        }
    }
}
