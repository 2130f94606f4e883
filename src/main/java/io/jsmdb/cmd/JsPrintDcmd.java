package io.jsmdb.cmd;

import io.jsmdb.v8.heap.V8Heap;
import java.util.List;

/** {@code ADDR::jsprint [-a] [-d DEPTH] [-l N] [MEMBER]}: a JavaScript value from the heap. */
public final class JsPrintDcmd implements Dcmd {
    static final int DEFAULT_DEPTH = 2;
    static final int DEFAULT_CHARS = 4096;
    static final int DEFAULT_ITEMS = 1000;

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
                an object that contains itself prints as [Circular ADDR]. jsmdb expands at
                most 1000 levels: deeper containers print as their summary followed by
                "<deeper than 1000 levels: not expanded>".
                  -a        show the address of every heap value (ADDR: value)
                  -d DEPTH  nesting depth to expand (default 2, at most 1000)
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
        int chars = DEFAULT_CHARS, items = DEFAULT_ITEMS;
        if (args.value('l').isPresent()) {
            chars = args.intNumber('l', DEFAULT_CHARS);
            items = chars;
        }
        V8Heap heap = JsHeapDcmds.heap(ctx);
        long addr = JsHeapDcmds.objectAddress(inv, heap);
        JsFormatter f = new JsFormatter(heap, depth, chars, items, args.flag('a'));
        long v = addr;
        try {
            if (!args.positional().isEmpty()) {
                try {
                    v = f.member(addr, args.positional().getFirst());
                } catch (IllegalArgumentException e) {
                    throw new DcmdException(e.getMessage());
                }
            }
            f.print(v, ctx.out()); // streamed: memory follows the pending piece, not the whole text
        } catch (RuntimeException e) {
            throw JsHeapDcmds.failure(v, e);
        }
    }
}
