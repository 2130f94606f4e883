package io.jsmdb.cmd;

import io.jsmdb.core.Registers;
import io.jsmdb.core.ThreadState;
import java.util.List;

/** {@code ::regs [-t TID]}: a thread's general-purpose registers. */
public final class RegsDcmd implements Dcmd {
    @Override public String name() { return "regs"; }
    @Override public String usage() { return "[-t TID]"; }
    @Override public String summary() { return "general-purpose registers of the faulting thread (or -t TID)"; }
    @Override public List<String> options() { return List.of("-t"); }
    @Override public AddressMode addressMode() { return AddressMode.NONE; }

    @Override
    public String help() {
        return """
                Prints the registers the core recorded for a thread, mdb style
                (%rax = 0x...), with the function the instruction pointer is in.
                  -t TID   the thread (see ::threads); default: the thread that faulted""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs args = DcmdArgs.parse(this, inv.args(), "t:").expectPositional(0, 0);
        ThreadState t = selectThread(this, ctx, args);
        Registers r = t.registers();
        Output out = ctx.out();
        List<String> names = r.names();
        int half = (names.size() + 1) / 2;
        for (int i = 0; i < half; i++) {
            String left = String.format("%%%-8s = 0x%016x", names.get(i), r.values()[i]);
            String right = i + half < names.size() ? String.format("%%%-8s = 0x%016x", names.get(i + half), r.values()[i + half]) : "";
            out.println((left + "    " + right).stripTrailing());
        }
        out.println("");
        out.println(String.format("%%%s %s", r.arch().pcName(), Strings.escape(ctx.target().symbolizer().describe(r.pc()))));
    }

    /** The thread named by -t, or the faulting one. Shared with other per-thread dcmds. */
    static ThreadState selectThread(Dcmd dcmd, DcmdContext ctx, DcmdArgs args) throws DcmdException {
        List<ThreadState> threads = ctx.target().core().threads();
        if (threads.isEmpty()) throw new DcmdException("the core has no threads (no NT_PRSTATUS notes)");
        if (args.value('t').isEmpty()) return threads.getFirst();
        long tid = args.number('t', -1);
        for (ThreadState t : threads) if (t.tid() == tid) return t;
        throw new DcmdException("no thread " + tid + " in the core (::threads lists them)");
    }
}
