package io.jsmdb.cmd;

import io.jsmdb.core.MemoryFault;
import io.jsmdb.v8.heap.HeapException;
import io.jsmdb.v8.heap.JsKind;
import io.jsmdb.v8.heap.JsNumbers;
import io.jsmdb.v8.heap.V8Heap;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Formats heap values the way ::jsprint shows them: JavaScript-like, multi-line for objects
 * (mdb_v8 style, four-space indent, trailing commas), one line for primitives and short arrays.
 * Every string from the core is escaped; containers nest to a depth, cycles print as references,
 * strings and collections are cut at a limit with a note.
 */
final class JsFormatter {
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
    private static final String INDENT = "    ";
    private static final int INLINE_WIDTH = 76;

    private final V8Heap heap;
    private final int depth;
    private final int maxChars;
    private final int maxItems;
    private final boolean addresses;
    private final List<Long> path = new ArrayList<>();

    /**
     * @param depth     containers nested deeper than this print as a summary ("[Object]")
     * @param maxChars  characters of a string shown
     * @param maxItems  elements / properties / entries / bytes shown per container
     * @param addresses prefix every heap value with its address
     */
    JsFormatter(V8Heap heap, int depth, int maxChars, int maxItems, boolean addresses) {
        this.heap = heap;
        this.depth = depth;
        this.maxChars = maxChars;
        this.maxItems = maxItems;
        this.addresses = addresses;
    }

    /** The text of a value at nesting level 0 (may span lines). Throws for a top-level value that is not a JS value. */
    String format(long value) {
        return format(value, 0);
    }

    /** Quotes and escapes a string as a JS string literal. */
    static String quote(String s) {
        return "\"" + Strings.escape(s).replace("\"", "\\\"") + "\"";
    }

    /** A property key: bare when an identifier, else quoted. */
    static String key(String name) {
        return IDENT.matcher(name).matches() || name.startsWith("Symbol(") ? Strings.escape(name) : quote(name);
    }

    private String format(long v, int level) {
        try {
            String body = formatValue(v, level);
            if (addresses && heap.isHeapObject(v)) return Output.hex(v) + ": " + body;
            return body;
        } catch (MemoryFault e) {
            if (level == 0) throw e;
            return "<" + Output.hex(v) + ": unreadable: " + Strings.escape(String.valueOf(e.getMessage())) + ">";
        } catch (HeapException e) {
            if (level == 0) throw e;
            return "<" + Output.hex(v) + ": " + Strings.escape(e.getMessage()) + ">";
        }
    }

    private String formatValue(long v, int level) {
        JsKind k = heap.kindOf(v);
        switch (k) {
            case SMI: return Long.toString(heap.smiValue(v));
            case HEAP_NUMBER: return JsNumbers.format(heap.numberValue(v));
            case UNDEFINED: return "undefined";
            case NULL: return "null";
            case TRUE: return "true";
            case FALSE: return "false";
            case HOLE: return "<hole>";
            case ODDBALL: return "<oddball>";
            case BIGINT: return bigint(v);
            case SYMBOL: return symbol(v);
            case STRING: return string(v);
            case INTERNAL:
                if (level == 0) {
                    throw new HeapException(v, Output.hex(v) + " is a " + heap.typeName(heap.typeOf(v)) + ", not a JavaScript value (see ::v8print)");
                }
                return "<internal " + heap.typeName(heap.typeOf(v)) + ">";
            default:
                break;
        }
        if (path.contains(v)) return "[Circular " + Output.hex(v) + "]";
        path.add(v);
        try {
            return container(v, k, level);
        } finally {
            path.removeLast();
        }
    }

    private String bigint(long v) {
        try {
            return heap.bigIntValue(v, 1 << 14) + "n";
        } catch (HeapException e) {
            return "<BigInt: " + Strings.escape(e.getMessage()) + ">";
        }
    }

    private String symbol(long v) {
        Optional<V8Heap.JsString> d = heap.symbolDescription(v, maxChars);
        return d.map(s -> "Symbol(" + stringText(s) + ")").orElse("Symbol()");
    }

    private String string(long v) {
        return stringText(heap.readString(v, maxChars));
    }

    private static String stringText(V8Heap.JsString s) {
        String q = quote(s.text());
        if (!s.truncated()) return q;
        return q + "... (" + s.length() + " chars, " + s.text().length() + " shown)";
    }

    private String ctorName(long v) {
        try {
            return heap.constructorNameOf(v).orElse("Object");
        } catch (MemoryFault | HeapException e) {
            return "Object";
        }
    }

    private String container(long v, JsKind k, int level) {
        boolean expand = level < depth;
        switch (k) {
            case ARRAY: return array(v, level, expand);
            case FUNCTION: return function(v);
            case BOUND_FUNCTION: {
                V8Heap.BoundFunction b = heap.boundFunction(v);
                String head = "[Function: bound " + Strings.escape(heap.functionDebugName(b.target())) + "]";
                if (!expand) return head;
                List<String[]> fields = new ArrayList<>();
                fields.add(new String[] {"target", format(b.target(), level + 1)});
                fields.add(new String[] {"this", format(b.boundThis(), level + 1)});
                List<String> args = new ArrayList<>();
                for (long a : b.arguments()) args.add(format(a, level + 2));
                fields.add(new String[] {"arguments", list("[", args, "]", level + 1, false)});
                return head + " " + block(fields, level);
            }
            case DATE: return JsNumbers.isoDate(heap.dateValue(v));
            case REGEXP: {
                V8Heap.RegExpInfo r = heap.regExp(v, maxChars);
                return "/" + Strings.escape(r.source()) + "/" + r.flags();
            }
            case ERROR: {
                V8Heap.ErrorInfo e = heap.error(v);
                String name = ctorName(v);
                String msg = e.message().isPresent() ? plain(e.message().getAsLong()) : "";
                String head = "[" + Strings.escape(name) + (msg.isEmpty() ? "" : ": " + msg) + "]";
                if (!expand) return head;
                List<String[]> fields = new ArrayList<>();
                if (e.stack().isPresent()) fields.add(new String[] {"stack", format(e.stack().getAsLong(), level + 1)});
                else if (e.stackFrames() >= 0) fields.add(new String[] {"stack", "<not formatted yet: " + e.stackFrames() + " call sites>"});
                for (V8Heap.Property p : heap.properties(v, maxItems)) {
                    if (p.name().equals("message") || p.name().equals("stack")) continue;
                    fields.add(new String[] {key(p.name()), p.accessor() ? "[Getter/Setter]" : format(p.value(), level + 1)});
                }
                return fields.isEmpty() ? head : head + " " + block(fields, level);
            }
            case MAP:
            case SET: {
                boolean isMap = k == JsKind.MAP;
                V8Heap.Collection c = heap.collection(v, isMap, maxItems);
                String head = (isMap ? "Map(" : "Set(") + c.size() + ")";
                if (!expand) return "[" + head + "]";
                return head + " " + entries(c, isMap, level);
            }
            case WEAK_MAP:
            case WEAK_SET: {
                boolean isMap = k == JsKind.WEAK_MAP;
                V8Heap.Collection c = heap.weakCollection(v, isMap, maxItems);
                String head = isMap ? "WeakMap" : "WeakSet";
                if (!expand) return "[" + head + "]";
                return head + " " + entries(c, isMap, level);
            }
            case PROMISE: {
                V8Heap.PromiseInfo p = heap.promise(v);
                if (p.state().equals("pending")) return "Promise { <pending> }";
                if (!expand) return "Promise { <" + p.state() + "> }";
                String r = format(p.result(), level + 1);
                return "Promise { " + (p.state().equals("rejected") ? "<rejected> " : "") + r + " }";
            }
            case ARRAY_BUFFER: {
                V8Heap.BufferInfo b = heap.arrayBuffer(v);
                return "ArrayBuffer(" + b.byteLength() + ") " + hex(b.data(), b.byteLength());
            }
            case TYPED_ARRAY: {
                V8Heap.ViewInfo t = heap.view(v);
                String name = ctorName(v);
                if (name.equals("Object") || name.isEmpty()) name = t.type();
                return name + "(" + t.length() + ") " + typedValues(t) + " " + hex(t.data(), t.byteLength());
            }
            case DATA_VIEW: {
                V8Heap.ViewInfo t = heap.view(v);
                return "DataView(" + t.byteLength() + (t.byteOffset() != 0 ? ", offset " + t.byteOffset() : "") + ") " + hex(t.data(), t.byteLength());
            }
            case PRIMITIVE_WRAPPER: {
                long inner = heap.primitiveWrapperValue(v);
                JsKind ik = heap.kindOf(inner);
                String type = switch (ik) {
                    case SMI, HEAP_NUMBER -> "Number";
                    case TRUE, FALSE -> "Boolean";
                    case STRING -> "String";
                    case BIGINT -> "BigInt";
                    case SYMBOL -> "Symbol";
                    default -> ctorName(v);
                };
                return "[" + type + ": " + format(inner, level + 1) + "]";
            }
            case PROXY: {
                V8Heap.ProxyInfo p = heap.proxy(v);
                if (!expand) return "[Proxy]";
                List<String[]> fields = new ArrayList<>();
                fields.add(new String[] {"target", format(p.target(), level + 1)});
                fields.add(new String[] {"handler", format(p.handler(), level + 1)});
                return "Proxy " + block(fields, level);
            }
            case ARGUMENTS: {
                V8Heap.Elements e = heap.elements(v, maxItems);
                if (!expand) return "[Arguments]";
                return "[Arguments] " + elementList(e, level);
            }
            case GENERATOR:
            case ASYNC_FUNCTION_OBJECT: {
                V8Heap.GeneratorInfo g = heap.generator(v);
                String what = k == JsKind.GENERATOR ? "Generator" : "AsyncFunction";
                return "[" + what + " " + Strings.escape(heap.functionDebugName(g.function())) + "] { <" + g.state() + "> }";
            }
            case GLOBAL_PROXY: {
                // printed on its own, the proxy shows the global object it stands for
                OptionalLong g = level == 0 ? heap.globalObjectOf(v) : OptionalLong.empty();
                return g.isPresent() ? "[global proxy] -> " + format(g.getAsLong(), level) : "[global proxy]";
            }
            case GLOBAL_OBJECT: {
                if (level > 0) return "[global object]";
                return "[global object] " + properties(v, level);
            }
            default: {
                String name = ctorName(v);
                String prefix = name.equals("Object") ? "" : Strings.escape(name) + " ";
                if (!expand) return "[" + Strings.escape(name) + "]";
                return prefix + properties(v, level);
            }
        }
    }

    /** A short string / number as plain text (for Error messages), escaped. */
    private String plain(long v) {
        try {
            if (heap.kindOf(v) == JsKind.STRING) return Strings.escape(heap.readString(v, maxChars).text());
            return format(v, depth);
        } catch (MemoryFault | HeapException e) {
            return "?";
        }
    }

    private String properties(long v, int level) {
        // The object itself is valid (its map is): a corrupted elements store or property
        // backing store is marked where it would print, and the rest still prints.
        List<String[]> fields = new ArrayList<>();
        List<V8Heap.Property> props;
        try {
            props = heap.properties(v, maxItems + 1);
        } catch (MemoryFault | HeapException e) {
            props = List.of();
            fields.add(new String[] {null, invalid("properties", e)});
        }
        try {
            V8Heap.Elements el = heap.elements(v, maxItems);
            for (V8Heap.Element e : el.items()) {
                if (e.type() == V8Heap.Element.Type.HOLE) continue;
                fields.add(new String[] {Long.toString(e.index()), element(e, level + 1)});
            }
        } catch (MemoryFault | HeapException e) {
            fields.add(new String[] {null, invalid("elements", e)});
        }
        int n = 0;
        for (V8Heap.Property p : props) {
            if (n++ >= maxItems) {
                fields.add(new String[] {null, "... more properties (limit " + maxItems + ")"});
                break;
            }
            fields.add(new String[] {key(p.name()), p.accessor() ? "[Getter/Setter]" : format(p.value(), level + 1)});
        }
        return block(fields, level);
    }

    /** "{\n    k: v,\n}" at the given level; "{}" when empty. A null key prints the value alone. */
    private static String block(List<String[]> fields, int level) {
        if (fields.isEmpty()) return "{}";
        String in = INDENT.repeat(level + 1);
        StringBuilder sb = new StringBuilder("{\n");
        for (String[] f : fields) {
            sb.append(in);
            if (f[0] != null) sb.append(f[0]).append(": ");
            sb.append(f[1]).append(f[0] == null ? "\n" : ",\n");
        }
        return sb.append(INDENT.repeat(level)).append('}').toString();
    }

    /** Items on one line when short and single-line, else one per line. */
    private static String list(String open, List<String> items, String close, int level, boolean forceMulti) {
        if (items.isEmpty()) return open + close;
        int width = 0;
        boolean multi = forceMulti;
        for (String s : items) {
            width += s.length() + 2;
            if (s.indexOf('\n') >= 0) multi = true;
        }
        if (!multi && width + level * 4 <= INLINE_WIDTH) return open + " " + String.join(", ", items) + " " + close;
        String in = INDENT.repeat(level + 1);
        StringBuilder sb = new StringBuilder(open).append('\n');
        for (String s : items) sb.append(in).append(s).append(s.startsWith("...") ? "\n" : ",\n");
        return sb.append(INDENT.repeat(level)).append(close).toString();
    }

    private String array(long v, int level, boolean expand) {
        V8Heap.Elements e;
        try {
            e = heap.elements(v, maxItems);
        } catch (MemoryFault | HeapException x) {
            // a valid array whose elements store is corrupted or not in the core
            return expand ? "[ " + invalid("elements", x) + " ]" : "[Array(?)]";
        }
        if (!expand) return "[Array(" + e.length() + ")]";
        return elementList(e, level);
    }

    /** A part of a valid object that cannot be decoded, marked where it would print. */
    private static String invalid(String what, RuntimeException e) {
        String why = Strings.escape(String.valueOf(e.getMessage()));
        return "<" + what + (e instanceof MemoryFault ? " unreadable: " : ": ") + why + ">";
    }

    private String elementList(V8Heap.Elements e, int level) {
        List<String> items = new ArrayList<>();
        long next = 0;
        for (V8Heap.Element el : e.items()) {
            if (el.index() > next) items.add(holes(el.index() - next));
            items.add(el.type() == V8Heap.Element.Type.HOLE ? "<hole>" : element(el, level + 1));
            next = el.index() + 1;
        }
        if (e.truncated()) {
            items.add("... " + (e.length() - next) + " more (length " + e.length() + ")");
        } else if (e.length() > next) {
            items.add(holes(e.length() - next));
        }
        return list("[", items, "]", level, false);
    }

    private static String holes(long n) {
        return n == 1 ? "<hole>" : "<" + n + " holes>";
    }

    private String element(V8Heap.Element el, int level) {
        return switch (el.type()) {
            case HOLE -> "<hole>";
            case DOUBLE -> JsNumbers.format(el.number());
            case TAGGED -> format(el.value(), level);
        };
    }

    private String entries(V8Heap.Collection c, boolean isMap, int level) {
        List<String> items = new ArrayList<>();
        for (V8Heap.Entry en : c.entries()) {
            String kx = format(en.key(), level + 1);
            items.add(isMap ? kx + " => " + format(en.value(), level + 1) : kx);
        }
        if (c.size() > c.entries().size()) items.add("... " + (c.size() - c.entries().size()) + " more");
        return list("{", items, "}", level, false);
    }

    private String function(long v) {
        V8Heap.FunctionInfo f = heap.functionInfo(v);
        String name = Strings.escape(f.name());
        String head = f.isClass() ? "[class " + (name.isEmpty() ? "(anonymous)" : name) + "]"
                : "[Function: " + (name.isEmpty() ? "(anonymous)" : name) + "]";
        if (f.scriptName().isEmpty() && f.line() == 0) return head;
        return head + " (" + Strings.escape(f.scriptName()) + (f.line() > 0 ? ":" + f.line() + ":" + f.column() : "") + ")";
    }

    private String hex(long data, long len) {
        if (len < 0) return "<invalid length>";
        int n = (int) Math.min(len, Math.min(maxItems, 64));
        StringBuilder sb = new StringBuilder("<");
        try {
            byte[] b = n == 0 ? new byte[0] : heap.memory().readBytes(data, n);
            for (int i = 0; i < b.length; i++) {
                if (i > 0) sb.append(' ');
                sb.append(String.format("%02x", b[i] & 0xff));
            }
        } catch (MemoryFault e) {
            return "<data at " + Output.hex(data) + " not in the core>";
        }
        if (len > n) sb.append(" ... ").append(len - n).append(" more bytes");
        return sb.append('>').toString();
    }

    private String typedValues(V8Heap.ViewInfo t) {
        int size = V8Heap.elementSize(t.type());
        long n = Math.min(t.length(), Math.min(maxItems, 64));
        List<String> items = new ArrayList<>();
        try {
            byte[] b = heap.memory().readBytes(t.data(), (int) (n * size));
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                int o = i * size;
                items.add(switch (t.type()) {
                    case "Int8Array" -> Byte.toString(bb.get(o));
                    case "Uint16Array" -> Integer.toString(bb.getShort(o) & 0xffff);
                    case "Int16Array" -> Short.toString(bb.getShort(o));
                    case "Uint32Array" -> Long.toString(bb.getInt(o) & 0xffffffffL);
                    case "Int32Array" -> Integer.toString(bb.getInt(o));
                    case "Float16Array" -> JsNumbers.format(Float.float16ToFloat(bb.getShort(o)));
                    case "Float32Array" -> JsNumbers.format(bb.getFloat(o));
                    case "Float64Array" -> JsNumbers.format(bb.getDouble(o));
                    case "BigInt64Array" -> bb.getLong(o) + "n";
                    case "BigUint64Array" -> new BigInteger(Long.toUnsignedString(bb.getLong(o))) + "n";
                    default -> Integer.toString(bb.get(o) & 0xff);
                });
            }
        } catch (MemoryFault e) {
            return "[ <data not in the core> ]";
        }
        if (t.length() > n) items.add("... " + (t.length() - n) + " more");
        return list("[", items, "]", 0, false);
    }

    /** Follows a MEMBER path (".a.b[3]", "[\"key\"]") from v; DcmdException-worthy problems as IllegalArgumentException. */
    long member(long v, String path) {
        int i = 0;
        while (i < path.length()) {
            char c = path.charAt(i);
            String name;
            if (c == '.') {
                int j = i + 1;
                while (j < path.length() && path.charAt(j) != '.' && path.charAt(j) != '[') j++;
                name = path.substring(i + 1, j);
                if (name.isEmpty()) throw new IllegalArgumentException("empty member name in '" + path + "'");
                i = j;
                v = property(v, name);
            } else if (c == '[') {
                int j = path.indexOf(']', i);
                if (j < 0) throw new IllegalArgumentException("missing ']' in '" + path + "'");
                String inner = path.substring(i + 1, j).strip();
                i = j + 1;
                if (inner.length() >= 2 && (inner.startsWith("\"") && inner.endsWith("\"") || inner.startsWith("'") && inner.endsWith("'"))) {
                    v = property(v, inner.substring(1, inner.length() - 1));
                } else {
                    long idx;
                    try {
                        idx = Long.parseLong(inner);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("bad index '" + inner + "' in '" + path + "'");
                    }
                    v = index(v, idx);
                }
            } else {
                // a bare first name: "a.b"
                int j = i;
                while (j < path.length() && path.charAt(j) != '.' && path.charAt(j) != '[') j++;
                name = path.substring(i, j);
                i = j;
                v = property(v, name);
            }
        }
        return v;
    }

    private long property(long v, String name) {
        JsKind k = heap.kindOf(v);
        if (!k.isJSObject()) throw new IllegalArgumentException(Output.hex(v) + " is not an object, it has no member '" + name + "'");
        if (k == JsKind.GLOBAL_PROXY) v = heap.globalObjectOf(v).orElse(v); // globalThis.x is the global object's x
        if (name.matches("\\d+") && name.length() < 10) return index(v, Long.parseLong(name));
        OptionalLong p = OptionalLong.empty();
        for (V8Heap.Property q : heap.properties(v, V8Heap.MAX_PROPERTY_NAMES)) {
            if (!q.accessor() && q.name().equals(name)) {
                p = OptionalLong.of(q.value());
                break;
            }
        }
        if (p.isEmpty()) throw new IllegalArgumentException(Output.hex(v) + " has no own data property '" + Strings.escape(name) + "'");
        return p.getAsLong();
    }

    private long index(long v, long idx) {
        JsKind k = heap.kindOf(v);
        if (!k.isJSObject()) throw new IllegalArgumentException(Output.hex(v) + " is not an object, it has no element " + idx);
        V8Heap.Elements e = heap.elements(v, (int) Math.min(Integer.MAX_VALUE, Math.max(idx + 1, 1)));
        for (V8Heap.Element el : e.items()) {
            if (el.index() == idx) {
                if (el.type() == V8Heap.Element.Type.TAGGED) return el.value();
                throw new IllegalArgumentException("element " + idx + " of " + Output.hex(v) + " is "
                        + (el.type() == V8Heap.Element.Type.HOLE ? "a hole" : "an unboxed double " + JsNumbers.format(el.number())));
            }
        }
        throw new IllegalArgumentException(Output.hex(v) + " has no element " + idx);
    }
}
