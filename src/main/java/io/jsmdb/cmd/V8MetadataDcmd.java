package io.jsmdb.cmd;

import java.util.List;
import io.jsmdb.v8.V8Metadata;

/** {@code ::v8metadata [PREFIX]}: the v8dbg_* postmortem constants of the node binary. */
public final class V8MetadataDcmd implements Dcmd {
    @Override public String name() { return "v8metadata"; }
    @Override public String usage() { return "[PREFIX]"; }
    @Override public String summary() { return "V8 postmortem metadata (v8dbg_* constants) of the node binary"; }
    @Override public List<String> options() { return List.of(); }
    @Override public AddressMode addressMode() { return AddressMode.NONE; }

    @Override
    public String help() {
        return """
                Lists the v8dbg_* constants the node binary carries, NAME VALUE, sorted by name,
                without the v8dbg_ prefix. With PREFIX, only the names that start with it
                (with or without v8dbg_), e.g. ::v8metadata class_JSObject or ::v8metadata frametype.""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs args = DcmdArgs.parse(this, inv.args(), "").expectPositional(0, 1);
        String prefix = args.positional().isEmpty() ? "" : args.positional().getFirst();
        List<V8Metadata.Constant> all = ctx.target().metadata().describe(prefix);
        if (all.isEmpty()) throw new DcmdException("no v8dbg constant starts with '" + Strings.escape(prefix) + "'");
        int width = all.stream().mapToInt(c -> c.name().length()).max().orElse(10);
        for (V8Metadata.Constant c : all) {
            ctx.checkCancelled();
            ctx.out().println(String.format("%-" + width + "s %d", c.name(), c.value()));
        }
    }
}
