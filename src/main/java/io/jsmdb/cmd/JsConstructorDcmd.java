package io.jsmdb.cmd;

import io.jsmdb.v8.heap.V8Heap;
import java.util.List;
import java.util.OptionalLong;

/** {@code ADDR::jsconstructor [-v]}: the name of the constructor of a JavaScript object. */
public final class JsConstructorDcmd implements Dcmd {
    @Override public String name() { return "jsconstructor"; }
    @Override public String usage() { return "[-v]"; }
    @Override public String summary() { return "print the constructor name of a JavaScript object"; }
    @Override public List<String> options() { return List.of("-v"); }
    @Override public AddressMode addressMode() { return AddressMode.REQUIRED; }

    @Override
    public String help() {
        return """
                Prints the name of the constructor of the object at ADDR, the name V8's heap
                snapshot gives it: "Object" for plain objects, "Foo" for instances of class or
                function Foo, "Array", "Map", ...
                  -v   also print the address of the constructor function, when the object's
                       map records it: NAME (JSFunction: ADDR)""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs args = DcmdArgs.parse(this, inv.args(), "v").expectPositional(0, 0);
        V8Heap heap = JsHeapDcmds.heap(ctx);
        long addr = JsHeapDcmds.objectAddress(inv, heap);
        try {
            V8Heap.MapInfo mi = heap.mapInfoOf(addr);
            if (!heap.isJSObjectType(mi.instanceType())) {
                throw new DcmdException(Output.hex(addr) + " is a " + heap.typeName(mi.instanceType()) + ", not a JavaScript object");
            }
            String name = Strings.escape(heap.constructorNameOf(addr).orElse("Object"));
            if (args.flag('v')) {
                OptionalLong f = heap.constructorFunction(mi.map());
                ctx.out().println(f.isPresent() ? name + " (JSFunction: " + Output.hex(f.getAsLong()) + ")" : name + " (no constructor function)");
            } else {
                ctx.out().println(name);
            }
        } catch (RuntimeException e) {
            throw JsHeapDcmds.failure(addr, e);
        }
    }
}
