package io.jsmdb.cmd;

import io.jsmdb.core.ThreadState;
import io.jsmdb.v8.frames.Frame;
import io.jsmdb.v8.frames.StackWalker;
import java.util.ArrayList;
import java.util.List;

/** {@code FP::jsframe [-av] [-n N]}: one frame, given its frame pointer. */
public final class JsFrameDcmd implements Dcmd {
    @Override public String name() { return "jsframe"; }
    @Override public String usage() { return "[-av] [-n N]"; }
    @Override public String summary() { return "one stack frame, given its frame pointer (see ::jsstack -a)"; }
    @Override public List<String> options() { return List.of("-a", "-v", "-n"); }
    @Override public AddressMode addressMode() { return AddressMode.REQUIRED; }

    @Override
    public String help() {
        return """
                Prints the frame whose frame pointer is ADDR, as ::jsstack prints it (the frame
                pointers are in ::jsstack -a). The frame is looked up in the walks of every
                thread, so JS frames show the executing line; frames inlined into an optimized
                frame are printed with it.
                  -a       print the frame pointer and the JSFunction too
                  -v       file, position, code tier, this and the arguments
                  -n N     N source lines either side of the executing line""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs args = DcmdArgs.parse(this, inv.args(), "avn:").expectPositional(0, 0);
        long fp = inv.address().orElseThrow();
        JsFramePrinter.Options o = new JsFramePrinter.Options(args.flag('a'), args.flag('v'), args.intNumber('n', 0));
        StackWalker w = ctx.target().stackWalker();
        for (ThreadState t : ctx.target().core().threads()) {
            ctx.checkCancelled();
            List<Frame> frames = w.walk(t);
            List<Frame> hit = new ArrayList<>();
            for (int i = 0; i < frames.size(); i++) {
                Frame f = frames.get(i);
                if (f.kind() == Frame.Kind.INLINED_JS) {
                    hit.add(f);
                    continue;
                }
                if (f.fp() == fp) {
                    hit.add(f);
                    for (Frame x : hit) JsFramePrinter.printFrame(ctx, w, x, o);
                    return;
                }
                hit.clear();
            }
        }
        throw new DcmdException(String.format("%x is not the frame pointer of a frame on any thread's stack (see ::jsstack -a)", fp));
    }
}
