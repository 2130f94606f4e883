package io.jsmdb.cmd;

import java.util.List;

/** A dcmd for tests: its body is a lambda. */
public record FakeDcmd(String name, AddressMode addressMode, String usage, List<String> options, Body body) implements Dcmd {
    @FunctionalInterface
    public interface Body {
        void run(Dcmd self, DcmdContext ctx, Invocation inv) throws DcmdException;
    }

    public static FakeDcmd of(String name, AddressMode mode, Body body) {
        return new FakeDcmd(name, mode, "[-v]", List.of("-v"), body);
    }

    @Override public String summary() { return "fake " + name; }
    @Override public String help() { return "A fake dcmd.\nSecond line."; }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        body.run(this, ctx, inv);
    }
}
