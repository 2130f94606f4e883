package io.jsmdb.cmd;

import java.util.List;

/** {@code ::dcmds}: every dcmd with its summary. */
final class DcmdsDcmd implements Dcmd {
    @Override public String name() { return "dcmds"; }
    @Override public String usage() { return ""; }
    @Override public String summary() { return "list the dcmds"; }
    @Override public String help() { return "Lists every dcmd, sorted by name, with a one-line summary. ::help NAME explains one."; }
    @Override public List<String> options() { return List.of(); }
    @Override public AddressMode addressMode() { return AddressMode.NONE; }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs.parse(this, inv.args(), "").expectPositional(0, 0);
        list(ctx, "");
    }

    /** {@code name - summary} lines, names padded to one width. */
    static void list(DcmdContext ctx, String indent) {
        List<Dcmd> all = ctx.registry().all();
        int width = all.stream().mapToInt(d -> d.name().length()).max().orElse(0);
        for (Dcmd d : all) {
            ctx.out().println(indent + pad(d.name(), width) + " - " + d.summary());
        }
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
