package io.jsmdb.cmd;

import io.jsmdb.core.MemoryFault;
import io.jsmdb.v8.frames.CallSites;
import io.jsmdb.v8.heap.HeapException;
import io.jsmdb.v8.heap.JsKind;
import io.jsmdb.v8.heap.JsNumbers;
import io.jsmdb.v8.heap.V8Collections;
import io.jsmdb.v8.heap.V8Functions;
import io.jsmdb.v8.heap.V8Heap;
import io.jsmdb.v8.heap.V8Properties;
import io.jsmdb.v8.heap.V8Strings;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Formats heap values as Node's {@code util.inspect} (and so {@code console.log}) prints them,
 * with its default options (breakLength 80, compact 3, maxArrayLength 100, maxStringLength
 * 10000), in the dialect of the target's Node version: the same quoting and escaping, braces and
 * prefixes ({@code Map(2) {...}}, {@code [Object: null prototype]}, {@code <Buffer ...>}),
 * {@code [Getter]}, depth counted as util.inspect counts it, {@code <ref *1>} / {@code [Circular *1]},
 * line breaking and the grouping of long arrays into columns. The algorithm follows
 * lib/internal/util/inspect.js (formatValue, formatRaw, reduceToSingleString, groupArrayElements).
 *
 * <p>What util.inspect would compute by running JavaScript cannot be had from a core: getters
 * print as {@code [Getter]} (as util.inspect does by default), custom {@code [util.inspect.custom]}
 * methods are not run (Buffer's is reproduced), an Error whose stack V8 has not formatted yet
 * shows its message and how many call sites V8 keeps. Beyond util.inspect, private class fields
 * print as DevTools shows them ({@code #count: 3}, after the other properties), and -a prefixes
 * every heap object with its address.
 *
 * <p>Every string from the core is escaped; loops are bounded by the item limits.
 */
final class JsFormatter {
    private static final Pattern KEY_IDENT = Pattern.compile("[a-zA-Z_][a-zA-Z_0-9]*");
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
    private static final int BREAK_LENGTH = 80;
    private static final int COMPACT = 3;
    private static final int MIN_LINE_LENGTH = 16;
    /** Buffer's INSPECT_MAX_BYTES (lib/buffer.js). */
    static final int INSPECT_MAX_BYTES = 50;
    /** Most prototypes followed when looking for a constructor or a Symbol.toStringTag. */
    private static final int MAX_CHAIN = 64;
    /**
     * Deepest nesting printed whatever -d says: each level is a few Java frames, and a list a
     * hundred thousand levels deep must not overflow the stack (util.inspect itself stops at
     * its call stack's limit).
     */
    private static final int MAX_NESTING = 1000;
    /** Nesting jsmdb expands at most, whatever -d asks (what -d 1000000 gets). */
    static final int MAX_DEPTH = MAX_NESTING;
    /** The note on an object not expanded because of {@link #MAX_DEPTH} (util.inspect has no such limit but its stack's). */
    static final String TOO_DEEP = " <deeper than " + MAX_DEPTH + " levels: not expanded>";
    /** Holes of a fast array read beyond the elements shown (an array's holes are its backing store's). */
    private static final int MAX_HOLES_READ = 100_000;

    private enum Type { OBJECT, ARRAY, ARRAY_EXTRAS }

    private final V8Heap heap;
    private final int major;
    private int depth;
    private final int maxChars;
    private final int maxItems;
    private final int maxProperties;
    private final boolean addresses;

    // util.inspect's ctx
    private int indentationLvl;
    private int currentDepth;
    private final List<Long> seen = new ArrayList<>();
    /** The objects in seen, for the cycle check: O(1) per level, so a 1000-deep chain is not quadratic. */
    private final java.util.HashMap<Long, Integer> seenCount = new java.util.HashMap<>();
    private final LinkedHashMap<Long, Integer> circular = new LinkedHashMap<>();
    /**
     * Per heap (a core never changes): constructor names per map, and the Symbol.toStringTag
     * found on a prototype chain per first prototype. Shared by the formatters of one heap
     * (::jsclosure makes one per function); bounded.
     */
    private record Caches(java.util.Map<Long, String[]> ctor, java.util.Map<Long, String> tag) {}

    private static final int MAX_CACHED = 100_000;
    private final java.util.Map<Long, String[]> ctorCache;
    private final java.util.Map<Long, String> tagCache;

    /**
     * @param nodeMajor     the Node major whose util.inspect to follow (0: the newest)
     * @param depth         util.inspect's depth: objects nested deeper print as [Object]
     * @param maxChars      characters of a string shown (maxStringLength)
     * @param maxItems      elements / entries / bytes shown per array, Map, Set, typed array (maxArrayLength)
     * @param maxProperties properties shown per object (util.inspect shows all; jsmdb bounds them)
     * @param addresses     prefix every heap object with its address
     */
    JsFormatter(V8Heap heap, int nodeMajor, int depth, int maxChars, int maxItems, int maxProperties, boolean addresses) {
        this.heap = heap;
        this.major = nodeMajor <= 0 ? Integer.MAX_VALUE : nodeMajor;
        this.depth = depth;
        this.maxChars = maxChars;
        this.maxItems = maxItems;
        this.maxProperties = maxProperties;
        this.addresses = addresses;
        Caches c = heap.attachment(Caches.class, () -> new Caches(new java.util.concurrent.ConcurrentHashMap<>(),
                new java.util.concurrent.ConcurrentHashMap<>()));
        if (c.ctor().size() > MAX_CACHED) c.ctor().clear();
        if (c.tag().size() > MAX_CACHED) c.tag().clear();
        this.ctorCache = c.ctor();
        this.tagCache = c.tag();
    }

    /** The newest dialect, items and properties bounded by maxItems. */
    JsFormatter(V8Heap heap, int depth, int maxChars, int maxItems, boolean addresses) {
        this(heap, 0, depth, maxChars, maxItems, maxItems, addresses);
    }

    /** The text of a value (may span lines). Throws for a top-level value that is not a JS value. */
    String format(long value) {
        String text = formatStashed(value);
        if (stash.isEmpty()) return text;
        StringBuilder sb = new StringBuilder();
        expand(text, sb::append);
        stash.clear();
        return sb.toString();
    }

    /** The text of a value with its placeholders still in (print expands them as it writes). */
    private String formatStashed(long value) {
        JsKind k = heap.kindOf(value);
        if (k == JsKind.INTERNAL) {
            throw new HeapException(value, Output.hex(value) + " is a " + heap.typeName(heap.typeOf(value)) + ", not a JavaScript value (see ::v8print)");
        }
        indentationLvl = 0;
        currentDepth = 0;
        seen.clear();
        seenCount.clear();
        circular.clear();
        stash.clear();
        return formatValue(value, 0, true);
    }

    /**
     * Texts of nested values longer than {@link #STASH_AT}, kept aside: the enclosing object's
     * text holds a placeholder instead of a copy, so a 1000-level nesting does not copy each
     * level's text into every level above it (quadratic in the depth). A placeholder is longer
     * than a line (util.inspect's line-break decisions see an entry too long for one line, as
     * the text it stands for is) and starts with a lone low surrogate, which no formatted text
     * contains (every text from the core is escaped, lone surrogates included).
     */
    private final ArrayList<String> stash = new ArrayList<>();
    private static final int STASH_AT = 1024;
    private static final char PH_OPEN = '\uDC00', PH_CLOSE = '\uDC01', PH_PAD = '\uDC02';
    private static final String PH_PADDING = String.valueOf(PH_PAD).repeat(BREAK_LENGTH + 16);

    private String stashed(String text) {
        if (text.length() <= STASH_AT) return text;
        stash.add(text);
        return PH_OPEN + Integer.toString(stash.size() - 1) + PH_CLOSE + PH_PADDING;
    }

    /** Writes text with its placeholders replaced by what they stand for (nested ones too), without recursion. */
    private void expand(String text, java.util.function.Consumer<CharSequence> out) {
        ArrayList<String> texts = new ArrayList<>();
        ArrayList<Integer> positions = new ArrayList<>();
        ArrayList<Integer> ids = new ArrayList<>(); // a text refers only to texts made before it: no cycle
        texts.add(text);
        positions.add(0);
        ids.add(stash.size());
        while (!texts.isEmpty()) {
            String t = texts.getLast();
            int from = positions.getLast();
            int ph = t.indexOf(PH_OPEN, from);
            int close = ph < 0 ? -1 : t.indexOf(PH_CLOSE, ph);
            if (ph < 0 || close < 0) {
                if (from < t.length()) out.accept(t.substring(from));
                texts.removeLast();
                positions.removeLast();
                ids.removeLast();
                continue;
            }
            int id = stashId(t, ph + 1, close);
            if (id < 0 || id >= ids.getLast()) { // not a placeholder of ours (none can be, but the text is written as it is)
                out.accept(t.substring(from, ph + 1));
                positions.set(positions.size() - 1, ph + 1);
                continue;
            }
            if (ph > from) out.accept(t.substring(from, ph));
            int end = close + 1;
            while (end < t.length() && t.charAt(end) == PH_PAD) end++;
            positions.set(positions.size() - 1, end);
            texts.add(stash.get(id));
            positions.add(0);
            ids.add(id);
        }
    }

    /** The stash index written between from and to, or -1. */
    private int stashId(String t, int from, int to) {
        if (to - from < 1 || to - from > 9) return -1;
        int id = 0;
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') return -1;
            id = id * 10 + (c - '0');
        }
        return id < stash.size() ? id : -1;
    }

    /** Largest piece handed to the output at once. */
    private static final int PIECE = 1 << 16;

    /**
     * Prints the value and a newline to out. util.inspect decides how an object breaks into
     * lines only once it has its entries' text (reduceToSingleString, groupArrayElements), so
     * the text is made before it is written; a nested text is made once and never copied into
     * the levels above it (placeholders, see {@link #stash}): time and memory are linear in
     * what is printed (bounded by -d, -l and {@link #MAX_DEPTH}). It is handed to out in
     * pieces of at most {@value #PIECE} characters; a failed write (closed pipe) ends it there.
     */
    void print(long value, Output out) {
        String text = formatStashed(value);
        StringBuilder piece = new StringBuilder(PIECE);
        expand(text, cs -> {
            int from = 0;
            while (from < cs.length()) {
                int n = Math.min(cs.length() - from, PIECE - piece.length());
                piece.append(cs, from, from + n);
                from += n;
                if (piece.length() >= PIECE) {
                    out.print(piece.toString());
                    piece.setLength(0);
                }
            }
        });
        stash.clear();
        piece.append('\n');
        out.print(piece.toString());
    }

    /** Quotes and escapes a string as a JSON-like literal (double quotes): names in ::jsclosure. */
    static String quote(String s) {
        return "\"" + Strings.escape(s).replace("\"", "\\\"") + "\"";
    }

    /** A property key: bare when an identifier, else quoted (JSON-like). */
    static String key(String name) {
        return IDENT.matcher(name).matches() || name.startsWith("Symbol(") ? Strings.escape(name) : quote(name);
    }

    // ================================================================ strings and primitives

    /** util.inspect's strEscape: the quote it picks ('..', "..", `..`) and its escapes. */
    static String strEscape(String str) {
        char quote = '\'';
        if (str.indexOf('\'') >= 0) {
            if (str.indexOf('"') < 0) quote = '"';
            else if (str.indexOf('`') < 0 && !str.contains("${")) quote = '`';
        }
        StringBuilder sb = new StringBuilder(str.length() + 2).append(quote);
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            if ((c == '\'' && quote == '\'') || c == '\\' || c < 0x20 || (c > 0x7e && c < 0xa0)) {
                sb.append(meta(c));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < str.length() && Character.isLowSurrogate(str.charAt(i + 1))) {
                    sb.append(c).append(str.charAt(++i));
                } else {
                    sb.append("\\u").append(Integer.toHexString(c));
                }
            } else {
                sb.append(c);
            }
        }
        return sb.append(quote).toString();
    }

    /** util.inspect's meta table: \b \t \n \f \r, \' and \\, else \xHH (upper-case hex). */
    private static String meta(char c) {
        return switch (c) {
            case '\b' -> "\\b";
            case '\t' -> "\\t";
            case '\n' -> "\\n";
            case '\f' -> "\\f";
            case '\r' -> "\\r";
            case '\'' -> "\\'";
            case '\\' -> "\\\\";
            default -> String.format("\\x%02X", (int) c);
        };
    }

    /** Text from the core that util.inspect prints raw (names, symbol descriptions, stacks): control characters escaped. */
    private static String raw(String s, boolean keepNewlines) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = null;
            if ((c < 0x20 && !(keepNewlines && c == '\n')) || (c > 0x7e && c < 0xa0)) rep = meta(c);
            else if (Character.isHighSurrogate(c) && (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1)))) rep = "\\u" + Integer.toHexString(c);
            else if (Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)))) rep = "\\u" + Integer.toHexString(c);
            if (rep != null && sb == null) sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            if (sb != null) sb.append(rep != null ? rep : String.valueOf(c));
        }
        return sb == null ? s : sb.toString();
    }

    /** A symbol key's text as util.inspect escapes it (strEscapeSequencesReplacer: controls, ' and \\). */
    private static String keyEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '\\' || c < 0x20 || (c > 0x7e && c < 0xa0)) sb.append(meta(c));
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) sb.append(c).append(s.charAt(++i));
            else if (Character.isSurrogate(c)) sb.append("\\u").append(Integer.toHexString(c));
            else sb.append(c);
        }
        return sb.toString();
    }

    private String formatString(long v) {
        V8Strings.JsString s = heap.strings().readString(v, maxChars);
        String text = s.text();
        String trailer = "";
        if (s.truncated()) {
            int remaining = s.length() - text.length();
            trailer = "... " + remaining + " more character" + (remaining > 1 ? "s" : "");
        }
        if (text.length() > MIN_LINE_LENGTH && text.length() > BREAK_LENGTH - indentationLvl - 4) {
            // split after each newline, one quoted piece per line
            List<String> parts = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    parts.add(text.substring(start, i + 1));
                    start = i + 1;
                }
            }
            if (start < text.length() || parts.isEmpty()) parts.add(text.substring(start));
            StringBuilder sb = new StringBuilder();
            String sep = " +\n" + " ".repeat(indentationLvl + 2);
            for (int i = 0; i < parts.size(); i++) {
                if (i > 0) sb.append(sep);
                sb.append(strEscape(parts.get(i)));
            }
            return sb.append(trailer).toString();
        }
        return strEscape(text) + trailer;
    }

    private String symbolText(long sym) {
        return heap.strings().symbolText(sym, maxChars);
    }

    private String primitive(long v, JsKind k) {
        return switch (k) {
            case SMI -> Long.toString(heap.smiValue(v));
            case HEAP_NUMBER -> JsNumbers.format(heap.numberValue(v));
            case UNDEFINED -> "undefined";
            case NULL -> "null";
            case TRUE -> "true";
            case FALSE -> "false";
            case HOLE -> "<hole>";
            case ODDBALL -> "<oddball>";
            case BIGINT -> bigint(v);
            case SYMBOL -> raw(symbolText(v), false);
            case STRING -> formatString(v);
            default -> throw new IllegalStateException(k.name());
        };
    }

    private String bigint(long v) {
        try {
            return heap.bigIntValue(v, 1 << 14) + "n";
        } catch (HeapException e) {
            return "<BigInt: " + Strings.escape(e.getMessage()) + ">";
        }
    }

    private static boolean isPrimitive(JsKind k) {
        return !k.isJSObject() && k != JsKind.PROXY && k != JsKind.INTERNAL;
    }

    // ================================================================ formatValue

    private String formatValue(long v, int recurseTimes, boolean top) {
        try {
            JsKind k = heap.kindOf(v);
            if (isPrimitive(k)) {
                String p = primitive(v, k);
                String text = addresses && heap.isHeapObject(v) && !isOddball(k) ? Output.hex(v) + ": " + p : p;
                return top ? text : stashed(text); // a long string is not copied into every level above it
            }
            if (k == JsKind.INTERNAL) return "<internal " + heap.typeName(heap.typeOf(v)) + ">";
            String body = formatObject(v, k, recurseTimes);
            String text = addresses ? Output.hex(v) + ": " + body : body;
            return top ? text : stashed(text);
        } catch (MemoryFault e) {
            if (top) throw e;
            return "<" + Output.hex(v) + ": unreadable: " + Strings.escape(String.valueOf(e.getMessage())) + ">";
        } catch (HeapException e) {
            if (top) throw e;
            return "<" + Output.hex(v) + ": " + Strings.escape(String.valueOf(e.getMessage())) + ">";
        }
    }

    private static boolean isOddball(JsKind k) {
        return k == JsKind.UNDEFINED || k == JsKind.NULL || k == JsKind.TRUE || k == JsKind.FALSE || k == JsKind.HOLE || k == JsKind.ODDBALL;
    }

    private String formatObject(long v, JsKind k, int recurseTimes) {
        if (k == JsKind.PROXY) {
            // util.inspect (showProxy false) formats the target without running traps; Node 26 wraps it in Proxy(...)
            int proxies = 0;
            long t = v;
            while (heap.kindOf(t) == JsKind.PROXY && proxies < MAX_CHAIN) {
                long target = heap.collections().proxy(t).target();
                if (!heap.isHeapObject(target) || heap.kindOf(target) == JsKind.NULL) {
                    String revoked = "<Revoked Proxy>";
                    if (major >= 26) for (int i = 0; i < proxies; i++) revoked = "Proxy(" + revoked + ")";
                    return revoked;
                }
                t = target;
                proxies++;
            }
            String inner = formatValue(t, recurseTimes, false);
            if (major >= 26) for (int i = 0; i < proxies; i++) inner = "Proxy(" + inner + ")";
            return inner;
        }
        if (seenCount.containsKey(v)) {
            Integer index = circular.get(v);
            if (index == null) {
                index = circular.size() + 1;
                circular.put(v, index);
            }
            return "[Circular *" + index + "]";
        }
        return formatRaw(v, k, recurseTimes);
    }

    /** One key to print: a named property (string or symbol key) or an element (index). */
    private record Key(String name, boolean symbol, long index, V8Properties.Property prop, V8Properties.Element element) {
        boolean isIndex() { return prop == null; }
    }

    /** An object's own keys as util.inspect lists them, and the private fields jsmdb adds. */
    private record Keys(List<Key> keys, List<V8Properties.Property> privates, String more) {}

    private Keys keysOf(long holder, boolean withIndices, boolean strings) {
        List<Key> keys = new ArrayList<>();
        List<Key> symbols = new ArrayList<>();
        List<V8Properties.Property> privates = new ArrayList<>();
        String more = null;
        if (withIndices) {
            V8Properties.Elements el = heap.properties().elements(holder, maxProperties);
            for (V8Properties.Element e : el.items()) {
                if (e.type() == V8Properties.Element.Type.HOLE) continue;
                keys.add(new Key(Long.toString(e.index()), false, e.index(), null, e));
            }
            if (el.truncated()) more = "... more elements (limit " + maxProperties + ")";
        }
        if (strings) {
            // one more than shown, to know whether to say so; -l 2147483647 must not overflow to none
            List<V8Properties.Property> props = allProps(holder, (int) Math.min(Integer.MAX_VALUE, (long) maxProperties + 1));
            int n = 0;
            for (V8Properties.Property p : props) {
                if (n++ >= maxProperties) {
                    more = "... more properties (limit " + maxProperties + ")";
                    break;
                }
                if (p.symbol() && heap.properties().isPrivateName(p.key())) {
                    privates.add(p);
                    continue;
                }
                if (p.symbol() && heap.strings().isPrivateSymbol(p.key())) continue;
                if (!p.enumerable()) continue;
                if (p.symbol()) symbols.add(new Key(p.name(), true, -1, p, null));
                else keys.add(new Key(p.name(), false, -1, p, null));
            }
        }
        keys.addAll(symbols);
        return new Keys(keys, privates, more);
    }

    private String formatRaw(long v, JsKind k, int recurseTimes) {
        // what JavaScript sees as globalThis is the proxy; its properties live on the global object
        long holder = v;
        if (k == JsKind.GLOBAL_PROXY) {
            OptionalLong g = heap.globalObjectOf(v);
            if (g.isPresent()) {
                holder = g.getAsLong();
                k = JsKind.GLOBAL_OBJECT;
            }
        }
        String constructor = constructorName(holder, recurseTimes);
        String tag = toStringTag(holder, k);
        String base = "";
        String[] braces = {"{", "}"};
        Type extrasType = Type.OBJECT;
        Keys keys;
        List<String> output = new ArrayList<>();
        Formatter formatter = (rt) -> new ArrayList<>();
        List<String[]> extraKeys = null; // {name, value} for ArrayBuffer / DataView facts
        final long h = holder;

        switch (k) {
            case ARRAY -> {
                V8Properties.Elements el = arrayElements(h);
                long len = el == null ? 0 : el.length();
                String prefix = (!"Array".equals(constructor) || !tag.isEmpty()) ? prefix(constructor, tag, "Array", "(" + len + ")") : "";
                keys = keysOf(h, false, true);
                braces = new String[] {prefix + "[", "]"};
                if (len == 0 && keys.keys.isEmpty() && keys.privates.isEmpty()) return braces[0] + "]";
                extrasType = Type.ARRAY_EXTRAS;
                formatter = (rt) -> formatArray(el, rt);
            }
            case SET, MAP -> {
                boolean isMap = k == JsKind.MAP;
                V8Collections.Collection c = heap.collections().collection(h, isMap, collectionLimit());
                String prefix = prefix(constructor, tag, isMap ? "Map" : "Set", "(" + c.size() + ")");
                keys = keysOf(h, true, true);
                if (c.size() == 0 && keys.keys.isEmpty() && keys.privates.isEmpty()) return prefix + "{}";
                braces = new String[] {prefix + "{", "}"};
                formatter = (rt) -> formatCollection(c, isMap, rt);
            }
            case TYPED_ARRAY -> {
                V8Collections.ViewInfo t = heap.collections().view(h);
                if ("Buffer".equals(constructor)) return buffer(t);
                keys = keysOf(h, false, true);
                String fallback = constructor == null ? t.type() : "";
                String prefix = prefix(constructor, tag, fallback, "(" + t.length() + ")");
                braces = new String[] {prefix + "[", "]"};
                if (t.length() == 0 && keys.keys.isEmpty() && keys.privates.isEmpty()) return braces[0] + "]";
                formatter = (rt) -> typedValues(t);
                extrasType = Type.ARRAY_EXTRAS;
            }
            default -> {
                keys = keysOf(h, true, true);
                boolean noKeys = keys.keys.isEmpty() && keys.privates.isEmpty();
                if (k == JsKind.FUNCTION || k == JsKind.BOUND_FUNCTION) {
                    base = functionBase(h, k, constructor, tag);
                    if (noKeys) return base;
                } else if ("Object".equals(constructor)) {
                    if (k == JsKind.ARGUMENTS) braces[0] = "[Arguments] {";
                    else if (!tag.isEmpty()) braces[0] = prefix(constructor, tag, "Object", "") + "{";
                    if (noKeys) return braces[0] + "}";
                } else if (k == JsKind.REGEXP) {
                    V8Collections.RegExpInfo r = heap.collections().regExp(h, maxChars);
                    base = "/" + raw(r.source(), false) + "/" + r.flags();
                    String prefix = prefix(constructor, tag, "RegExp", "");
                    if (!prefix.equals("RegExp ")) base = prefix + base;
                    if (noKeys || recurseTimes > depth) return base;
                } else if (k == JsKind.DATE) {
                    base = JsNumbers.isoDate(heap.collections().dateValue(h));
                    String prefix = prefix(constructor, tag, "Date", "");
                    if (!prefix.equals("Date ")) base = prefix + base;
                    if (noKeys) return base;
                } else if (k == JsKind.ERROR || (k == JsKind.OBJECT && isError(h))) {
                    base = formatError(h, constructor, tag, keys);
                    if (keys.keys.isEmpty() && keys.privates.isEmpty()) return base;
                } else if (k == JsKind.ARRAY_BUFFER) {
                    V8Collections.BufferInfo b = heap.collections().arrayBuffer(h);
                    String prefix = prefix(constructor, tag, "ArrayBuffer", "");
                    formatter = (rt) -> new ArrayList<>(List.of("[Uint8Contents]: " + hexBytes(b.data(), b.byteLength(), maxItems)));
                    braces[0] = prefix + "{";
                    extraKeys = new ArrayList<>();
                    extraKeys.add(new String[] {"byteLength", Long.toString(b.byteLength())});
                } else if (k == JsKind.DATA_VIEW) {
                    V8Collections.ViewInfo t = heap.collections().view(h);
                    braces[0] = prefix(constructor, tag, "DataView", "") + "{";
                    extraKeys = new ArrayList<>();
                    extraKeys.add(new String[] {"byteLength", Long.toString(t.byteLength())});
                    extraKeys.add(new String[] {"byteOffset", Long.toString(t.byteOffset())});
                    extraKeys.add(new String[] {"buffer", null, Long.toString(t.buffer())});
                } else if (k == JsKind.PROMISE) {
                    braces[0] = prefix(constructor, tag, "Promise", "") + "{";
                    formatter = (rt) -> formatPromise(h, rt);
                } else if (k == JsKind.WEAK_SET || k == JsKind.WEAK_MAP) {
                    braces[0] = prefix(constructor, tag, k == JsKind.WEAK_SET ? "WeakSet" : "WeakMap", "") + "{";
                    formatter = (rt) -> new ArrayList<>(List.of("<items unknown>"));
                } else if (k == JsKind.PRIMITIVE_WRAPPER) {
                    base = boxedBase(h, constructor, tag);
                    if (noKeys) return base;
                } else {
                    String style = ctxStyle(h, constructor, tag);
                    if (noKeys) return style + "{}";
                    braces[0] = style + "{";
                }
            }
        }

        if (recurseTimes > depth || recurseTimes >= MAX_NESTING) {
            String name = ctxStyle(h, constructor, tag);
            name = name.substring(0, name.length() - 1);
            String summary = constructor != null ? "[" + name + "]" : name;
            // cut by jsmdb's limit, not by the depth asked for: say so
            return recurseTimes <= depth ? summary + TOO_DEEP : summary;
        }
        recurseTimes++;
        seen.add(v);
        seenCount.merge(v, 1, Integer::sum);
        currentDepth = recurseTimes;
        output.addAll(formatter.format(recurseTimes));
        if (extraKeys != null) {
            for (String[] e : extraKeys) {
                String value;
                if (e[1] != null) {
                    value = e[1];
                } else {
                    indentationLvl += 2;
                    value = formatValue(Long.parseLong(e[2]), recurseTimes, false);
                    indentationLvl -= 2;
                }
                // Node 22+ marks these as the getters they are; earlier versions list them as keys
                output.add((major >= 22 ? "[" + e[0] + "]" : e[0]) + ": " + value);
            }
        }
        for (Key key : keys.keys) output.add(formatProperty(key, recurseTimes, extrasType));
        for (V8Properties.Property p : keys.privates) output.add(formatPrivate(p, recurseTimes));
        if (keys.more != null) output.add(keys.more);
        Integer ref = circular.get(v);
        if (ref != null) base = base.isEmpty() ? "<ref *" + ref + ">" : "<ref *" + ref + "> " + base;
        seen.removeLast();
        seenCount.computeIfPresent(v, (x, n) -> n > 1 ? n - 1 : null);
        return reduceToSingleString(output, base, braces, extrasType, recurseTimes, k == JsKind.ARRAY || k == JsKind.TYPED_ARRAY ? h : 0);
    }

    private interface Formatter {
        List<String> format(int recurseTimes);
    }

    // ================================================================ names, prefixes, tags

    /**
     * util.inspect's getPrefix, in the target version's dialect: to 20 a tag other than the
     * constructor's name is shown; 22-25 (node #59687) not when the name holds it at its end or
     * before an upper-case letter ("TypeError", tag "Error"); from 26 unless the tag is the
     * name (or ends in ".name").
     */
    private String prefix(String constructor, String tag, String fallback, String size) {
        if (constructor == null) {
            if (!tag.isEmpty() && !fallback.equals(tag)) return "[" + fallback + size + ": null prototype] [" + tag + "] ";
            return "[" + fallback + size + ": null prototype] ";
        }
        if (major <= 20) {
            if (!tag.isEmpty() && !constructor.equals(tag)) return constructor + size + " [" + tag + "] ";
            return constructor + size + " ";
        }
        if (major <= 25) {
            String result = constructor + size + " ";
            if (!tag.isEmpty()) {
                int position = constructor.indexOf(tag);
                if (position == -1) {
                    result += "[" + tag + "] ";
                } else {
                    int endPos = position + tag.length();
                    if (endPos != constructor.length()) {
                        char c = constructor.charAt(endPos);
                        if (c == Character.toLowerCase(c)) result += "[" + tag + "] ";
                    }
                }
            }
            return result;
        }
        if (!tag.isEmpty()) {
            int dot = tag.lastIndexOf('.');
            if (constructor.equals(dot >= 1 ? tag.substring(dot + 1) : tag)) return tag + size + " ";
            return constructor + size + " [" + tag + "] ";
        }
        return constructor + size + " ";
    }

    /** util.inspect's getCtxStyle: for a null prototype, V8's own class name stands in. */
    private String ctxStyle(long obj, String constructor, String tag) {
        String fallback = "";
        if (constructor == null) {
            fallback = internalConstructorName(obj);
            if (fallback.equals(tag)) fallback = "Object";
        }
        return prefix(constructor, tag, fallback, "");
    }

    /** V8's JSReceiver::GetConstructorName, as util's internal getConstructorName returns it. */
    private String internalConstructorName(long obj) {
        try {
            return raw(heap.constructorNameOf(obj).orElse("Object"), false);
        } catch (MemoryFault | HeapException e) {
            return "Object";
        }
    }

    /** The prototype of an object (a tagged word: an object, or null), 0 when unreadable. */
    private long protoOf(long obj) {
        try {
            return heap.mapPrototype(heap.mapOf(obj));
        } catch (MemoryFault | HeapException e) {
            return 0;
        }
    }

    private boolean isObject(long v) {
        try {
            return heap.isHeapObject(v) && heap.kindOf(v).isJSObject();
        } catch (MemoryFault | HeapException e) {
            return false;
        }
    }

    /** The object whose own properties (private keys included) were read last, and how many were asked for. */
    private long propsOf;
    private int propsMax;
    private List<V8Properties.Property> propsRead;

    /**
     * Own properties of obj, private keys included, at least max of them when it has them.
     * The last read is kept (a core never changes): the constructor lookup, the
     * Symbol.toStringTag lookup and the keys shown read a dictionary-mode object once, not
     * three times (each read scans its whole dictionary).
     */
    private List<V8Properties.Property> allProps(long obj, int max) {
        int want = Math.max(max, V8Properties.MAX_PROPERTY_NAMES);
        if (propsRead != null && propsOf == obj && propsMax >= want) return propsRead;
        propsRead = heap.properties().properties(obj, want, true);
        propsOf = obj;
        propsMax = want;
        return propsRead;
    }

    /** An own property (data or accessor) of obj named name (a string key). */
    private boolean isArray(long v) {
        try {
            return heap.kindOf(v) == JsKind.ARRAY;
        } catch (MemoryFault | HeapException e) {
            return false;
        }
    }

    private Optional<V8Properties.Property> own(long obj, String name) {
        for (V8Properties.Property p : allProps(obj, V8Properties.MAX_PROPERTY_NAMES)) {
            if (!p.symbol() && p.name().equals(name)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /**
     * A function's {@code name} as JavaScript reads it: an own data property, else (V8's
     * FunctionNameGetter) its SharedFunctionInfo's name; bound functions "bound " + the target's.
     */
    private String functionName(long fn) {
        StringBuilder bound = new StringBuilder();
        for (int i = 0; i < MAX_CHAIN; i++) { // a bound function's target may be bound too (never a cycle, unless the core lies)
            Optional<V8Properties.Property> n = own(fn, "name");
            if (n.isPresent() && !n.get().accessor()) {
                long v = n.get().value();
                return bound + (heap.isHeapObject(v) && heap.kindOf(v) == JsKind.STRING ? heap.strings().readString(v, 1024).text() : "");
            }
            JsKind k = heap.kindOf(fn);
            if (k == JsKind.BOUND_FUNCTION) {
                bound.append("bound ");
                fn = heap.functions().boundFunction(fn).target();
                continue;
            }
            if (k != JsKind.FUNCTION) return bound.toString();
            return bound + heap.functions().sfiName(heap.functions().functionShared(fn));
        }
        return bound.toString();
    }

    /** fn.prototype: the initial map's prototype, or the object kept there. 0 if none. */
    private long functionPrototype(long fn) {
        try {
            if (heap.kindOf(fn) != JsKind.FUNCTION) return 0;
            OptionalLong off = heap.metadata().find(io.jsmdb.v8.V8Fact.JS_FUNCTION_PROTOTYPE_OR_INITIAL_MAP_OFFSET);
            if (off.isEmpty()) return 0;
            long p = heap.field(fn, (int) off.getAsLong());
            if (!heap.isHeapObject(p)) return 0;
            if (heap.isMap(p)) return heap.mapPrototype(p);
            return isObject(p) ? p : 0;
        } catch (MemoryFault | HeapException e) {
            return 0;
        }
    }

    /**
     * util.inspect's getConstructorName: the name of the first "constructor" on the prototype
     * chain (the object itself included) that is a named function the object is an instance of;
     * null for a null-prototype chain; else V8's class name with the first prototype.
     */
    private String constructorName(long obj, int recurseTimes) {
        // Objects of one (non-prototype) map share their prototype chain: the name is the map's,
        // unless the object has an own "constructor" (then it is computed for the object alone).
        long map;
        try {
            map = heap.mapOf(obj);
            if (heap.isPrototypeMap(map) || own(obj, "constructor").isPresent()) return constructorName(obj, recurseTimes, 0);
        } catch (MemoryFault | HeapException e) {
            return constructorName(obj, recurseTimes, 0);
        }
        String[] cached = ctorCache.get(map);
        if (cached != null) return cached[0];
        String name = constructorName(obj, recurseTimes, 0);
        // names with "<...>" depend on the depth they were computed at: not cached
        if (name == null || !name.contains(" <")) ctorCache.put(map, new String[] {name});
        return name;
    }

    private String constructorName(long obj, int recurseTimes, int hops) {
        try {
            List<Long> chain = new ArrayList<>();
            for (long p = protoOf(obj); isObject(p) && chain.size() < MAX_CHAIN; p = protoOf(p)) chain.add(p);
            long o = obj;
            for (int i = 0; i <= chain.size(); i++) {
                Optional<V8Properties.Property> c = own(o, "constructor");
                if (c.isPresent() && !c.get().accessor()) {
                    long fn = c.get().value();
                    if (heap.isHeapObject(fn) && (heap.kindOf(fn) == JsKind.FUNCTION || heap.kindOf(fn) == JsKind.BOUND_FUNCTION)) {
                        String name = functionName(fn);
                        long proto = functionPrototype(fn);
                        if (!name.isEmpty() && proto != 0 && chain.contains(proto)) return raw(name, false);
                    }
                }
                if (i == chain.size()) break;
                o = chain.get(i);
            }
            if (chain.isEmpty()) return null;
            String res = internalConstructorName(obj);
            if (recurseTimes > depth || hops >= MAX_CHAIN) return res + " <Complex prototype>";
            String protoConstr = constructorName(chain.getFirst(), recurseTimes + 1, hops + 1);
            if (protoConstr == null) {
                JsFormatter sub = new JsFormatter(heap, major, -1, maxChars, maxItems, maxProperties, false);
                return res + " <" + sub.format(chain.getFirst()) + ">";
            }
            return res + " <" + protoConstr + ">";
        } catch (MemoryFault | HeapException e) {
            return internalConstructorName(obj);
        }
    }

    /**
     * value[Symbol.toStringTag] when it is a string util.inspect shows: found on the prototype
     * chain as a data property (typed arrays: %TypedArray%.prototype's getter gives the type
     * name), not an own enumerable property of the object itself. "" otherwise.
     */
    private String toStringTag(long obj, JsKind k) {
        try {
            for (V8Properties.Property p : allProps(obj, V8Properties.MAX_PROPERTY_NAMES)) {
                if (!p.symbol() || heap.strings().isPrivateSymbol(p.key()) || !p.name().equals("Symbol(Symbol.toStringTag)")) continue;
                if (p.enumerable()) return "";
                return tagValue(p, obj, k);
            }
            long proto = protoOf(obj);
            String cached = tagCache.get(proto);
            if (cached != null) return cached.equals("\0typed") ? (k == JsKind.TYPED_ARRAY ? heap.collections().view(obj).type() : "") : cached;
            String tag = "";
            long o = proto;
            found:
            for (int i = 0; i < MAX_CHAIN && isObject(o); i++) {
                for (V8Properties.Property p : heap.properties().properties(o, V8Properties.MAX_PROPERTY_NAMES)) {
                    if (!p.symbol() || !p.name().equals("Symbol(Symbol.toStringTag)")) continue;
                    // %TypedArray%.prototype's getter gives the type name; other getters are not run
                    tag = p.accessor() ? "\0typed" : tagValue(p, obj, k);
                    break found;
                }
                o = protoOf(o);
            }
            tagCache.put(proto, tag);
            return tag.equals("\0typed") ? (k == JsKind.TYPED_ARRAY ? heap.collections().view(obj).type() : "") : tag;
        } catch (MemoryFault | HeapException e) {
            return "";
        }
    }

    private String tagValue(V8Properties.Property p, long obj, JsKind k) {
        if (p.accessor()) return k == JsKind.TYPED_ARRAY ? heap.collections().view(obj).type() : "";
        long v = p.value();
        return heap.isHeapObject(v) && heap.kindOf(v) == JsKind.STRING ? raw(heap.strings().readString(v, 1024).text(), false) : "";
    }

    // ================================================================ functions, boxed primitives, errors

    private String functionBase(long fn, JsKind k, String constructor, String tag) {
        if (k == JsKind.FUNCTION && heap.functions().isClassConstructor(fn)) {
            String name = "";
            Optional<V8Properties.Property> own = own(fn, "name");
            if (own.isPresent()) name = functionName(fn);
            StringBuilder base = new StringBuilder("class ").append(name.isEmpty() ? "(anonymous)" : raw(name, false));
            if (!"Function".equals(constructor) && constructor != null) base.append(" [").append(constructor).append("]");
            if (!tag.isEmpty() && !tag.equals(constructor)) base.append(" [").append(tag).append("]");
            if (constructor != null) {
                long sup = protoOf(fn);
                if (heap.isHeapObject(sup) && (heap.kindOf(sup) == JsKind.FUNCTION || heap.kindOf(sup) == JsKind.BOUND_FUNCTION)) {
                    String superName = functionName(sup);
                    if (!superName.isEmpty()) base.append(" extends ").append(raw(superName, false));
                }
            } else {
                base.append(" extends [null prototype]");
            }
            return "[" + base + "]" + (addresses ? definitionSite(fn) : "");
        }
        // isAsyncFunction / isGeneratorFunction: the function kinds' own constructors say it
        String type = "Function";
        if (constructor != null && (constructor.equals("AsyncFunction") || constructor.equals("GeneratorFunction")
                || constructor.equals("AsyncGeneratorFunction"))) {
            type = constructor;
        }
        StringBuilder base = new StringBuilder("[").append(type);
        if (constructor == null) base.append(" (null prototype)");
        String name = functionName(fn);
        if (name.isEmpty()) base.append(" (anonymous)");
        else base.append(": ").append(raw(name, false));
        base.append(']');
        if (constructor != null && !constructor.equals(type)) base.append(' ').append(constructor);
        if (!tag.isEmpty() && !tag.equals(constructor)) base.append(" [").append(tag).append(']');
        if (addresses && k == JsKind.FUNCTION) base.append(definitionSite(fn));
        return base.toString();
    }

    /** -a: where a function was defined, " (file:line:column)", or "" when unknown. */
    private String definitionSite(long fn) {
        try {
            V8Functions.FunctionInfo f = heap.functions().functionInfo(fn);
            if (f.scriptName().isEmpty() && f.line() == 0) return "";
            return " (" + raw(f.scriptName(), false) + (f.line() > 0 ? ":" + f.line() + ":" + f.column() : "") + ")";
        } catch (MemoryFault | HeapException e) {
            return "";
        }
    }

    private String boxedBase(long obj, String constructor, String tag) {
        long inner = heap.collections().primitiveWrapperValue(obj);
        JsKind ik = heap.kindOf(inner);
        String type = switch (ik) {
            case SMI, HEAP_NUMBER -> "Number";
            case TRUE, FALSE -> "Boolean";
            case STRING -> "String";
            case BIGINT -> "BigInt";
            default -> "Symbol";
        };
        StringBuilder base = new StringBuilder("[").append(type);
        if (!type.equals(constructor)) base.append(constructor == null ? " (null prototype)" : " (" + constructor + ")");
        int saved = indentationLvl;
        String p = isPrimitive(ik) ? primitive(inner, ik) : "?";
        indentationLvl = saved;
        base.append(": ").append(p).append(']');
        if (!tag.isEmpty() && !tag.equals(constructor)) base.append(" [").append(tag).append(']');
        return base.toString();
    }

    /** A property's value looked up along the prototype chain (data properties only); 0 if none. */
    private long lookup(long obj, String name) {
        long o = obj;
        for (int i = 0; i < MAX_CHAIN && isObject(o); i++) {
            Optional<V8Properties.Property> p = own(o, name);
            if (p.isPresent()) return p.get().accessor() ? 0 : p.get().value();
            o = protoOf(o);
        }
        return 0;
    }

    private Optional<String> stringValue(long v) {
        try {
            if (v != 0 && heap.isHeapObject(v) && heap.kindOf(v) == JsKind.STRING) return Optional.of(heap.strings().readString(v, maxChars).text());
        } catch (MemoryFault | HeapException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Error.prototype.toString: "name: message", either alone when the other is empty. */
    private String errorToString(long err) {
        long n = lookup(err, "name");
        String name = n == 0 || isUndefined(n) ? "Error" : stringValue(n).orElse("Error");
        long m = lookup(err, "message");
        String msg = m == 0 || isUndefined(m) ? "" : stringValue(m).orElse("");
        if (name.isEmpty()) return msg;
        if (msg.isEmpty()) return name;
        return name + ": " + msg;
    }

    private boolean isUndefined(long v) {
        try {
            return heap.kindOf(v) == JsKind.UNDEFINED;
        } catch (MemoryFault | HeapException e) {
            return false;
        }
    }

    /** util.inspect's formatError: the stack V8 formatted, its first line improved with the class name. */
    private String formatError(long err, String constructor, String tag, Keys keys) {
        V8Collections.ErrorInfo info = heap.collections().error(err);
        String stack;
        Optional<V8Properties.Property> ownStack = own(err, "stack");
        if (info.stack().isPresent()) {
            stack = heap.strings().readString(info.stack().getAsLong(), Math.max(maxChars, 1 << 16)).text();
        } else if (ownStack.isPresent() && !ownStack.get().accessor() && !isTruthyString(ownStack.get().value())) {
            stack = errorToString(err); // error.stack = undefined (or another falsy value)
        } else if (info.callSites() != 0) {
            // V8 keeps the call sites until error.stack is first read: formatted here as V8 would
            CallSites sites = heap.attachment(CallSites.class, () -> new CallSites(heap));
            stack = sites.formatStack(errorToString(err), sites.read(info.callSites(), CallSites.MAX_FRAMES));
        } else {
            stack = errorToString(err);
        }
        long n = lookup(err, "name");
        String name = n == 0 ? "Error" : stringValue(n).orElse("Error");
        long m = lookup(err, "message");
        String message = m == 0 ? null : stringValue(m).orElse(null);
        // keys that repeat what the stack shows are left out
        final String st = stack;
        keys.keys.removeIf(key -> !key.symbol && (key.name.equals("stack")
                || (key.name.equals("message") && message != null && st.contains(message))
                || (key.name.equals("name") && st.contains(name))));
        // util.inspect adds the non-enumerable cause (and AggregateError's errors): [cause]: ...
        for (String extra : new String[] {"cause", "errors"}) {
            if (keys.keys.stream().anyMatch(k -> !k.symbol && k.name.equals(extra))) continue;
            Optional<V8Properties.Property> p = own(err, extra);
            if (p.isEmpty() || (extra.equals("errors") && !isArray(p.get().value()))) continue;
            keys.keys.add(new Key(extra, false, -1, p.get(), null));
        }
        stack = improveStack(stack, constructor, name, tag);
        // (message && stack.indexOf(message)) || -1: a message at index 0 counts as not found
        int pos = message != null && !message.isEmpty() ? stack.indexOf(message) : -1;
        if (pos == 0) pos = -1;
        if (pos != -1) pos += message.length();
        int stackStart = stack.indexOf("\n    at", Math.max(pos, 0));
        if (stackStart == -1) stack = "[" + stack + "]";
        stack = raw(stack, true);
        if (indentationLvl != 0) stack = stack.replace("\n", "\n" + " ".repeat(indentationLvl));
        return stack;
    }

    private boolean isError(long obj) {
        try {
            return heap.collections().isError(obj);
        } catch (MemoryFault | HeapException e) {
            return false;
        }
    }

    private boolean isTruthyString(long v) {
        return stringValue(v).map(s -> !s.isEmpty()).orElse(false);
    }

    private String improveStack(String stack, String constructor, String name, String tag) {
        int len = name.length();
        if (constructor == null || (name.endsWith("Error") && stack.startsWith(name)
                && (stack.length() == len || stack.charAt(len) == ':' || stack.charAt(len) == '\n'))) {
            String fallback = "Error";
            if (constructor == null) {
                java.util.regex.Matcher mt = Pattern.compile("^([A-Z][a-z_ A-Z0-9\\[\\]()-]+)(?::|\\n {4}at)").matcher(stack);
                java.util.regex.Matcher m2 = Pattern.compile("^([a-z_A-Z0-9-]*Error)$").matcher(stack);
                fallback = mt.find() ? mt.group(1) : m2.find() ? m2.group(1) : "";
                len = fallback.length();
                if (fallback.isEmpty()) fallback = "Error";
            }
            String prefix = prefix(constructor, tag, fallback, "");
            prefix = prefix.substring(0, prefix.length() - 1);
            if (!name.equals(prefix)) {
                if (prefix.contains(name)) {
                    stack = len == 0 ? prefix + ": " + stack : prefix + stack.substring(len);
                } else {
                    stack = prefix + " [" + name + "]" + stack.substring(len);
                }
            }
        }
        return stack;
    }

    // ================================================================ containers

    /**
     * The elements util.inspect may show: maxItems entries, reading past holes (a run of holes
     * is one entry) up to a bound, past which a long run of holes is counted as holes.
     */
    private V8Properties.Elements arrayElements(long arr) {
        long limit = Math.min(Integer.MAX_VALUE - 1, (long) maxItems + 1 + MAX_HOLES_READ);
        // read page by page, and only until more than maxItems values are had (formatArray
        // shows no more): a packed 2,000,000-element array at -l 100 reads 101 elements
        int first = (int) Math.min(limit, Math.min((long) maxItems + 1, ARRAY_PAGE));
        V8Properties.Elements page = heap.properties().elements(arr, 0, first);
        if (page.items().size() < first) return page;
        // dictionary elements are found in one pass over the dictionary, not by page: all at once
        if (page.dictionary()) return first == limit ? page : heap.properties().elements(arr, 0, (int) limit);
        List<V8Properties.Element> items = new ArrayList<>(page.items());
        long values = items.stream().filter(e -> e.type() != V8Properties.Element.Type.HOLE).count();
        while (values <= maxItems && items.size() < limit) {
            long start = items.getLast().index() + 1;
            int want = (int) Math.min(limit - items.size(), ARRAY_PAGE);
            page = heap.properties().elements(arr, start, want);
            for (V8Properties.Element e : page.items()) {
                items.add(e);
                if (e.type() != V8Properties.Element.Type.HOLE) values++;
            }
            if (page.items().size() < want) break;
        }
        return new V8Properties.Elements(page.length(), items, false, page.truncated());
    }

    /** Elements read at once from a fast array. */
    private static final int ARRAY_PAGE = 4096;

    /** formatArray / formatSpecialArray: at most maxItems entries, runs of holes as "<N empty items>". */
    private List<String> formatArray(V8Properties.Elements el, int recurseTimes) {
        List<String> output = new ArrayList<>();
        long valLen = el.length();
        long len = Math.min(maxItems, valLen);
        long index = 0;
        for (V8Properties.Element e : el.items()) {
            if (output.size() >= len) break;
            if (e.type() == V8Properties.Element.Type.HOLE) continue;
            if (e.index() != index) {
                long empty = e.index() - index;
                output.add("<" + empty + " empty item" + (empty > 1 ? "s" : "") + ">");
                index = e.index();
                if (output.size() == len) break;
            }
            output.add(element(e, recurseTimes));
            index++;
        }
        long remaining = valLen - index;
        if (output.size() != len) {
            if (remaining > 0) output.add("<" + remaining + " empty item" + (remaining > 1 ? "s" : "") + ">");
        } else if (remaining > 0) {
            output.add(remainingText(remaining));
        }
        return output;
    }

    private static String remainingText(long remaining) {
        return "... " + remaining + " more item" + (remaining > 1 ? "s" : "");
    }

    private String element(V8Properties.Element e, int recurseTimes) {
        indentationLvl += 2;
        try {
            return switch (e.type()) {
                case HOLE -> "<hole>";
                case DOUBLE -> JsNumbers.format(e.number());
                case TAGGED -> formatValue(e.value(), recurseTimes, false);
            };
        } finally {
            indentationLvl -= 2;
        }
    }

    /** Entries of a Map / Set shown: maxArrayLength, except on Node 18, whose formatMap / formatSet show them all. */
    private int collectionLimit() {
        return major == 18 ? Math.max(maxItems, maxProperties) : maxItems;
    }

    private List<String> formatCollection(V8Collections.Collection c, boolean isMap, int recurseTimes) {
        List<String> output = new ArrayList<>();
        indentationLvl += 2;
        for (V8Collections.Entry en : c.entries()) {
            if (output.size() >= collectionLimit()) break;
            String kx = formatValue(en.key(), recurseTimes, false);
            output.add(isMap ? kx + " => " + formatValue(en.value(), recurseTimes, false) : kx);
        }
        long remaining = c.size() - output.size();
        if (remaining > 0) output.add(remainingText(remaining));
        indentationLvl -= 2;
        return output;
    }

    private List<String> formatPromise(long p, int recurseTimes) {
        V8Collections.PromiseInfo info = heap.collections().promise(p);
        if (info.state().equals("pending")) return new ArrayList<>(List.of("<pending>"));
        indentationLvl += 2;
        String str = formatValue(info.result(), recurseTimes, false);
        indentationLvl -= 2;
        return new ArrayList<>(List.of(info.state().equals("rejected") ? "<rejected> " + str : str));
    }

    private String formatProperty(Key key, int recurseTimes, Type type) {
        String str;
        if (key.isIndex()) {
            str = element(key.element, recurseTimes);
        } else if (key.prop.accessor()) {
            str = switch (heap.properties().accessorKind(key.prop.value())) {
                case GETTER -> "[Getter]";
                case SETTER -> "[Setter]";
                case GETTER_SETTER -> "[Getter/Setter]";
                case NATIVE -> "[native accessor]";
                case UNKNOWN -> "[accessor]";
            };
        } else {
            indentationLvl += 2;
            str = formatValue(key.prop.value(), recurseTimes, false);
            indentationLvl -= 2;
        }
        if (type == Type.ARRAY) return str;
        String name;
        if (key.symbol) {
            String s = keyEscape(key.name);
            name = major <= 22 ? "[" + s + "]" : s;
        } else if (key.prop != null && !key.prop.enumerable()) {
            name = "[" + key.name + "]"; // util.inspect's mark of a non-enumerable key ([cause])
        } else if (KEY_IDENT.matcher(key.name).matches()) {
            name = key.name.equals("__proto__") ? "['__proto__']" : key.name;
        } else {
            name = strEscape(key.name);
        }
        return name + ": " + str;
    }

    /** A private class field, as DevTools shows it: "#name: value". */
    private String formatPrivate(V8Properties.Property p, int recurseTimes) {
        String name = heap.strings().symbolDescription(p.key(), 1024).map(V8Strings.JsString::text).orElse("#?");
        indentationLvl += 2;
        String str = formatValue(p.value(), recurseTimes, false);
        indentationLvl -= 2;
        return raw(name, false) + ": " + str;
    }

    // ================================================================ layout

    private String reduceToSingleString(List<String> output, String base, String[] braces, Type extrasType, int recurseTimes, long arrayValue) {
        int entries = output.size();
        if (extrasType == Type.ARRAY_EXTRAS && entries > 6) output = groupArrayElements(output, arrayValue);
        if (currentDepth - recurseTimes < COMPACT && entries == output.size()) {
            int start = output.size() + indentationLvl + braces[0].length() + base.length() + 10;
            if (isBelowBreakLength(output, start, base)) {
                String joined = String.join(", ", output);
                if (joined.indexOf('\n') < 0) return (base.isEmpty() ? "" : base + " ") + braces[0] + " " + joined + " " + braces[1];
            }
        }
        String indentation = "\n" + " ".repeat(indentationLvl);
        return (base.isEmpty() ? "" : base + " ") + braces[0] + indentation + "  " + String.join("," + indentation + "  ", output)
                + indentation + braces[1];
    }

    private static boolean isBelowBreakLength(List<String> output, int start, String base) {
        int total = output.size() + start;
        if (total + output.size() > BREAK_LENGTH) return false;
        for (String s : output) {
            total += s.length();
            if (total > BREAK_LENGTH) return false;
        }
        return base.isEmpty() || base.indexOf('\n') < 0;
    }

    /** groupArrayElements: many short entries in aligned columns (numbers right-aligned). */
    private List<String> groupArrayElements(List<String> output, long arrayValue) {
        int totalLength = 0;
        int maxLength = 0;
        int outputLength = output.size();
        boolean hasMore = outputLength > 0 && output.get(outputLength - 1).startsWith("... ") && output.get(outputLength - 1).contains(" more item");
        if (hasMore) outputLength--;
        int separatorSpace = 2;
        int[] dataLen = new int[outputLength];
        for (int i = 0; i < outputLength; i++) {
            int len = width(output.get(i));
            dataLen[i] = len;
            totalLength += len + separatorSpace;
            if (maxLength < len) maxLength = len;
        }
        int actualMax = maxLength + separatorSpace;
        if (actualMax * 3 + indentationLvl < BREAK_LENGTH && ((double) totalLength / actualMax > 5 || maxLength <= 6)) {
            double approxCharHeights = 2.5;
            double averageBias = Math.sqrt(actualMax - (double) totalLength / output.size());
            double biasedMax = Math.max(actualMax - 3 - averageBias, 1);
            int columns = (int) Math.min(Math.min(Math.round(Math.sqrt(approxCharHeights * biasedMax * outputLength) / biasedMax),
                    Math.floor((BREAK_LENGTH - indentationLvl) / (double) actualMax)), Math.min(COMPACT * 4, 15));
            if (columns <= 1) return output;
            List<String> tmp = new ArrayList<>();
            int[] maxLineLength = new int[columns];
            for (int i = 0; i < columns; i++) {
                int lineMaxLength = 0;
                for (int j = i; j < output.size(); j += columns) {
                    if (j < outputLength && dataLen[j] > lineMaxLength) lineMaxLength = dataLen[j];
                }
                maxLineLength[i] = lineMaxLength + separatorSpace;
            }
            boolean padStart = arrayValue != 0 && allNumbers(output, outputLength, arrayValue);
            for (int i = 0; i < outputLength; i += columns) {
                int max = Math.min(i + columns, outputLength);
                StringBuilder str = new StringBuilder();
                int j = i;
                for (; j < max - 1; j++) {
                    String cell = output.get(j) + ", ";
                    int padding = maxLineLength[j - i] + output.get(j).length() - dataLen[j];
                    str.append(pad(cell, padding, padStart));
                }
                if (padStart) {
                    int padding = maxLineLength[j - i] + output.get(j).length() - dataLen[j] - separatorSpace;
                    str.append(pad(output.get(j), padding, true));
                } else {
                    str.append(output.get(j));
                }
                tmp.add(str.toString());
            }
            if (hasMore) tmp.add(output.get(outputLength));
            return tmp;
        }
        return output;
    }

    /** Whether every shown entry of the array is a number or a BigInt (util.inspect then pads at the start). */
    private boolean allNumbers(List<String> output, int outputLength, long arrayValue) {
        try {
            JsKind k = heap.kindOf(arrayValue);
            if (k == JsKind.TYPED_ARRAY) return output.size() <= heap.collections().view(arrayValue).length();
            V8Properties.Elements el = heap.properties().elements(arrayValue, output.size());
            if (el.items().size() < Math.min(output.size(), el.length())) return false;
            for (int i = 0; i < output.size() && i < el.items().size(); i++) {
                V8Properties.Element e = el.items().get(i);
                if (e.index() != i || e.type() == V8Properties.Element.Type.HOLE) return false;
                if (e.type() == V8Properties.Element.Type.DOUBLE) continue;
                JsKind ek = heap.kindOf(e.value());
                if (ek != JsKind.SMI && ek != JsKind.HEAP_NUMBER && ek != JsKind.BIGINT) return false;
            }
            // output.length counts "... more items": value[i] past the array's end is undefined
            return output.size() <= el.length();
        } catch (MemoryFault | HeapException e) {
            return false;
        }
    }

    private static String pad(String s, int width, boolean start) {
        if (s.length() >= width) return s;
        String sp = " ".repeat(width - s.length());
        return start ? sp + s : s + sp;
    }

    /** Display width as util.inspect's getStringWidth counts it for plain text: one per code point. */
    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }

    // ================================================================ bytes

    private String buffer(V8Collections.ViewInfo t) {
        int n = (int) Math.min(t.length(), INSPECT_MAX_BYTES);
        StringBuilder sb = new StringBuilder("<Buffer ");
        try {
            byte[] b = n == 0 ? new byte[0] : heap.memory().readBytes(t.data(), n);
            for (int i = 0; i < b.length; i++) {
                if (i > 0) sb.append(' ');
                sb.append(String.format("%02x", b[i] & 0xff));
            }
        } catch (MemoryFault e) {
            return "<Buffer <data at " + Output.hex(t.data()) + " not in the core>>";
        }
        long remaining = t.length() - n;
        if (remaining > 0) sb.append(" ... ").append(remaining).append(" more byte").append(remaining > 1 ? "s" : "");
        return sb.append('>').toString();
    }

    private String hexBytes(long data, long len, int max) {
        if (len < 0) return "<invalid length>";
        int n = (int) Math.min(len, max);
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
        long remaining = len - max;
        if (remaining > 0) sb.append(" ... ").append(remaining).append(" more byte").append(remaining > 1 ? "s" : "");
        return sb.append('>').toString();
    }

    private List<String> typedValues(V8Collections.ViewInfo t) {
        int size = V8Collections.elementSize(t.type());
        // at most one Java array of bytes read (-l 2147483647 of a huge typed array: the rest is counted)
        long n = Math.min(Math.min(t.length(), maxItems), (Integer.MAX_VALUE - 8) / Math.max(size, 1));
        List<String> items = new ArrayList<>();
        try {
            byte[] b = heap.memory().readBytes(t.data(), (int) (n * size));
            ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
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
            return new ArrayList<>(List.of("<data not in the core>"));
        }
        if (t.length() > n) items.add(remainingText(t.length() - n));
        return items;
    }

    // ================================================================ members

    /**
     * Follows a MEMBER path from v: ".a.b[3]", "['odd key']", "[Symbol(kHeaders)]" (a symbol
     * key by its description), ".#context" / "[#context]" (a private field). Problems as
     * IllegalArgumentException (the dcmd's one-line message).
     */
    long member(long v, String path) {
        int i = 0;
        while (i < path.length()) {
            char c = path.charAt(i);
            if (c == '.' || i == 0 && c != '[') {
                int from = c == '.' ? i + 1 : i;
                int j = from;
                while (j < path.length() && path.charAt(j) != '.' && path.charAt(j) != '[') j++;
                String name = path.substring(from, j);
                if (name.isEmpty()) throw new IllegalArgumentException("empty member name in '" + path + "'");
                i = j;
                v = property(v, name);
            } else {
                int j = closingBracket(path, i);
                if (j < 0) throw new IllegalArgumentException("missing ']' in '" + path + "'");
                String inner = path.substring(i + 1, j).strip();
                i = j + 1;
                if (inner.length() >= 2 && (inner.startsWith("\"") && inner.endsWith("\"") || inner.startsWith("'") && inner.endsWith("'"))) {
                    v = property(v, inner.substring(1, inner.length() - 1));
                } else if (inner.startsWith("Symbol(") && inner.endsWith(")") || inner.startsWith("#")) {
                    v = property(v, inner);
                } else if (inner.matches("\\d{1,18}")) {
                    v = index(v, Long.parseLong(inner));
                } else if (!inner.isEmpty()) {
                    // [name]: the shell's quoting has usually eaten the quotes of ['name']
                    v = property(v, inner);
                } else {
                    throw new IllegalArgumentException("empty [] in '" + Strings.escape(path) + "'");
                }
            }
        }
        return v;
    }

    /** The ']' closing the '[' at open, skipping a quoted key and the parentheses of Symbol(...). */
    private static int closingBracket(String path, int open) {
        char quote = 0;
        int parens = 0;
        for (int j = open + 1; j < path.length(); j++) {
            char c = path.charAt(j);
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(') {
                parens++;
            } else if (c == ')') {
                parens--;
            } else if (c == ']' && parens <= 0) {
                return j;
            }
        }
        return -1;
    }

    private long property(long v, String name) {
        JsKind k = heap.kindOf(v);
        if (!k.isJSObject()) throw new IllegalArgumentException(Output.hex(v) + " is not an object, it has no member '" + Strings.escape(name) + "'");
        if (k == JsKind.GLOBAL_PROXY) v = heap.globalObjectOf(v).orElse(v); // globalThis.x is the global object's x
        if (name.matches("\\d+") && name.length() < 10) return index(v, Long.parseLong(name));
        boolean symbol = name.startsWith("Symbol(") && name.endsWith(")");
        boolean privateName = name.startsWith("#");
        for (V8Properties.Property q : heap.properties().properties(v, V8Properties.MAX_PROPERTY_NAMES, true)) {
            if (q.accessor()) continue;
            if (privateName) {
                if (q.symbol() && heap.properties().isPrivateName(q.key()) && q.name().equals("Symbol(" + name + ")")) return q.value();
            } else if (symbol) {
                if (q.symbol() && !heap.strings().isPrivateSymbol(q.key()) && q.name().equals(name)) return q.value();
            } else if (!q.symbol() && q.name().equals(name)) {
                return q.value();
            }
        }
        throw new IllegalArgumentException(Output.hex(v) + " has no own data property '" + Strings.escape(name) + "'");
    }

    private long index(long v, long idx) {
        JsKind k = heap.kindOf(v);
        if (!k.isJSObject()) throw new IllegalArgumentException(Output.hex(v) + " is not an object, it has no element " + idx);
        // one element read directly: [49999999] of a 50M-element array reads one word, not 50M
        V8Properties.Element el = heap.properties().elementAt(v, idx).orElseThrow(() -> new IllegalArgumentException(Output.hex(v) + " has no element " + idx));
        if (el.type() == V8Properties.Element.Type.TAGGED) return el.value();
        throw new IllegalArgumentException("element " + idx + " of " + Output.hex(v) + " is "
                + (el.type() == V8Properties.Element.Type.HOLE ? "a hole" : "an unboxed double " + JsNumbers.format(el.number())));
    }
}
