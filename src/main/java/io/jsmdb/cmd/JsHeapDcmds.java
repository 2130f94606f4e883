package io.jsmdb.cmd;

import io.jsmdb.core.MemoryFault;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.v8.MissingMetadataException;
import io.jsmdb.v8.heap.HeapException;
import io.jsmdb.v8.heap.V8Heap;

/** Shared plumbing of the heap dcmds: the target's heap model, and one-line failures. */
final class JsHeapDcmds {
    private JsHeapDcmds() {}

    /** The target's heap model (one per target, so per-map facts are reused across commands). */
    static V8Heap heap(DcmdContext ctx) throws DcmdException {
        NodeTarget t = ctx.target();
        if (t == null) throw new DcmdException("no core is open");
        try {
            return t.heap();
        } catch (MissingMetadataException e) {
            throw new DcmdException("cannot decode the V8 heap: " + e.getMessage());
        }
    }

    /** The address to work on; a Smi or a word without the heap-object tag is refused in one line. */
    static long objectAddress(Invocation inv, V8Heap heap) throws DcmdException {
        long addr = inv.address().orElseThrow();
        if (heap.isSmi(addr)) {
            throw new DcmdException(String.format("%s is a Smi (value %d), not a heap object", Output.hex(addr), heap.smiValue(addr)));
        }
        if (!heap.isHeapObject(addr)) {
            throw new DcmdException(String.format("%s is not a tagged heap object pointer (low bits %d; heap objects end in binary 01)",
                    Output.hex(addr), addr & 3));
        }
        return addr;
    }

    /** A decoding failure as the one line the user reads. */
    static DcmdException failure(long addr, RuntimeException e) {
        // a closed output or Ctrl-C is not a decoding failure: it stops the command as it is
        if (e instanceof OutputClosedException || e instanceof CancelledException) throw e;
        if (e instanceof MemoryFault f) {
            return new DcmdException(String.format("%s: memory at %s is not in the core (%s)", Output.hex(addr), Output.hex(f.address()),
                    Strings.escape(String.valueOf(f.getMessage()))), e);
        }
        if (e instanceof HeapException h) return new DcmdException(Strings.escape(h.getMessage()), e);
        if (e instanceof MissingMetadataException m) return new DcmdException("missing V8 metadata: " + m.getMessage(), e);
        return new DcmdException(Output.hex(addr) + ": cannot decode: " + e, e);
    }
}
