package io.jsmdb.cmd;

import io.jsmdb.core.MemoryFault;
import io.jsmdb.v8.heap.HeapException;
import io.jsmdb.v8.heap.JsObjectScan;
import io.jsmdb.v8.heap.V8Functions;
import io.jsmdb.v8.heap.V8Heap;
import java.util.List;
import java.util.Optional;

/** {@code [ADDR]::jsfunctions [-n NAME] [-s FILE]}: JavaScript functions grouped by SharedFunctionInfo, as mdb_v8. */
public final class JsfunctionsDcmd implements Dcmd {
    @Override public String name() { return "jsfunctions"; }
    @Override public String usage() { return "[-n NAME] [-s FILE]"; }
    @Override public String summary() { return "JavaScript functions by definition, with instance counts"; }
    @Override public List<String> options() { return List.of("-n", "-s"); }
    @Override public AddressMode addressMode() { return AddressMode.OPTIONAL; }

    @Override
    public String help() {
        return """
                Lists the JavaScript functions in the heap, one row per function definition
                (SharedFunctionInfo): a representative closure (the lowest address), how many
                closures the program made from it, its name and where it was defined
                ("file line N"). Functions without a script (V8 builtins, native API
                functions) are not listed. Uses the heap scan of ::findjsobjects (and runs it
                when needed).
                  -n NAME   only functions whose name contains NAME
                  -s FILE   only functions whose script name contains FILE
                ADDR::jsfunctions   every closure of the function whose representative is ADDR""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs args = DcmdArgs.parse(this, inv.args(), "n:s:").expectPositional(0, 0);
        Optional<String> name = args.value('n'), file = args.value('s');
        JsObjectScan scan = HeapScanCache.get(ctx);
        V8Heap heap = JsHeapDcmds.heap(ctx);
        Output out = ctx.out();
        if (inv.address().isPresent()) {
            long addr = inv.address().getAsLong();
            JsObjectScan.FunctionGroup fg = null;
            for (JsObjectScan.FunctionGroup f : scan.functions()) if (f.representative() == addr) fg = f;
            if (fg == null) {
                try {
                    long sfi = heap.functions().functionShared(addr);
                    for (JsObjectScan.FunctionGroup f : scan.functions()) if (f.shared() == sfi) fg = f;
                } catch (MemoryFault | HeapException e) {
                    // not a function
                }
            }
            if (fg == null) throw new DcmdException(Output.hex(addr) + " is not a known JavaScript function");
            long sfi = fg.shared();
            long[] inst = HeapScanCache.walk(ctx, scan, "listing closures", (c, p) -> scan.functionInstances(sfi, c, p));
            for (long a : inst) out.emitAddress(a);
            return;
        }
        boolean table = !out.addressesPiped();
        if (table && ctx.firstInLoop()) out.printf("%16s %8s %-40s %s%n", "FUNC", "#FUNCS", "NAME", "FROM");
        for (JsObjectScan.FunctionGroup f : scan.functions()) {
            ctx.checkCancelled();
            V8Functions.FunctionInfo fi;
            try {
                fi = heap.functions().functionInfo(f.representative());
            } catch (MemoryFault | HeapException e) {
                continue;
            }
            if (fi.script() == 0) continue;
            String fn = fi.name().isEmpty() ? "<anonymous>" : fi.name();
            if (name.isPresent() && !fn.contains(name.get())) continue;
            if (file.isPresent() && !fi.scriptName().contains(file.get())) continue;
            String where = fi.line() > 0 ? "line " + fi.line() : "unknown position";
            String line = String.format("%16x %8d %-40s %s %s", f.representative(), f.count(), Strings.escape(fn),
                    Strings.escape(fi.scriptName()), where);
            if (table) out.println(line);
            else out.emitAddress(f.representative());
        }
    }
}
