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
                Prints the JavaScript value at ADDR (a tagged pointer, as jsmdb prints them) as
                util.inspect (console.log) of the core's Node version prints it, with its default
                options: 'strings' quoted and escaped, { key: value } objects, Foo { ... } class
                instances, [ 1, <1 empty item> ] arrays, Map(2) { 'a' => 1 }, Set(1) { 1 },
                <Buffer 6b 69 6f>, Uint8Array(3) [ 1, 2, 3 ], [Symbol(kHeaders)] keys, [Getter],
                [Function: f], [class Foo], Errors (their stack), Promise { 1 }, [Number: 3],
                <ref *1> ... [Circular *1], lines broken at 80 columns. Private class fields are
                added as DevTools shows them (#context: ...). What needs running JavaScript cannot
                be had: getters print as [Getter], custom inspect methods are not run. jsmdb
                expands at most 1000 levels whatever -d says: deeper objects print as their
                summary followed by "<deeper than 1000 levels: not expanded>".
                  -a        also show the address of every heap value (ADDR: value) and where
                            functions were defined
                  -d DEPTH  util.inspect's depth: deeper objects print as [Object] (default 2)
                  -l N      show at most N characters of a string and N elements, entries, bytes
                            or properties of a container (default 10000 characters, 100 items,
                            1000 properties); what is cut says so
                  MEMBER    print a member instead: .config.port, .items[3], [odd-key],
                            [Symbol(kHeaders)], .#context (a private field)
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
            f.print(v, ctx.out()); // streamed: memory follows the pending piece, not the whole text
        } catch (RuntimeException e) {
            throw JsHeapDcmds.failure(v, e);
        }
    }
}
