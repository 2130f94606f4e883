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
    /** Containers being printed, for cycles: a set, so a deep chain costs O(1) per level, not O(depth). */
    private final java.util.HashSet<Long> path = new java.util.HashSet<>();

    /**
     * Nesting jsmdb expands at most, whatever -d asks: beyond it a container prints as its
     * summary with a note. A 100,000-deep linked list at -d 1000000 would otherwise print
     * indentation quadratic in its depth (gigabytes) and recurse as deep.
     */
    static final int MAX_DEPTH = 1000;
    /** The note on a container not expanded because of {@link #MAX_DEPTH}. */
    static final String TOO_DEEP = " <deeper than " + MAX_DEPTH + " levels: not expanded>";

    // ---- the text being written: one builder for the whole value, flushed in pieces ----------
    /** Output flushed to when the builder grows (print), or null (format: the whole text is returned). */
    private Output sink;
    private StringBuilder sb = new StringBuilder();
    /** Characters already flushed: positions are absolute (base + index in sb). */
    private long base;
    /** Lists still open (innermost last): a list short enough may still be rewritten on one line. */
    private final ArrayList<ListState> open = new ArrayList<>();
    private static final int FLUSH_AT = 1 << 16;

    /**
     * @param depth     containers nested deeper than this print as a summary ("[Object]"); at most {@link #MAX_DEPTH}
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
        reset(null);
        write(value, 0);
        return sb.toString();
    }

    /**
     * Prints the value and a newline to out as it is formatted: memory follows the longest
     * pending piece (a list that may still fit on one line), not the whole text, and the time
     * is linear in what is printed.
     */
    void print(long value, Output out) {
        reset(out);
        write(value, 0);
        sb.append('\n');
        out.print(sb.toString());
        sb.setLength(0);
    }

    private void reset(Output out) {
        sink = out;
        sb = new StringBuilder();
        base = 0;
        open.clear();
        path.clear();
    }

    private long pos() {
        return base + sb.length();
    }

    /** Drops what was written since mark, when it is still in the builder (an error replaces a partial value). */
    private void truncate(long mark) {
        if (mark >= base) sb.setLength((int) (mark - base));
    }

    /** At an item boundary: hands what no open list may still rewrite to the output. */
    private void maybeFlush() {
        if (sink == null || sb.length() < FLUSH_AT) return;
        long keep = pos();
        for (ListState l : open) {
            if (l.inlineable && pos() - l.start <= ListState.LIMIT) {
                keep = l.start;
                break;
            }
            l.inlineable = false; // too long to fit one line: never rewritten
        }
        int n = (int) (keep - base);
        if (n <= 0) return;
        sink.print(sb.substring(0, n));
        sb.delete(0, n);
        base += n;
    }

    /** Quotes and escapes a string as a JS string literal. */
    static String quote(String s) {
        return "\"" + Strings.escape(s).replace("\"", "\\\"") + "\"";
    }

    /** A property key: bare when an identifier, else quoted. */
    static String key(String name) {
        return IDENT.matcher(name).matches() || name.startsWith("Symbol(") ? Strings.escape(name) : quote(name);
    }

    /** Appends the value's text at a nesting level; a nested value that cannot be read becomes a marker. */
    private void write(long v, int level) {
        long mark = pos();
        int lists = open.size();
        try {
            // a value that fails to decode drops its address prefix again (truncate below)
            if (addresses && heap.isHeapObject(v)) sb.append(Output.hex(v)).append(": ");
            writeValue(v, level);
        } catch (MemoryFault e) {
            if (level == 0) throw e;
            closeListsAbove(lists);
            truncate(mark);
            sb.append("<").append(Output.hex(v)).append(": unreadable: ").append(Strings.escape(String.valueOf(e.getMessage()))).append(">");
        } catch (HeapException e) {
            if (level == 0) throw e;
            closeListsAbove(lists);
            truncate(mark);
            sb.append("<").append(Output.hex(v)).append(": ").append(Strings.escape(e.getMessage())).append(">");
        }
    }

    /** Forgets the lists a failed value left open (its marker replaces them), so the enclosing lists stay right. */
    private void closeListsAbove(int n) {
        while (open.size() > n) open.remove(open.size() - 1);
    }

    private void writeValue(long v, int level) {
        JsKind k = heap.kindOf(v);
        switch (k) {
            case SMI: sb.append(heap.smiValue(v)); return;
            case HEAP_NUMBER: sb.append(JsNumbers.format(heap.numberValue(v))); return;
            case UNDEFINED: sb.append("undefined"); return;
            case NULL: sb.append("null"); return;
            case TRUE: sb.append("true"); return;
            case FALSE: sb.append("false"); return;
            case HOLE: sb.append("<hole>"); return;
            case ODDBALL: sb.append("<oddball>"); return;
            case BIGINT: sb.append(bigint(v)); return;
            case SYMBOL: sb.append(symbol(v)); return;
            case STRING: sb.append(string(v)); return;
            case INTERNAL:
                if (level == 0) {
                    throw new HeapException(v, Output.hex(v) + " is a " + heap.typeName(heap.typeOf(v)) + ", not a JavaScript value (see ::v8print)");
                }
                sb.append("<internal ").append(heap.typeName(heap.typeOf(v))).append(">");
                return;
            default:
                break;
        }
        if (!path.add(v)) {
            sb.append("[Circular ").append(Output.hex(v)).append("]");
            return;
        }
        try {
            container(v, k, level);
        } finally {
            path.remove(v);
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

    private void container(long v, JsKind k, int level) {
        boolean expand = level < Math.min(depth, MAX_DEPTH);
        // the summary of a container -d asked to expand but jsmdb's limit did not
        String tooDeep = level >= MAX_DEPTH && depth > MAX_DEPTH ? TOO_DEEP : "";
        switch (k) {
            case ARRAY: array(v, level, expand, tooDeep); return;
            case FUNCTION: sb.append(function(v)); return;
            case BOUND_FUNCTION: {
                V8Heap.BoundFunction b = heap.boundFunction(v);
                sb.append("[Function: bound ").append(Strings.escape(heap.functionDebugName(b.target()))).append("]");
                if (!expand) {
                    sb.append(tooDeep);
                    return;
                }
                sb.append(' ');
                blockOpen();
                field("target", level);
                write(b.target(), level + 1);
                fieldEnd();
                field("this", level);
                write(b.boundThis(), level + 1);
                fieldEnd();
                field("arguments", level);
                ListState l = listOpen("[", level + 1);
                for (long a : b.arguments()) {
                    itemOpen(l);
                    write(a, level + 2);
                    itemClose(l, false);
                }
                listClose(l, "]", false);
                fieldEnd();
                blockClose(level, 3);
                return;
            }
            case DATE: sb.append(JsNumbers.isoDate(heap.dateValue(v))); return;
            case REGEXP: {
                V8Heap.RegExpInfo r = heap.regExp(v, maxChars);
                sb.append("/").append(Strings.escape(r.source())).append("/").append(r.flags());
                return;
            }
            case ERROR: {
                V8Heap.ErrorInfo e = heap.error(v);
                String name = ctorName(v);
                String msg = e.message().isPresent() ? plain(e.message().getAsLong()) : "";
                sb.append("[").append(Strings.escape(name)).append(msg.isEmpty() ? "" : ": " + msg).append("]");
                if (!expand) {
                    sb.append(tooDeep);
                    return;
                }
                List<V8Heap.Property> props = new ArrayList<>();
                for (V8Heap.Property p : heap.properties(v, maxItems)) {
                    if (!p.name().equals("message") && !p.name().equals("stack")) props.add(p);
                }
                if (e.stack().isEmpty() && e.stackFrames() < 0 && props.isEmpty()) return;
                sb.append(' ');
                blockOpen();
                int n = 0;
                if (e.stack().isPresent()) {
                    field("stack", level);
                    write(e.stack().getAsLong(), level + 1);
                    fieldEnd();
                    n++;
                } else if (e.stackFrames() >= 0) {
                    field("stack", level);
                    sb.append("<not formatted yet: ").append(e.stackFrames()).append(" call sites>");
                    fieldEnd();
                    n++;
                }
                for (V8Heap.Property p : props) {
                    property(p, level);
                    n++;
                }
                blockClose(level, n);
                return;
            }
            case MAP:
            case SET: {
                boolean isMap = k == JsKind.MAP;
                V8Heap.Collection c = heap.collection(v, isMap, maxItems);
                String head = (isMap ? "Map(" : "Set(") + c.size() + ")";
                if (!expand) {
                    sb.append("[").append(head).append("]").append(tooDeep);
                    return;
                }
                sb.append(head).append(' ');
                entries(c, isMap, level);
                return;
            }
            case WEAK_MAP:
            case WEAK_SET: {
                boolean isMap = k == JsKind.WEAK_MAP;
                V8Heap.Collection c = heap.weakCollection(v, isMap, maxItems);
                String head = isMap ? "WeakMap" : "WeakSet";
                if (!expand) {
                    sb.append("[").append(head).append("]").append(tooDeep);
                    return;
                }
                sb.append(head).append(' ');
                entries(c, isMap, level);
                return;
            }
            case PROMISE: {
                V8Heap.PromiseInfo p = heap.promise(v);
                if (p.state().equals("pending")) {
                    sb.append("Promise { <pending> }");
                    return;
                }
                if (!expand) {
                    sb.append("Promise { <").append(p.state()).append("> }").append(tooDeep);
                    return;
                }
                sb.append("Promise { ").append(p.state().equals("rejected") ? "<rejected> " : "");
                write(p.result(), level + 1);
                sb.append(" }");
                return;
            }
            case ARRAY_BUFFER: {
                V8Heap.BufferInfo b = heap.arrayBuffer(v);
                sb.append("ArrayBuffer(").append(b.byteLength()).append(") ").append(hex(b.data(), b.byteLength()));
                return;
            }
            case TYPED_ARRAY: {
                V8Heap.ViewInfo t = heap.view(v);
                String name = ctorName(v);
                if (name.equals("Object") || name.isEmpty()) name = t.type();
                sb.append(name).append("(").append(t.length()).append(") ").append(typedValues(t)).append(" ").append(hex(t.data(), t.byteLength()));
                return;
            }
            case DATA_VIEW: {
                V8Heap.ViewInfo t = heap.view(v);
                sb.append("DataView(").append(t.byteLength()).append(t.byteOffset() != 0 ? ", offset " + t.byteOffset() : "").append(") ")
                        .append(hex(t.data(), t.byteLength()));
                return;
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
                sb.append("[").append(type).append(": ");
                write(inner, level + 1);
                sb.append("]");
                return;
            }
            case PROXY: {
                V8Heap.ProxyInfo p = heap.proxy(v);
                if (!expand) {
                    sb.append("[Proxy]").append(tooDeep);
                    return;
                }
                sb.append("Proxy ");
                blockOpen();
                field("target", level);
                write(p.target(), level + 1);
                fieldEnd();
                field("handler", level);
                write(p.handler(), level + 1);
                fieldEnd();
                blockClose(level, 2);
                return;
            }
            case ARGUMENTS: {
                V8Heap.Elements e = heap.elements(v, 0, page());
                if (!expand) {
                    sb.append("[Arguments]").append(tooDeep);
                    return;
                }
                sb.append("[Arguments] ");
                elementList(v, e, level);
                return;
            }
            case GENERATOR:
            case ASYNC_FUNCTION_OBJECT: {
                V8Heap.GeneratorInfo g = heap.generator(v);
                String what = k == JsKind.GENERATOR ? "Generator" : "AsyncFunction";
                sb.append("[").append(what).append(" ").append(Strings.escape(heap.functionDebugName(g.function()))).append("] { <")
                        .append(g.state()).append("> }");
                return;
            }
            case GLOBAL_PROXY: {
                // printed on its own, the proxy shows the global object it stands for
                OptionalLong g = level == 0 ? heap.globalObjectOf(v) : OptionalLong.empty();
                if (g.isPresent()) {
                    sb.append("[global proxy] -> ");
                    write(g.getAsLong(), level);
                } else {
                    sb.append("[global proxy]");
                }
                return;
            }
            case GLOBAL_OBJECT: {
                if (level > 0) {
                    sb.append("[global object]");
                    return;
                }
                sb.append("[global object] ");
                properties(v, level);
                return;
            }
            default: {
                String name = ctorName(v);
                if (!expand) {
                    sb.append("[").append(Strings.escape(name)).append("]").append(tooDeep);
                    return;
                }
                if (!name.equals("Object")) sb.append(Strings.escape(name)).append(' ');
                properties(v, level);
            }
        }
    }

    /** A short string / number as plain text (for Error messages), escaped. */
    private String plain(long v) {
        try {
            if (heap.kindOf(v) == JsKind.STRING) return Strings.escape(heap.readString(v, maxChars).text());
            // a value nested as deep as -d: its summary, never expanded
            JsFormatter f = new JsFormatter(heap, 0, maxChars, maxItems, addresses);
            f.reset(null);
            f.write(v, 1);
            return f.sb.toString();
        } catch (MemoryFault | HeapException e) {
            return "?";
        }
    }

    // ---- blocks: { key: value, ... } over lines -------------------------------------------------
    // Written as they go: "{\n" first, then each field; an empty block becomes "{}" at the end.

    private void blockOpen() {
        sb.append("{\n");
    }

    /** Starts a field line: indentation and "key: ". */
    private void field(String key, int level) {
        indent(level + 1);
        sb.append(key).append(": ");
    }

    private void fieldEnd() {
        sb.append(",\n");
        maybeFlush();
    }

    /** A line holding a note, no key and no comma. */
    private void note(String text, int level) {
        indent(level + 1);
        sb.append(text).append('\n');
        maybeFlush();
    }

    private void blockClose(int level, int fields) {
        if (fields == 0) {
            // nothing was flushed since "{\n" (flushing happens only after a field)
            sb.setLength(sb.length() - 2);
            sb.append("{}");
            return;
        }
        indent(level);
        sb.append('}');
    }

    private void indent(int level) {
        for (int i = 0; i < level; i++) sb.append(INDENT);
    }

    private void property(V8Heap.Property p, int level) {
        field(key(p.name()), level);
        if (p.accessor()) sb.append("[Getter/Setter]");
        else write(p.value(), level + 1);
        fieldEnd();
    }

    /** Elements to read per call: a page, so a huge array costs memory for one page at a time. */
    private int page() {
        return Math.min(maxItems, 4096);
    }

    private void properties(long v, int level) {
        // The object itself is valid (its map is): a corrupted elements store or property
        // backing store is marked where it would print, and the rest still prints.
        blockOpen();
        int n = 0;
        List<V8Heap.Property> props;
        try {
            // one more than shown, to know whether to say "more" (saturating: -l 2147483647 is every one)
            props = heap.properties(v, maxItems == Integer.MAX_VALUE ? maxItems : maxItems + 1);
        } catch (MemoryFault | HeapException e) {
            props = List.of();
            note(invalid("properties", e), level);
            n++;
        }
        try {
            long shown = 0;
            for (long start = 0; shown < maxItems; ) {
                V8Heap.Elements el = heap.elements(v, start, (int) Math.min(page(), maxItems - shown));
                for (V8Heap.Element e : el.items()) {
                    shown++;
                    if (e.type() == V8Heap.Element.Type.HOLE) continue;
                    field(Long.toString(e.index()), level);
                    element(e, level + 1);
                    fieldEnd();
                    n++;
                }
                if (!el.truncated() || el.items().isEmpty()) break;
                start = el.items().getLast().index() + 1;
                if (el.dictionary()) {
                    // a dictionary is scanned whole for each call: the rest in one call, not page by page
                    for (V8Heap.Element e : heap.elements(v, start, (int) (maxItems - shown)).items()) {
                        if (e.type() == V8Heap.Element.Type.HOLE) continue;
                        field(Long.toString(e.index()), level);
                        element(e, level + 1);
                        fieldEnd();
                        n++;
                    }
                    break;
                }
            }
        } catch (MemoryFault | HeapException e) {
            note(invalid("elements", e), level);
            n++;
        }
        int k = 0;
        for (V8Heap.Property p : props) {
            if (k++ >= maxItems) {
                note("... more properties (limit " + maxItems + ")", level);
                n++;
                break;
            }
            property(p, level);
            n++;
        }
        blockClose(level, n);
    }

    // ---- lists: [ a, b ] on one line when short, else one item per line ---------------------------
    // Written one item per line as they go; a list that turns out short and single-line is
    // rewritten on one line when it closes. Only a list that can still fit one line (LIMIT
    // characters) is kept in memory, so output streams past everything else.

    private static final class ListState {
        /** Longer than this, written one item per line, a list cannot fit on one line. */
        static final int LIMIT = 4096;
        final long start;
        final int level;
        final String openText;
        final long[] itemStart = new long[INLINE_WIDTH / 2 + 1];
        final long[] itemEnd = new long[INLINE_WIDTH / 2 + 1];
        int items;
        long current;
        boolean inlineable = true;

        ListState(long start, int level, String openText) {
            this.start = start;
            this.level = level;
            this.openText = openText;
        }
    }

    private ListState listOpen(String openText, int level) {
        ListState l = new ListState(pos(), level, openText);
        open.add(l);
        sb.append(openText).append('\n');
        return l;
    }

    private void itemOpen(ListState l) {
        indent(l.level + 1);
        l.current = pos();
    }

    /** Ends an item; a note ("... N more") ends with a bare newline. */
    private void itemClose(ListState l, boolean noteItem) {
        if (l.inlineable) {
            if (l.items < l.itemStart.length) {
                l.itemStart[l.items] = l.current;
                l.itemEnd[l.items] = pos();
            } else {
                l.inlineable = false; // more items than fit one line
            }
        }
        l.items++;
        sb.append(noteItem ? "\n" : ",\n");
        if (pos() - l.start > ListState.LIMIT) l.inlineable = false;
        maybeFlush();
    }

    private void listClose(ListState l, String close, boolean forceMulti) {
        open.remove(open.size() - 1);
        if (l.items == 0 && l.start >= base) {
            sb.setLength((int) (l.start - base));
            sb.append(l.openText).append(close);
            return;
        }
        if (l.inlineable && !forceMulti && l.start >= base && pos() - l.start <= ListState.LIMIT) {
            int width = 0;
            boolean multi = false;
            for (int i = 0; i < l.items && !multi; i++) {
                int a = (int) (l.itemStart[i] - base), b = (int) (l.itemEnd[i] - base);
                width += b - a + 2;
                for (int j = a; j < b; j++) {
                    if (sb.charAt(j) == '\n') {
                        multi = true;
                        break;
                    }
                }
            }
            if (!multi && width + l.level * 4 <= INLINE_WIDTH) {
                StringBuilder one = new StringBuilder(l.openText).append(' ');
                for (int i = 0; i < l.items; i++) {
                    if (i > 0) one.append(", ");
                    one.append(sb, (int) (l.itemStart[i] - base), (int) (l.itemEnd[i] - base));
                }
                one.append(' ').append(close);
                sb.setLength((int) (l.start - base));
                sb.append(one);
                return;
            }
        }
        indent(l.level);
        sb.append(close);
    }

    /** Items on one line when short and single-line, else one per line (for lists of finished strings). */
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

    private void array(long v, int level, boolean expand, String tooDeep) {
        V8Heap.Elements e;
        try {
            e = heap.elements(v, 0, expand ? page() : 0);
        } catch (MemoryFault | HeapException x) {
            // a valid array whose elements store is corrupted or not in the core
            sb.append(expand ? "[ " + invalid("elements", x) + " ]" : "[Array(?)]");
            return;
        }
        if (!expand) {
            sb.append("[Array(").append(e.length()).append(")]").append(tooDeep);
            return;
        }
        elementList(v, e, level);
    }

    /** A part of a valid object that cannot be decoded, marked where it would print. */
    private static String invalid(String what, RuntimeException e) {
        String why = Strings.escape(String.valueOf(e.getMessage()));
        return "<" + what + (e instanceof MemoryFault ? " unreadable: " : ": ") + why + ">";
    }

    /** The elements from first (elements 0..), then page by page up to maxItems, as a list. */
    private void elementList(long v, V8Heap.Elements first, int level) {
        ListState l = listOpen("[", level);
        long next = 0, shown = 0;
        V8Heap.Elements e = first;
        boolean truncated;
        while (true) {
            for (V8Heap.Element el : e.items()) {
                if (shown >= maxItems) break;
                if (el.index() > next) {
                    itemOpen(l);
                    sb.append(holes(el.index() - next));
                    itemClose(l, false);
                }
                itemOpen(l);
                if (el.type() == V8Heap.Element.Type.HOLE) sb.append("<hole>");
                else element(el, level + 1);
                itemClose(l, false);
                next = el.index() + 1;
                shown++;
            }
            truncated = e.truncated();
            if (!truncated || shown >= maxItems || e.items().isEmpty()) break;
            // a dictionary is scanned whole for each call: the rest in one call, not page by page
            e = heap.elements(v, next, (int) (e.dictionary() ? maxItems - shown : Math.min(page(), maxItems - shown)));
        }
        if (truncated) {
            itemOpen(l);
            sb.append("... ").append(e.length() - next).append(" more (length ").append(e.length()).append(")");
            itemClose(l, true);
        } else if (e.length() > next) {
            itemOpen(l);
            sb.append(holes(e.length() - next));
            itemClose(l, false);
        }
        listClose(l, "]", false);
    }

    private static String holes(long n) {
        return n == 1 ? "<hole>" : "<" + n + " holes>";
    }

    private void element(V8Heap.Element el, int level) {
        switch (el.type()) {
            case HOLE -> sb.append("<hole>");
            case DOUBLE -> sb.append(JsNumbers.format(el.number()));
            case TAGGED -> write(el.value(), level);
        }
    }

    private void entries(V8Heap.Collection c, boolean isMap, int level) {
        ListState l = listOpen("{", level);
        for (V8Heap.Entry en : c.entries()) {
            itemOpen(l);
            write(en.key(), level + 1);
            if (isMap) {
                sb.append(" => ");
                write(en.value(), level + 1);
            }
            itemClose(l, false);
        }
        if (c.size() > c.entries().size()) {
            itemOpen(l);
            sb.append("... ").append(c.size() - c.entries().size()).append(" more");
            itemClose(l, true);
        }
        listClose(l, "}", false);
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
        // one element read directly: [49999999] of a 50M-element array reads one word, not 50M
        V8Heap.Element el = heap.elementAt(v, idx).orElseThrow(() -> new IllegalArgumentException(Output.hex(v) + " has no element " + idx));
        if (el.type() == V8Heap.Element.Type.TAGGED) return el.value();
        throw new IllegalArgumentException("element " + idx + " of " + Output.hex(v) + " is "
                + (el.type() == V8Heap.Element.Type.HOLE ? "a hole" : "an unboxed double " + JsNumbers.format(el.number())));
    }
}
