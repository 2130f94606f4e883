package io.jsmdb.cmd;

import java.util.List;

/** {@code ::help [dcmd]}. */
final class HelpDcmd implements Dcmd {
    private static final String INTRO = """
            jsmdb reads mdb's command language:
              ::dcmd [args]          run a dcmd
              ADDR::dcmd [args]      run it on an address: hex (with or without 0x) or 0t decimal
              ::a | ::b              dcmd pipe: run ::b once for each address ::a emits
              ::a ! sort -k2         shell pipe: send the text output of ::a through sh -c
              !command               run a shell command
              cmd1; cmd2             several commands on one line
              $q, ::quit, Ctrl-D     leave; Ctrl-C cancels the running command
            Words are separated by blanks; quote them with '...' or "...".

            dcmds:""";

    @Override public String name() { return "help"; }
    @Override public String usage() { return "[dcmd]"; }
    @Override public String summary() { return "explain the command language, or one dcmd"; }
    @Override public String help() {
        return """
                Without an argument, explains the command syntax and lists the dcmds.
                With the name of a dcmd (with or without the leading ::), shows its
                synopsis and what its options do.""";
    }
    @Override public List<String> options() { return List.of(); }
    @Override public AddressMode addressMode() { return AddressMode.NONE; }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        List<String> pos = DcmdArgs.parse(this, inv.args(), "").expectPositional(0, 1).positional();
        Output out = ctx.out();
        if (pos.isEmpty()) {
            out.println(INTRO);
            DcmdsDcmd.list(ctx, "  ");
            out.println("");
            out.println("::help DCMD explains one.");
            return;
        }
        String name = pos.getFirst().replaceFirst("^::", "");
        Dcmd d = ctx.registry().lookup(name)
                .orElseThrow(() -> new DcmdException("unknown dcmd '" + name + "'; ::dcmds lists them"));
        out.println("NAME");
        out.println("  " + d.name() + " - " + d.summary());
        out.println("");
        out.println("SYNOPSIS");
        out.println("  " + d.synopsis());
        String help = d.help();
        if (help != null && !help.isBlank()) {
            out.println("");
            out.println("DESCRIPTION");
            help.strip().lines().forEach(l -> out.println(l.isBlank() ? "" : "  " + l));
        }
    }
}
