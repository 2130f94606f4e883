package io.jsmdb.cmd;

import io.jsmdb.core.CoreFile;
import io.jsmdb.core.LoadSegment;
import io.jsmdb.core.MappedFile;
import io.jsmdb.core.ThreadState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code ::mappings}: the process's memory mappings and where jsmdb gets their bytes. */
public final class MappingsDcmd implements Dcmd {
    @Override public String name() { return "mappings"; }
    @Override public String usage() { return "[-f]"; }
    @Override public String summary() { return "memory mappings: range, size, permissions, data source, file"; }
    @Override public List<String> options() { return List.of("-f"); }
    @Override public AddressMode addressMode() { return AddressMode.OPTIONAL; }

    @Override
    public String help() {
        return """
                Lists the mappings of the dumped process, as mdb's ::mappings does, with
                BASE, LIMIT, SIZE, the permissions, where their bytes come from, and the
                file mapped there (or [stack tid N] for a thread's stack).
                DATA is "core" (in the core file), "file" (read from the file on disk, as
                kernel cores omit read-only file pages), "part" (some of each, or some
                missing) or "none" (neither: reads there fail).
                ADDR::mappings shows only the mapping that holds ADDR.
                  -f   show only file-backed mappings""";
    }

    private record Row(long start, long end, String perms, String name) {}

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs args = DcmdArgs.parse(this, inv.args(), "f").expectPositional(0, 0);
        CoreFile core = ctx.target().core();
        List<Row> rows = new ArrayList<>();
        for (LoadSegment l : core.loadSegments()) rows.add(new Row(l.vaddr(), l.end(), l.permissions(), nameOf(core, l.vaddr())));
        // gcore may leave read-only file mappings out of the program headers entirely.
        for (MappedFile mf : core.mappedFiles()) {
            boolean covered = rows.stream().anyMatch(r -> Long.compareUnsigned(r.start(), mf.start()) <= 0
                    && Long.compareUnsigned(mf.end(), r.end()) <= 0);
            if (!covered) rows.add(new Row(mf.start(), mf.end(), "r??", mf.path()));
        }
        rows.sort(Comparator.comparing(Row::start, Long::compareUnsigned));
        Output out = ctx.out();
        boolean any = false;
        if (inv.address().isEmpty() || ctx.firstInLoop()) {
            out.println(String.format("%16s %16s %10s %-4s %-4s %s", "BASE", "LIMIT", "SIZE", "PERM", "DATA", "NAME"));
        }
        for (Row r : rows) {
            ctx.checkCancelled();
            if (args.flag('f') && r.name().startsWith("[") || args.flag('f') && r.name().isEmpty()) continue;
            if (inv.address().isPresent()) {
                long a = inv.address().getAsLong();
                if (Long.compareUnsigned(a, r.start()) < 0 || Long.compareUnsigned(a, r.end()) >= 0) continue;
            }
            any = true;
            CoreFile.Coverage c = core.coverage(r.start(), r.end());
            String data = c.inCore() == c.total() ? "core" : c.fromFiles() == c.total() ? "file"
                    : c.missing() == c.total() ? "none" : "part";
            out.println(String.format("%16x %16x %10x %-4s %-4s %s", r.start(), r.end(), r.end() - r.start(), r.perms(), data,
                    Strings.escape(r.name().isEmpty() ? stackName(core, r) : r.name())));
        }
        if (!any && inv.address().isPresent()) {
            throw new DcmdException(String.format("no mapping contains %x", inv.address().getAsLong()));
        }
    }

    private static String nameOf(CoreFile core, long addr) {
        for (MappedFile mf : core.mappedFiles()) if (mf.contains(addr)) return mf.path();
        return "";
    }

    private static String stackName(CoreFile core, Row r) {
        for (ThreadState t : core.threads()) {
            long sp = t.registers().sp();
            if (Long.compareUnsigned(sp, r.start()) >= 0 && Long.compareUnsigned(sp, r.end()) < 0) return "[stack tid " + t.tid() + "]";
        }
        return "";
    }
}
