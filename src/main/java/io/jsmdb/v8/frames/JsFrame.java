package io.jsmdb.v8.frames;

import io.jsmdb.v8.heap.V8Functions;
import java.util.Optional;

/**
 * What a JavaScript frame holds.
 *
 * @param function     the JSFunction (0 for inlined frames)
 * @param sfi          its SharedFunctionInfo
 * @param name         V8's shared name ("" when anonymous)
 * @param inferredName V8's inferred name ("Module._compile"; "" when none)
 * @param tier         the code that runs it
 * @param script       its Script (0 for builtins)
 * @param scriptName   the script's name or URL; empty for eval code and builtins
 * @param evalOrigin   for eval code: "eval at f (file:L:C)"; else null
 * @param position     the executing line:column, or the function's start (see positionKind), or null
 * @param positionKind how exact position is
 * @param codeOffset   the bytecode offset (interpreted, baseline) or pc offset into the code (optimized); -1 if unknown
 * @param receiver     the receiver ("this") word; 0 if unknown (inlined frames)
 * @param args         the arguments the call received, in order; null if unknown (inlined frames)
 * @param inlinedInto  for inlined frames, the name of the optimized function holding it; else null
 * @param resumed      a generator or async function resumed from its generator object (called by
 *                     ResumeGeneratorTrampoline): its frame holds the formal parameters, so the
 *                     count of arguments the original call passed is not on the stack
 * @param lazyDeopt    optimized code V8 marked for lazy deoptimization while this frame was on the
 *                     stack: the return address was moved into the code's lazy-deopt exits (the
 *                     frame is deoptimized when its callee returns); position and codeOffset are
 *                     those of the call the exit stands for, as V8's stack trace reports them
 */
public record JsFrame(long function, long sfi, String name, String inferredName, Tier tier, long script,
                      Optional<String> scriptName, String evalOrigin, V8Functions.LineColumn position,
                      PositionKind positionKind, int codeOffset, long receiver, long[] args, String inlinedInto,
                      boolean resumed, boolean lazyDeopt) {
    public enum Tier {
        INTERPRETED("interpreted"), BASELINE("baseline"), MAGLEV("maglev"), TURBOFAN("turbofan"),
        /** A builtin with JS linkage (Array.prototype.map): no script. */
        BUILTIN("builtin"),
        /** A C++ builtin (JSON.parse) seen through its BuiltinExitFrame. */
        CPP_BUILTIN("exit (C++ builtin)"),
        /**
         * A C++ API function (a FunctionTemplate's callback: node's process.abort) seen through
         * its ApiCallbackExitFrame (V8 12+) or HandleApiCall's BuiltinExitFrame (V8 9-11).
         */
        API_CALLBACK("exit (API callback)"),
        UNKNOWN("unknown");

        private final String text;
        Tier(String text) { this.text = text; }
        @Override public String toString() { return text; }
    }

    public enum PositionKind {
        /** The line and column that were executing. */
        EXECUTING,
        /** Only the function's start is known (optimized code without a position here, or no position table yet). */
        FUNCTION_START,
        /** Nothing known. */
        NONE
    }

    /** V8's debug name: the name, else the inferred name, else "". */
    public String debugName() { return !name.isEmpty() ? name : inferredName; }

    /**
     * mdb_v8's display: the name, {@code <anonymous> (as inferred)}, or {@code <anonymous>}; an
     * optimized frame whose function could not be read is {@value #OPTIMIZED_NAME_UNKNOWN}.
     */
    public String displayName() {
        if (!name.isEmpty()) return name;
        if (!inferredName.isEmpty()) return "<anonymous> (as " + inferredName + ")";
        if (sfi == 0 && (tier == Tier.MAGLEV || tier == Tier.TURBOFAN)) return OPTIMIZED_NAME_UNKNOWN;
        return "<anonymous>";
    }

    /** The name of an optimized JS frame whose function and SharedFunctionInfo are unreadable. */
    public static final String OPTIMIZED_NAME_UNKNOWN = "<optimized code, name unknown>";

    /** The number of arguments received, or -1 if unknown (inlined or resumed frames). */
    public int argc() { return args == null || resumed ? -1 : args.length; }
}
