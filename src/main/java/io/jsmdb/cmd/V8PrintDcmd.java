package io.jsmdb.cmd;

import io.jsmdb.v8.V8Metadata;
import io.jsmdb.v8.heap.V8Heap;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** {@code ADDR::v8print [CLASS]}: the raw fields of a heap object, as the v8dbg metadata describes its class. */
public final class V8PrintDcmd implements Dcmd {
    @Override public String name() { return "v8print"; }
    @Override public String usage() { return "[CLASS]"; }
    @Override public String summary() { return "print the raw V8 fields of a heap object"; }
    @Override public List<String> options() { return List.of(); }
    @Override public AddressMode addressMode() { return AddressMode.REQUIRED; }

    @Override
    public String help() {
        return """
                Prints every field the binary's v8dbg metadata (class_CLASS__FIELD__TYPE) knows
                for the object at ADDR, with its parent classes (v8dbg_parent_*, or the usual
                JSObject / JSReceiver / String / HeapObject chain where newer metadata has no
                parents), sorted by offset:
                    +0x18  elements (Object) = 0x2a3b...c1
                Tagged fields show the Smi value or the pointed-to object's instance type.
                CLASS (e.g. JSFunction, SharedFunctionInfo) overrides the class the instance
                type gives; the fields are read even when they do not fit the object.""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs args = DcmdArgs.parse(this, inv.args(), "").expectPositional(0, 1);
        V8Heap heap = JsHeapDcmds.heap(ctx);
        long addr = JsHeapDcmds.objectAddress(inv, heap);
        V8Metadata md = heap.metadata();
        try {
            V8Heap.MapInfo mi = heap.mapInfoOf(addr);
            int type = mi.instanceType();
            String cls = args.positional().isEmpty() ? md.typeClassName(type).orElse(null) : args.positional().getFirst();
            if (!args.positional().isEmpty() && md.describe("class_" + cls + "__").isEmpty() && md.describe("parent_" + cls + "__").isEmpty()) {
                // a typo would otherwise print the HeapObject fields under a class that does not exist
                throw DcmdException.usage(this, "unknown class '" + Strings.escape(cls)
                        + "': the binary's metadata describes no such class (::v8metadata class_ lists the classes and their fields)");
            }
            if (cls == null) cls = heap.isStringType(type) ? "String" : heap.isJSObjectType(type) ? "JSObject" : "HeapObject";
            List<String> classes = classChain(md, cls, heap.isStringType(type), heap.isJSObjectType(type));
            TreeMap<Integer, List<String[]>> fields = new TreeMap<>();
            for (String c : classes) {
                for (V8Metadata.Constant k : md.describe("class_" + c + "__")) {
                    String[] p = k.name().substring(("class_" + c + "__").length()).split("__", 2);
                    String ftype = p.length > 1 ? p[1] : "";
                    if (p[0].endsWith("_offset") || ftype.isEmpty() && p[0].equals("header_size")) continue;
                    fields.computeIfAbsent((int) k.value(), x -> new ArrayList<>()).add(new String[] {c, p[0], ftype});
                }
            }
            if (fields.isEmpty()) throw new DcmdException("the metadata describes no fields of class " + Strings.escape(cls));
            ctx.out().println(String.format("%s %s (%s, map %s) {", Output.hex(addr), Strings.escape(cls), heap.typeName(type), Output.hex(mi.map())));
            Set<String> seen = new LinkedHashSet<>();
            for (var e : fields.entrySet()) {
                for (String[] f : e.getValue()) {
                    if (!seen.add(e.getKey() + f[1])) continue;
                    ctx.out().println(String.format("    +0x%-4x %s (%s) = %s", e.getKey(), f[1], f[2].isEmpty() ? "?" : f[2],
                            value(heap, addr, e.getKey(), f[2])));
                }
            }
            ctx.out().println("}");
        } catch (RuntimeException e) {
            throw JsHeapDcmds.failure(addr, e);
        }
    }

    private static List<String> classChain(V8Metadata md, String cls, boolean string, boolean jsObject) {
        List<String> out = new ArrayList<>();
        String c = cls;
        for (int i = 0; i < 16 && c != null; i++) {
            out.add(c);
            Optional<String> parent = Optional.empty();
            for (V8Metadata.Constant k : md.describe("parent_" + c + "__")) {
                parent = Optional.of(k.name().substring(("parent_" + c + "__").length()));
                break;
            }
            c = parent.orElse(null);
        }
        List<String> extra = string ? List.of("String", "Name", "HeapObject")
                : jsObject ? List.of("JSObject", "JSReceiver", "HeapObject") : List.of("HeapObject");
        for (String x : extra) if (!out.contains(x)) out.add(x);
        return out;
    }

    private static String value(V8Heap heap, long obj, int off, String type) {
        try {
            long base = heap.untag(obj) + off;
            switch (type) {
                case "char", "uint8_t": return Integer.toString(heap.memory().readUnsignedByte(base));
                case "uint16_t": return Integer.toString(heap.memory().readUnsignedShort(base));
                case "int16_t": return Short.toString(heap.memory().readShort(base));
                case "int", "int32_t", "uint32_t": return Integer.toString(heap.memory().readInt(base));
                case "double": return Double.toString(heap.memory().readDouble(base));
                default: break;
            }
            long w = heap.memory().readLong(base);
            String s = "0x" + Long.toHexString(w);
            if (type.equals("uintptr_t") || type.equals("size_t") || type.equals("Address")) return s;
            if (heap.isSmi(w)) return s + " (Smi " + heap.smiValue(w) + ")";
            if (heap.isHeapObject(w)) {
                try {
                    return s + " (" + heap.typeName(heap.typeOf(w)) + ")";
                } catch (RuntimeException e) {
                    return s;
                }
            }
            return s;
        } catch (RuntimeException e) {
            return "<unreadable>";
        }
    }
}
