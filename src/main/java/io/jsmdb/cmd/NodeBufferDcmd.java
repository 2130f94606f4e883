package io.jsmdb.cmd;

import io.jsmdb.v8.heap.JsKind;
import io.jsmdb.v8.heap.V8Collections;
import io.jsmdb.v8.heap.V8Heap;
import java.util.List;

/** {@code ADDR::nodebuffer [-v]}: the backing store of a Node Buffer (or any typed array / ArrayBuffer). */
public final class NodeBufferDcmd implements Dcmd {
    @Override public String name() { return "nodebuffer"; }
    @Override public String usage() { return "[-v]"; }
    @Override public String summary() { return "print the backing store address of a Node Buffer"; }
    @Override public List<String> options() { return List.of("-v"); }
    @Override public AddressMode addressMode() { return AddressMode.REQUIRED; }

    @Override
    public String help() {
        return """
                Prints the address of the bytes of the Buffer at ADDR (also any Uint8Array or
                other typed array, DataView or ArrayBuffer), as mdb_v8's ::nodebuffer does; in a
                dcmd pipe the address goes to the next command (e.g. | ::dump).
                  -v   also print the length in bytes, the byte offset into the ArrayBuffer and
                       the ArrayBuffer's address""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs args = DcmdArgs.parse(this, inv.args(), "v").expectPositional(0, 0);
        V8Heap heap = JsHeapDcmds.heap(ctx);
        long addr = JsHeapDcmds.objectAddress(inv, heap);
        try {
            JsKind k = heap.kindOf(addr);
            long data, len;
            String more = "";
            if (k == JsKind.TYPED_ARRAY || k == JsKind.DATA_VIEW) {
                V8Collections.ViewInfo v = heap.collections().view(addr);
                data = v.data();
                len = v.byteLength();
                more = String.format(", offset %d in ArrayBuffer %s", v.byteOffset(), Output.hex(v.buffer()));
            } else if (k == JsKind.ARRAY_BUFFER) {
                V8Collections.BufferInfo b = heap.collections().arrayBuffer(addr);
                data = b.data();
                len = b.byteLength();
            } else {
                throw new DcmdException(Output.hex(addr) + " is not a Buffer, typed array or ArrayBuffer (" + heap.typeName(heap.typeOf(addr)) + ")");
            }
            if (args.flag('v')) ctx.out().emitAddress(data, Output.hex(data) + " (" + len + " bytes" + more + ")");
            else ctx.out().emitAddress(data);
        } catch (RuntimeException e) {
            throw JsHeapDcmds.failure(addr, e);
        }
    }
}
