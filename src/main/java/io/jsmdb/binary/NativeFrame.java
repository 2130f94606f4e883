package io.jsmdb.binary;

/**
 * One frame of a native stack walk.
 *
 * @param pc          the frame's pc: the thread's rip for the top frame, else the return address
 *                    into this frame (the exact pc for the frame interrupted by a signal)
 * @param sp          the frame's rsp (for a caller: its value right after the call returned)
 * @param fp          the frame's rbp as unwound (0 when it is unknown)
 * @param description {@code symbol+0xoff} (see {@link NativeSymbolizer#describe}); for a return
 *                    address, the symbol is that of the call instruction (pc-1), as debuggers do
 * @param viaCfi      true when this frame was found by a CFI step from its callee, false for the
 *                    top frame and for frames found by the frame-pointer chain
 */
public record NativeFrame(long pc, long sp, long fp, String description, boolean viaCfi) {
    @Override
    public String toString() {
        return String.format("%016x %016x %s", sp, pc, description);
    }
}
