package io.jsmdb.binary;

import java.lang.foreign.MemorySegment;

/** One ELF note (from a PT_NOTE segment or SHT_NOTE section); desc is a zero-copy slice of the mapped file. */
public record Note(String name, int type, MemorySegment desc) {
    public static final int NT_GNU_BUILD_ID = 3;
}
