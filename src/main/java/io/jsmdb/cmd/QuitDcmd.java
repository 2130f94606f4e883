package io.jsmdb.cmd;

import java.util.List;

/** {@code ::quit} (also {@code $q}). */
final class QuitDcmd implements Dcmd {
    @Override public String name() { return "quit"; }
    @Override public String usage() { return ""; }
    @Override public String summary() { return "leave jsmdb (also $q, Ctrl-D)"; }
    @Override public String help() { return "Ends the session. Commands after it in a -e, -f or stdin script do not run."; }
    @Override public List<String> options() { return List.of(); }
    @Override public AddressMode addressMode() { return AddressMode.NONE; }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs.parse(this, inv.args(), "").expectPositional(0, 0);
        throw new QuitSignal();
    }
}
