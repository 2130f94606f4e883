package io.jsmdb.cmd;

import io.jsmdb.v8.heap.V8Heap;
import java.util.List;

/** {@code ADDR::v8type}: the V8 instance type of a heap object, by name from the metadata. */
public final class V8TypeDcmd implements Dcmd {
    @Override public String name() { return "v8type"; }
    @Override public String usage() { return ""; }
    @Override public String summary() { return "print the V8 instance type of a heap object"; }
    @Override public List<String> options() { return List.of(); }
    @Override public AddressMode addressMode() { return AddressMode.REQUIRED; }

    @Override
    public String help() {
        return """
                Prints the instance type of the heap object at ADDR: its number and name
                (JS_OBJECT_TYPE, SEQ_ONE_BYTE_STRING_TYPE, ...) from the binary's v8dbg metadata,
                with the V8 class when the metadata names it, and the map's address:
                    ADDR: JS_OBJECT_TYPE (0x421, JSObject), map MAP
                A Smi prints as "ADDR: Smi N".""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs.parse(this, inv.args(), "").expectPositional(0, 0);
        V8Heap heap = JsHeapDcmds.heap(ctx);
        long addr = inv.address().orElseThrow();
        if (heap.isSmi(addr)) {
            ctx.out().println(Output.hex(addr) + ": Smi " + heap.smiValue(addr));
            return;
        }
        addr = JsHeapDcmds.objectAddress(inv, heap);
        try {
            V8Heap.MapInfo mi = heap.mapInfoOf(addr);
            int t = mi.instanceType();
            String cls = heap.metadata().typeClassName(t).map(c -> ", " + c).orElse("");
            ctx.out().println(String.format("%s: %s (0x%x%s), map %s", Output.hex(addr), heap.typeName(t), t, cls, Output.hex(mi.map())));
        } catch (RuntimeException e) {
            throw JsHeapDcmds.failure(addr, e);
        }
    }
}
