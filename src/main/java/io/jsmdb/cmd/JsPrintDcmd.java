package io.jsmdb.cmd;

import io.jsmdb.node.NodeVersion;
import io.jsmdb.v8.heap.V8Heap;
import java.util.List;

/** {@code ADDR::jsprint [-a] [-d DEPTH] [-l N] [MEMBER]}: a JavaScript value from the heap. */
public final class JsPrintDcmd implements Dcmd {
    /** util.inspect's defaults: depth 2, maxStringLength 10000, maxArrayLength 100. */
    static final int DEFAULT_DEPTH = 2;
    static final int DEFAULT_CHARS = 10_000;
    static final int DEFAULT_ITEMS = 100;
    /** util.inspect shows every property of an object; jsmdb stops at this many. */
    static final int DEFAULT_PROPERTIES = 1000;

    @Override public String name() { return "jsprint"; }
    @Override public String usage() { return "[-a] [-d DEPTH] [-l N] [MEMBER]"; }
    @Override public String summary() { return "print a JavaScript value (object, array, string, number, ...)"; }
    @Override public List<String> options() { return List.of("-a", "-d", "-l"); }
    @Override public AddressMode addressMode() { return AddressMode.REQUIRED; }

    @Override
    public String help() {
        return """
                Prints the JavaScript value at ADDR (a tagged pointer, as jsmdb prints them) the
                way a JavaScript developer reads it: objects as { key: value, ... } over several
                lines, arrays as [ ... ] (holes as <hole>), strings quoted and escaped, numbers,
                BigInts (123n), symbols, functions with their definition site ([Function: f]
                (file.js:10:5)), classes, bound functions, Dates (ISO time), RegExps (/src/flags),
                Errors (message and stack), Map / Set / WeakMap / WeakSet entries, Promise state
                and result, ArrayBuffer / typed arrays / DataView / Buffer (length, values, first
                bytes in hex), boxed primitives, Proxy, arguments, generators.
                Containers nested deeper than DEPTH print as a summary ([Object], [Array(3)]);
                an object that contains itself prints as [Circular ADDR].
                  -a        show the address of every heap value (ADDR: value)
                  -d DEPTH  nesting depth to expand (default 2)
                  -l N      show at most N characters of a string and N elements, properties,
                            entries or bytes of a container (default 4096 characters and 1000
                            items); what is cut says so
                  MEMBER    print a member instead: .config.port, .items[3], ["odd key"]
                Addresses can come from a pipe: ::findjsobjects -c Foo | ::jsprint""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs args = DcmdArgs.parse(this, inv.args(), "ad:l:").expectPositional(0, 1);
        int depth = args.intNumber('d', DEFAULT_DEPTH);
        int chars = DEFAULT_CHARS, items = DEFAULT_ITEMS, props = DEFAULT_PROPERTIES;
        if (args.value('l').isPresent()) {
            chars = args.intNumber('l', DEFAULT_CHARS);
            items = chars;
            props = chars;
        }
        V8Heap heap = JsHeapDcmds.heap(ctx);
        long addr = JsHeapDcmds.objectAddress(inv, heap);
        int major = ctx.target().nodeVersion().map(NodeVersion::major).orElse(0);
        JsFormatter f = new JsFormatter(heap, major, depth, chars, items, props, args.flag('a'));
        long v = addr;
        try {
            if (!args.positional().isEmpty()) {
                try {
                    v = f.member(addr, args.positional().getFirst());
                } catch (IllegalArgumentException e) {
                    throw new DcmdException(e.getMessage());
                }
            }
            String text = f.format(v);
            ctx.out().println(text);
        } catch (RuntimeException e) {
            throw JsHeapDcmds.failure(v, e);
        }
    }
}
