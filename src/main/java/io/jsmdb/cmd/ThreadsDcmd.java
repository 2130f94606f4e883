package io.jsmdb.cmd;

import io.jsmdb.core.CoreFile;
import io.jsmdb.core.Signals;
import io.jsmdb.core.ThreadState;
import java.util.List;

/** {@code ::threads}: every thread of the process, where it was, and which one faulted. */
public final class ThreadsDcmd implements Dcmd {
    @Override public String name() { return "threads"; }
    @Override public String usage() { return ""; }
    @Override public String summary() { return "threads: id, signal, instruction pointer and the function it is in"; }
    @Override public List<String> options() { return List.of(); }
    @Override public AddressMode addressMode() { return AddressMode.NONE; }

    @Override
    public String help() {
        return """
                Lists the threads of the dumped process in the core's order (the kernel writes
                the thread that took the fatal signal first; it is marked with '*'), with its
                fatal signal, its instruction and stack pointers, and the native function
                holding the instruction pointer. The thread ids go to -t of ::regs and ::jsstack.""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs.parse(this, inv.args(), "").expectPositional(0, 0);
        CoreFile core = ctx.target().core();
        Output out = ctx.out();
        boolean x86 = ctx.target().core().arch() == io.jsmdb.core.Arch.X86_64;
        out.println(String.format("  %8s %-8s %16s %16s %s", "TID", "SIGNAL", x86 ? "RIP" : "PC", x86 ? "RSP" : "SP", "FUNCTION"));
        for (ThreadState t : core.threads()) {
            ctx.checkCancelled();
            long rip = t.registers().pc();
            out.println(String.format("%s %8d %-8s %16x %16x %s", t.index() == 0 ? "*" : " ", t.tid(),
                    t.index() != 0 || t.signal() == 0 ? "-" : Signals.name(t.signal()), rip, t.registers().sp(),
                    Strings.escape(ctx.target().symbolizer().describe(rip))));
        }
    }
}
