package io.jsmdb.v8.frames;

import io.jsmdb.core.AddressSpace;

/** Reads the words of frames and code on the stack and in code space, where bad memory is normal. */
final class FrameSlots {
    private FrameSlots() {}

    /** The word at a raw address, or 0 when it is unreadable. */
    static long word(AddressSpace mem, long addr) {
        try {
            return mem.readLong(addr);
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
