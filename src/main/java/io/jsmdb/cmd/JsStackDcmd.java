package io.jsmdb.cmd;

import io.jsmdb.core.CoreFile;
import io.jsmdb.core.MemoryFault;
import io.jsmdb.core.ThreadState;
import io.jsmdb.v8.frames.StackWalker;
import java.util.List;

/** {@code ::jsstack [-av] [-n N] [-t TID] [-A]}: the mixed native / JavaScript stack. */
public final class JsStackDcmd implements Dcmd {
    @Override public String name() { return "jsstack"; }
    @Override public String usage() { return "[-avA] [-n N] [-t TID]"; }
    @Override public String summary() { return "native and JavaScript frames of the faulting thread (or -t TID, -A all)"; }
    @Override public List<String> options() { return List.of("-a", "-v", "-n", "-t", "-A"); }
    @Override public AddressMode addressMode() { return AddressMode.NONE; }

    @Override
    public String help() {
        return """
                Walks a thread's stack through C++ and V8 frames, innermost first, in mdb_v8's
                form: "native: symbol+0x.." for native frames, "js:     name" for JavaScript
                frames (<anonymous> (as inferred.name) when V8 only inferred a name), and
                "(N internal frames elided)" for V8's entry, exit, stub and other internal
                frames. Functions inlined into optimized code get their own js: line.
                  -a       show every frame, each prefixed by its frame pointer, internal
                           frames as "internal: <FrameType> Builtins_..."; JS frames add their
                           JSFunction
                  -v       for each JS frame: file (script name; eval origin for eval code),
                           posn (the line and column that was executing, from the bytecode
                           offset or the optimized code's position table; marked when only the
                           function's start is known), code (the frame's kind: interpreted,
                           baseline, maglev, turbofan, inlined into F, builtin, exit (C++
                           builtin), exit (API callback)), this and every argument the call
                           received; inlined frames: "(inlined: not on the stack)"
                  -n N     N source lines either side of the executing line (from the
                           Script's source in the heap)
                  -t TID   the thread (see ::threads); default: the thread that faulted
                  -A       every thread""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs args = DcmdArgs.parse(this, inv.args(), "avAn:t:").expectPositional(0, 0);
        JsFramePrinter.Options o = new JsFramePrinter.Options(args.flag('a'), args.flag('v'), args.intNumber('n', 0));
        StackWalker w = ctx.target().stackWalker();
        if (args.flag('A')) {
            boolean first = true;
            for (ThreadState t : ctx.target().core().threads()) {
                if (!first) ctx.out().println("");
                first = false;
                ctx.out().println("THREAD " + t.tid() + (t.index() == 0 && t.signal() != 0 ? " (faulting)" : ""));
                JsFramePrinter.print(ctx, w, w.walk(t), o);
                warnIfStackMissing(ctx, t);
            }
            return;
        }
        ThreadState t = RegsDcmd.selectThread(this, ctx, args);
        JsFramePrinter.print(ctx, w, w.walk(t), o);
        warnIfStackMissing(ctx, t);
    }

    /**
     * A core cut short (a full disk, a core size limit) loses the stacks first: they are mapped
     * high and written last. The walk then has only the registers' frame, so the user is told why
     * the stack is that short rather than shown one frame as if it were the whole stack.
     */
    private static void warnIfStackMissing(DcmdContext ctx, ThreadState t) {
        String why = stackMissing(ctx.target().core(), t);
        if (why != null) ctx.warn(why);
    }

    /** One line saying that thread t's stack is not in the core, and why; null when it is there. */
    static String stackMissing(CoreFile core, ThreadState t) {
        long sp = t.registers().sp();
        try {
            core.readLong(sp);
            return null;
        } catch (MemoryFault f) {
            String reason = String.valueOf(f.getMessage()).replaceFirst("^cannot read \\d+ bytes? at 0x[0-9a-f]+: ", "");
            return String.format("thread %d: its stack (%s 0x%x) is not in the core (%s): only the frame in its registers is known",
                    t.tid(), core.arch().spName(), sp, reason);
        }
    }
}
