package io.jsmdb.v8.frames;

import java.util.Optional;

/**
 * One frame of a mixed native / JavaScript stack, innermost first.
 *
 * @param kind      what the frame is
 * @param fp        its frame pointer (0 for inlined JS frames, which have none of their own)
 * @param pc        the PC in it: the return address its callee pushed, or %rip for the top frame
 * @param pcText    where pc is: {@code symbol+0x..}, {@code lib`symbol+0x..}, {@code 0x...} in JIT code
 * @param frameType V8's frame type name for typed frames ("ExitFrame", "StubFrame", ...), else null
 * @param js        the JavaScript details of JS and inlined-JS frames, else null
 */
public record Frame(Kind kind, long fp, long pc, String pcText, String frameType, JsFrame js) {
    public enum Kind {
        /** C++ or a shared library. */
        NATIVE,
        /** A JavaScript function's frame (interpreted, baseline, Maglev, Turbofan, a JS builtin, the exit frame of a C++ builtin or API callback). */
        JS,
        /** A function inlined into the optimized JS frame that follows it. */
        INLINED_JS,
        /** A V8 frame with a type marker: entry, exit, stub, internal, construct, ... */
        V8_INTERNAL,
        /** V8 code (builtin or JIT) whose frame holds no JS function and no marker. */
        V8_CODE,
    }

    public boolean isJs() { return kind == Kind.JS || kind == Kind.INLINED_JS; }

    public Optional<JsFrame> jsFrame() { return Optional.ofNullable(js); }
}
