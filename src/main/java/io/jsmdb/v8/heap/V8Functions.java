package io.jsmdb.v8.heap;

import io.jsmdb.core.MemoryFault;
import io.jsmdb.v8.Fallbacks;
import io.jsmdb.v8.V8Fact;
import io.jsmdb.v8.V8Metadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Functions and where they come from: a JSFunction's SharedFunctionInfo, its names (own,
 * inferred, debug), class constructors, eval code, source ranges; the Script (name, source,
 * line ends, eval origin) and line/column of a source position; the ScopeInfo's variable part
 * and the context variables of a closure or any Context; bound functions and generators.
 *
 * <p>Separate from {@link V8Heap} because these are the compiler's objects (SharedFunctionInfo,
 * ScopeInfo, UncompiledData, Script) with a version-dependent layout of their own (the ScopeInfo
 * flags and variable part changed in V8 10 and 13), read by stack walking, closures and
 * definition sites rather than by object basics. Obtained from {@link V8Heap#functions()};
 * shares the heap's per-map cache.
 */
public final class V8Functions {
    private final V8Heap h;
    private final V8Metadata md;
    private final int ptr;
    private final int tContextCell;

    V8Functions(V8Heap h) {
        this.h = h;
        this.md = h.metadata();
        this.ptr = h.ptr;
        this.tContextCell = h.typeNamed("CONTEXT_CELL_TYPE");
    }

    /**
     * A function's name and where it was defined (line and column 1-based; 0 if unknown); the
     * script named by its //# sourceURL when it has one.
     */
    public record FunctionInfo(String name, String scriptName, int line, int column, boolean isClass, long shared, long script) {}

    public long functionShared(long fn) {
        long sfi = h.field(fn, md.jsFunctionSharedOffset());
        if (!h.isHeapObject(sfi) || h.typeOf(sfi) != h.tSfi) throw new HeapException(fn, String.format("function 0x%x has no SharedFunctionInfo", fn));
        return sfi;
    }

    /** SharedFunctionInfo::DebugName of a JSFunction: its name, else its inferred name; "" if none. Never throws. */
    public String functionDebugName(long fn) {
        try {
            return sfiDebugName(functionShared(fn));
        } catch (MemoryFault | HeapException e) {
            return "";
        }
    }

    public String sfiDebugName(long sfi) {
        String n = sfiName(sfi);
        if (!n.isEmpty()) return n;
        return sfiInferredName(sfi);
    }

    /** SharedFunctionInfo::Name: the name string, or the function name kept in its ScopeInfo. */
    public String sfiName(long sfi) {
        long v = h.field(sfi, md.sfiNameOrScopeInfoOffset());
        if (h.strings().isString(v)) return h.strings().readString(v, 1024).text();
        if (h.isHeapObject(v) && h.typeOf(v) == h.tScopeInfo) {
            ScopeLayout sl = scopeLayout(v);
            if (sl != null && h.strings().isString(sl.functionName)) return h.strings().readString(sl.functionName, 1024).text();
        }
        return "";
    }

    /** V8's inferred name of a SharedFunctionInfo ("Module._compile"), from UncompiledData or the ScopeInfo; "" if none. Never throws. */
    public String sfiInferredName(long sfi) {
        try {
            long data = h.field(sfi, md.get(V8Fact.SFI_UNTRUSTED_FUNCTION_DATA_OFFSET));
            if (h.isHeapObject(data) && isUncompiledData(h.typeOf(data))) {
                long n = h.field(data, md.get(V8Fact.UNCOMPILED_DATA_INFERRED_NAME_OFFSET));
                if (h.strings().isString(n)) return h.strings().readString(n, 1024).text();
            }
            ScopeLayout sl = scopeLayoutOf(sfi);
            if (sl != null && h.strings().isString(sl.inferredName)) return h.strings().readString(sl.inferredName, 1024).text();
        } catch (MemoryFault | HeapException e) {
            return "";
        }
        return "";
    }

    /**
     * True for the top-level code of an eval (its ScopeInfo is an EVAL_SCOPE, the scope type
     * just before FUNCTION_SCOPE): V8's stack traces call its frame "eval". Never throws.
     */
    public boolean isEvalCode(long sfi) {
        try {
            ScopeLayout sl = scopeLayoutOf(sfi);
            return sl != null && sl.scopeType == md.get(V8Fact.SCOPE_INFO_FUNCTION_SCOPE_TYPE) - 1;
        } catch (MemoryFault | HeapException e) {
            return false;
        }
    }

    private boolean isUncompiledData(int type) {
        for (int u : h.tUncompiled) if (u == type && u >= 0) return true;
        return false;
    }

    /**
     * What jsmdb reads of a ScopeInfo's variable part: its scope type, where the inlined context
     * local names are (none when they are in a hash table), the function variable's name and the
     * inferred name (0 when absent), and the position info (-1 when absent).
     */
    private record ScopeLayout(int scopeType, int localNamesIndex, int localNames, long functionName, long inferredName,
                               int start, int end, int contextLocals, long namesTable) {}

    private long scopeSlot(long si, int index) {
        return h.field(si, md.scopeInfoFieldsOffset() + index * ptr);
    }

    /** The layout of the SFI's ScopeInfo, or null if it has none (lazy functions keep their name there instead). */
    private ScopeLayout scopeLayoutOf(long sfi) {
        long v = h.field(sfi, md.sfiNameOrScopeInfoOffset());
        return h.isHeapObject(v) && h.typeOf(v) == h.tScopeInfo ? scopeLayout(v) : null;
    }

    /**
     * Decodes the variable part of a ScopeInfo (scope-info.tq) by its flags: the module variable
     * count (module scopes, when this V8 keeps it first), the context local names (inlined when
     * fewer than kScopeInfoMaxInlinedLocalNamesSize, and always in V8 9.x; else one hash table
     * slot) and infos, the saved class variable, the receiver info (V8 9.x), the function
     * variable {name, slot}, the inferred name, and the position info {start, end} (after those
     * while the flags are a Smi, a fixed field before the variables from V8 13 on). Null when
     * the ScopeInfo is unreadable.
     */
    private ScopeLayout scopeLayout(long si) {
        try {
            boolean flagsSmi = md.get(V8Fact.SCOPE_INFO_FLAGS_IS_SMI) != 0;
            boolean receiverInfo = md.get(V8Fact.SCOPE_INFO_HAS_RECEIVER_INFO) != 0;
            int firstVars = md.scopeInfoFirstVarsIndex();
            long flags = flagsSmi ? smiValueOf(scopeSlot(si, 0)) : h.i32(si, md.scopeInfoFieldsOffset()) & 0xffffffffL;
            long n = smiValueOf(scopeSlot(si, md.scopeInfoNumContextLocalsIndex()));
            if (n < 0 || n > 1_000_000) return null;
            int scopeType = (int) (flags & Fallbacks.SCOPE_FLAGS_SCOPE_TYPE_MASK);
            int idx = firstVars;
            if (md.get(V8Fact.SCOPE_INFO_HAS_MODULE_VARIABLE_COUNT) != 0 && scopeType == md.get(V8Fact.SCOPE_INFO_FUNCTION_SCOPE_TYPE) + 1) {
                idx++; // MODULE_SCOPE follows FUNCTION_SCOPE
            }
            boolean inlined = n < md.get(V8Fact.SCOPE_INFO_MAX_INLINED_LOCAL_NAMES);
            int namesIndex = idx;
            long namesTable = inlined ? 0 : scopeSlot(si, idx);
            idx += inlined ? (int) n : 1;
            idx += (int) n;
            if (((flags >> Fallbacks.SCOPE_FLAGS_HAS_SAVED_CLASS_VARIABLE_BIT) & 1) != 0) idx++;
            if (receiverInfo) {
                long rv = (flags >> Fallbacks.SCOPE_FLAGS_RECEIVER_VARIABLE_SHIFT) & 3;
                if (rv == 1 || rv == 2) idx++;
            }
            long fname = 0, inferred = 0;
            if (((flags >> Fallbacks.SCOPE_FLAGS_FUNCTION_VARIABLE_SHIFT) & 3) != 0) {
                fname = scopeSlot(si, idx);
                idx += 2;
            }
            if (((flags >> Fallbacks.SCOPE_FLAGS_HAS_INFERRED_NAME_BIT) & 1) != 0) {
                inferred = scopeSlot(si, idx);
                idx++;
            }
            int positions = flagsSmi ? idx : firstVars - 2;
            long a = scopeSlot(si, positions), b = scopeSlot(si, positions + 1);
            int start = -1, end = -1;
            if (h.isSmi(a) && h.isSmi(b) && h.smiValue(a) >= 0 && h.smiValue(a) <= h.smiValue(b)) {
                start = (int) h.smiValue(a);
                end = (int) h.smiValue(b);
            }
            return new ScopeLayout(scopeType, namesIndex, inlined ? (int) n : 0, fname, inferred, start, end, (int) n, namesTable);
        } catch (MemoryFault | HeapException e) {
            return null;
        }
    }

    private long smiValueOf(long w) {
        if (!h.isSmi(w)) throw new HeapException(w, String.format("0x%x is not a Smi", w));
        return h.smiValue(w);
    }

    /** Name and definition site of a JSFunction. */
    public FunctionInfo functionInfo(long fn) {
        long sfi = functionShared(fn);
        String name = sfiDebugName(sfi);
        boolean isClass = isClassConstructor(fn);
        String scriptName = "";
        int line = 0, col = 0;
        long script = 0;
        try {
            script = sfiScript(sfi);
            if (script != 0) {
                scriptName = scriptNameOrSourceUrl(script).orElse(""); // as DevTools and stack traces name it
                int start = startPosition(sfi);
                int tokOff = h.i16(sfi, md.sfiFunctionTokenOffsetOffset());
                int pos = start;
                if (start >= 0 && tokOff > 0 && tokOff <= start) pos = start - tokOff;
                if (pos >= 0) {
                    LineColumn lc = lineColumn(script, pos);
                    if (lc != null) {
                        line = lc.line();
                        col = lc.column();
                    }
                }
            }
        } catch (MemoryFault | HeapException e) {
            // name only
        }
        return new FunctionInfo(name, scriptName, line, col, isClass, sfi, script);
    }

    /** A class constructor (what Function.prototype.toString prints as "class ..."), without decoding its definition site. */
    public boolean isClassConstructor(long fn) {
        if (h.tClassCtor >= 0) return h.typeOf(fn) == h.tClassCtor;
        // V8 9.x: no class constructor instance type; the SFI's FunctionKind says it
        int kind = h.i32(functionShared(fn), md.sfiFlagsOffset()) & md.get(V8Fact.SFI_FUNCTION_KIND_MASK);
        return kind >= Fallbacks.FIRST_CLASS_CONSTRUCTOR_KIND && kind <= Fallbacks.LAST_CLASS_CONSTRUCTOR_KIND;
    }

    /** The SharedFunctionInfo of a JSFunction, or addr itself if it is one; empty otherwise. Never throws. */
    public OptionalLong sharedFunctionInfo(long addr) {
        try {
            if (!h.isHeapObject(addr)) return OptionalLong.empty();
            int type = h.typeOf(addr);
            if (type == h.tSfi) return OptionalLong.of(addr);
            if (h.isJSFunctionType(type)) return OptionalLong.of(functionShared(addr));
        } catch (MemoryFault | HeapException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /** SharedFunctionInfo::StartPosition: from the ScopeInfo or UncompiledData; -1 if unknown. */
    public int startPosition(long sfi) {
        int[] r = sourceRange(sfi);
        return r == null ? -1 : r[0];
    }

    /**
     * The function's source range {start, end} (SharedFunctionInfo::StartPosition and
     * EndPosition): from its ScopeInfo's position info, else from its UncompiledData; null if
     * neither gives one.
     */
    public int[] sourceRange(long sfi) {
        ScopeLayout sl = scopeLayoutOf(sfi);
        if (sl != null && sl.start >= 0) return new int[] {sl.start, sl.end};
        long data = h.field(sfi, md.get(V8Fact.SFI_UNTRUSTED_FUNCTION_DATA_OFFSET));
        if (h.isHeapObject(data) && isUncompiledData(h.typeOf(data))) {
            int off = md.get(V8Fact.UNCOMPILED_DATA_START_POSITION_OFFSET);
            int a = h.i32(data, off), b = h.i32(data, off + 4); // start_position, end_position (uncompiled-data.tq)
            if (a >= 0 && b >= a) return new int[] {a, b};
        }
        return null;
    }

    /** The Script of a SharedFunctionInfo, or 0 (builtins and API functions have none). */
    public long sfiScript(long sfi) {
        long s = h.field(sfi, md.sfiScriptOffset());
        return h.isHeapObject(s) && h.typeOf(s) == h.tScript ? s : 0;
    }

    /** A Script's name (file name or URL); empty when it has none (eval code, new Function). */
    public Optional<String> scriptName(long script) {
        long sn = h.field(script, md.scriptNameOffset());
        if (!h.strings().isString(sn)) return Optional.empty();
        String s = h.strings().readString(sn, 4096).text();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    /**
     * V8's Script::GetNameOrSourceURL, what its stack traces print for a frame's file: the
     * "//# sourceURL=" URL when the source has one (bundlers' eval'd modules, template engines'
     * compiled functions), else the script's name. Empty when neither is a non-empty string.
     */
    public Optional<String> scriptNameOrSourceUrl(long script) {
        long url = h.field(script, md.get(V8Fact.SCRIPT_SOURCE_URL_OFFSET));
        if (h.strings().isString(url)) {
            String s = h.strings().readString(url, 4096).text();
            return s.isEmpty() ? Optional.empty() : Optional.of(s); // V8 prints "<anonymous>" for an empty one
        }
        return scriptName(script);
    }

    /** A Script's source text, at most maxChars; empty when it is not a string. */
    public Optional<V8Strings.JsString> scriptSource(long script, int maxChars) {
        long src = h.field(script, md.scriptSourceOffset());
        return h.strings().isString(src) ? Optional.of(h.strings().readString(src, maxChars)) : Optional.empty();
    }

    /** Where eval code came from: the SharedFunctionInfo that called eval, and the call's position (-1 if unknown). */
    public record EvalOrigin(long shared, int position) {}

    /** For a Script of eval code: where eval was called; empty for other scripts. */
    public Optional<EvalOrigin> evalOrigin(long script) {
        OptionalLong from = md.find(V8Fact.SCRIPT_EVAL_FROM_SHARED_OFFSET);
        if (from.isEmpty()) return Optional.empty();
        long sfi = h.field(script, (int) from.getAsLong());
        if (!h.isHeapObject(sfi) || h.typeOf(sfi) != h.tSfi) return Optional.empty();
        OptionalLong posOff = md.find(V8Fact.SCRIPT_EVAL_FROM_POSITION_OFFSET);
        long pos = posOff.isPresent() ? h.field(script, (int) posOff.getAsLong()) : 0;
        return Optional.of(new EvalOrigin(sfi, posOff.isPresent() && h.isSmi(pos) ? (int) h.smiValue(pos) : -1));
    }

    /** A 1-based line and column of a script. */
    public record LineColumn(int line, int column) {}

    /**
     * 1-based line and column of a source position in a Script (with the script's line and
     * column offsets), from its line_ends, else by counting lines in the source; null when the
     * position lies past the end.
     */
    public LineColumn lineColumn(long script, int pos) {
        if (pos < 0) return null;
        long ends = h.field(script, md.scriptLineEndsOffset());
        int line = -1, lineStart = 0;
        if (h.isHeapObject(ends) && h.typeOf(ends) == h.tFixedArray) {
            long n = h.smiField(ends, md.fixedArrayLengthOffset(), "line ends length");
            if (n > 0 && n < 100_000_000) {
                if (pos > smiValueOf(lineEnd(ends, n - 1))) return null;
                long lo = 0, hi = n - 1;
                while (lo < hi) { // first line end >= pos
                    long mid = (lo + hi) >>> 1;
                    if (smiValueOf(lineEnd(ends, mid)) < pos) lo = mid + 1;
                    else hi = mid;
                }
                line = (int) lo;
                if (line > 0) lineStart = (int) smiValueOf(lineEnd(ends, line - 1)) + 1;
            }
        }
        if (line < 0) {
            if (pos > 64 << 20) return null;
            Optional<V8Strings.JsString> src = scriptSource(script, pos);
            if (src.isEmpty() || pos > src.get().length()) return null;
            String text = src.get().text();
            line = 0;
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
        }
        long lineOffset = smiOr(h.field(script, md.scriptLineOffsetOffset()), 0);
        long colOffset = smiOr(h.field(script, md.scriptColumnOffsetOffset()), 0);
        int col = pos - lineStart + (line == 0 ? (int) colOffset : 0);
        return new LineColumn((int) (line + lineOffset) + 1, col + 1);
    }

    private long lineEnd(long ends, long i) {
        return h.field(ends, md.fixedArrayHeaderSize() + (int) i * ptr);
    }

    private long smiOr(long w, long dflt) { return h.isSmi(w) ? h.smiValue(w) : dflt; }

    /**
     * Lines from..to (1-based, in the script's own numbering, i.e. with its line offset) of a
     * script's source, as {number, text}; lines the source lacks are left out.
     */
    public List<String[]> sourceLines(long script, int from, int to) {
        List<String[]> out = new ArrayList<>();
        Optional<V8Strings.JsString> src = scriptSource(script, 64 << 20);
        if (src.isEmpty()) return out;
        String text = src.get().text();
        long lineOffset = smiOr(h.field(script, md.scriptLineOffsetOffset()), 0);
        int line = (int) lineOffset + 1, start = 0;
        while (line <= to && start <= text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            if (line >= from) out.add(new String[] {Integer.toString(line), text.substring(start, end)});
            if (nl < 0) break;
            start = nl + 1;
            line++;
        }
        return out;
    }

    /** The closure's context (a Context object). */
    public long functionContext(long fn) { return h.field(fn, md.jsFunctionContextOffset()); }

    /**
     * A context-allocated variable: name is null when the scope info's name there (nameObject)
     * is not a readable string, and the other variables still count; slot is its Context slot.
     */
    public record ContextVariable(String name, long nameObject, long value, int slot) {}

    /**
     * A context slot's value: V8 14 keeps some variables of script and function contexts in a
     * ContextCell (map, then the tagged value), which the variable's value is read through.
     */
    public long contextSlotValue(long slotValue) {
        if (tContextCell < 0 || !h.isHeapObject(slotValue)) return slotValue;
        try {
            return h.typeOf(slotValue) == tContextCell ? h.field(slotValue, ptr) : slotValue;
        } catch (MemoryFault | HeapException e) {
            return slotValue;
        }
    }

    /** The context locals of a closure's own context (scope info names, context slots). */
    public List<ContextVariable> closureVariables(long fn, int max) {
        return contextVariables(functionContext(fn), fn, max);
    }

    /**
     * The context locals of a Context (any context type): every variable its ScopeInfo names,
     * with the slot's value, in slot order, at most max; empty when the context has no
     * ScopeInfo or an unreadable one.
     */
    public List<ContextVariable> contextVariables(long ctx, int max) {
        return contextVariables(ctx, ctx, max);
    }

    private List<ContextVariable> contextVariables(long ctx, long owner, int max) {
        List<ContextVariable> out = new ArrayList<>();
        if (!h.isHeapObject(ctx)) return out;
        long si = h.field(ctx, md.contextHeaderSize() + md.contextScopeInfoIndex() * ptr);
        if (!h.isHeapObject(si)) return out;
        int st;
        try {
            st = h.typeOf(si);
        } catch (HeapException | MemoryFault e) {
            throw new HeapException(owner, String.format("the context 0x%x of 0x%x has a corrupted scope info 0x%x (%s)",
                    ctx, owner, si, e.getMessage()));
        }
        if (st != h.tScopeInfo) return out;
        ScopeLayout sl = scopeLayout(si);
        if (sl == null) return out;
        long len = h.smiField(ctx, md.fixedArrayLengthOffset(), "context length");
        // A module's context keeps the module in an extension slot before its locals.
        boolean module = sl.scopeType == md.get(V8Fact.SCOPE_INFO_FUNCTION_SCOPE_TYPE) + 1;
        int first = md.contextMinSlots() + (module ? 1 : 0);
        int n = (int) Math.min(sl.contextLocals, Math.max(0, len - first));
        long[] names = new long[n];
        if (sl.namesTable == 0) {
            for (int i = 0; i < n && i < sl.localNames; i++) names[i] = scopeSlot(si, sl.localNamesIndex + i);
        } else {
            hashedLocalNames(sl.namesTable, names);
        }
        for (int i = 0; i < n && out.size() < max; i++) {
            long nameObj = names[i];
            String name;
            try {
                name = h.strings().isString(nameObj) ? h.strings().readString(nameObj, 256).text() : null;
            } catch (HeapException | MemoryFault e) {
                name = null; // one corrupted name does not hide the other variables
            }
            int slot = first + i;
            out.add(new ContextVariable(name, nameObj, contextSlotValue(h.field(ctx, md.contextHeaderSize() + slot * ptr)), slot));
        }
        return out;
    }

    /**
     * Fills names[index] from a ScopeInfo's context local names hash table (V8 10+, scopes
     * with kScopeInfoMaxInlinedLocalNamesSize or more context locals): a NameToIndexHashTable
     * (hash-table.h: {number of elements, deleted, capacity}, NameToIndexShape's prefix, then
     * {name, Smi local index} entries; empty entries hold undefined, deleted ones the hole).
     * Entries whose index is out of range are ignored; unnamed indices stay 0.
     */
    private void hashedLocalNames(long table, long[] names) {
        if (!h.isHeapObject(table)) return;
        long len = h.smiField(table, md.fixedArrayLengthOffset(), "local names table length");
        int hdr = md.fixedArrayHeaderSize();
        long capacity = h.smiField(table, hdr + md.get(V8Fact.HASH_TABLE_CAPACITY_INDEX) * ptr, "local names table capacity");
        int entrySize = md.get(V8Fact.NAME_TO_INDEX_TABLE_ENTRY_SIZE);
        long start = md.get(V8Fact.NAME_DICTIONARY_PREFIX_START_INDEX) + md.get(V8Fact.NAME_TO_INDEX_TABLE_PREFIX_SIZE);
        if (capacity < 0 || start + capacity * entrySize > len) {
            throw new HeapException(table, String.format("local names table 0x%x has capacity %d for length %d", table, capacity, len));
        }
        for (long e = 0; e < capacity; e++) {
            long at = hdr + (start + e * entrySize) * ptr;
            long key = h.field(table, (int) at);
            if (!h.strings().isString(key)) continue; // undefined (empty) or the hole (deleted)
            long index = h.field(table, (int) at + ptr);
            if (!h.isSmi(index)) continue;
            long i = h.smiValue(index);
            if (i >= 0 && i < names.length) names[(int) i] = key;
        }
    }

    /** Bound function: target, this, arguments (a FixedArray's items). */
    public record BoundFunction(long target, long boundThis, List<Long> arguments) {}

    public BoundFunction boundFunction(long obj) {
        long target = h.field(obj, md.get(V8Fact.JS_BOUND_FUNCTION_TARGET_OFFSET));
        long self = h.field(obj, md.get(V8Fact.JS_BOUND_FUNCTION_THIS_OFFSET));
        long args = h.field(obj, md.get(V8Fact.JS_BOUND_FUNCTION_ARGUMENTS_OFFSET));
        return new BoundFunction(target, self, h.fixedArrayItems(args, 1024));
    }

    /** Generator / async function object: its function, state, and (async functions) nothing more. */
    public record GeneratorInfo(long function, String state, long continuation) {}

    public GeneratorInfo generator(long obj) {
        long fn = h.field(obj, md.get(V8Fact.JS_GENERATOR_FUNCTION_OFFSET));
        long c = h.smiField(obj, md.get(V8Fact.JS_GENERATOR_CONTINUATION_OFFSET), "generator continuation");
        String state = c >= 0 ? "suspended" : c == -1 ? "closed" : c == -2 ? "executing" : "unknown";
        return new GeneratorInfo(fn, state, c);
    }
}
