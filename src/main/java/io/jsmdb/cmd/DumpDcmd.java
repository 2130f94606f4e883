package io.jsmdb.cmd;

import io.jsmdb.core.CoreFile;
import java.util.List;

/** {@code ADDR::dump [-n LEN]}: raw bytes of the address space, hex and ASCII, as mdb's ::dump. */
public final class DumpDcmd implements Dcmd {
    private static final int MAX = 1 << 20;

    @Override public String name() { return "dump"; }
    @Override public String usage() { return "[-n LEN]"; }
    @Override public String summary() { return "hex and ASCII dump of memory at ADDR"; }
    @Override public List<String> options() { return List.of("-n"); }
    @Override public AddressMode addressMode() { return AddressMode.REQUIRED; }

    @Override
    public String help() {
        return """
                Prints LEN bytes (default 64, at most 1 MiB) of the process's memory from ADDR,
                16 per line: the address, the bytes in hex, and the printable ASCII ones.
                A read of memory the core does not hold fails and says why (not in the core,
                a truncated core, a file page that cannot be found).
                  -n LEN   the number of bytes (0x.. hex, 0t.. or plain decimal)""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs args = DcmdArgs.parse(this, inv.args(), "n:").expectPositional(0, 0);
        long len = args.number('n', 64);
        if (len <= 0 || len > MAX) throw DcmdException.usage(this, "LEN must be between 1 and " + MAX);
        long addr = inv.address().orElseThrow();
        CoreFile core = ctx.target().core();
        // offsets, compared unsigned: an address near the top of the address space must not wrap to nothing
        long first = addr & ~15L;
        for (long line = first; Long.compareUnsigned(line - first, len + (addr & 15)) < 0; line += 16) {
            ctx.checkCancelled();
            StringBuilder hex = new StringBuilder(), ascii = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                long a = line + i;
                if (i == 8) hex.append(' ');
                if (Long.compareUnsigned(a - addr, len) >= 0) {
                    hex.append("   ");
                    ascii.append(' ');
                    continue;
                }
                int b = core.readUnsignedByte(a);
                hex.append(String.format("%02x ", b));
                ascii.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
            }
            ctx.out().println(String.format("%16x:  %s %s", line, hex, ascii).stripTrailing());
        }
    }
}
