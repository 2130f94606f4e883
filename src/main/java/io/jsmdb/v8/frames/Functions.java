package io.jsmdb.v8.frames;

import io.jsmdb.v8.Fallbacks;
import io.jsmdb.v8.V8Fact;
import io.jsmdb.v8.V8Metadata;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * SharedFunctionInfo and Script decoding for frames: function names (shared name from the
 * ScopeInfo's function variable, inferred name), the defining script, its name and source,
 * and source position to line:column. Results are cached per object address.
 */
public final class Functions implements Names {
    /** A function's names: the shared name and V8's inferred name ("" when none). */
    public record FunctionName(String name, String inferred) {
        /** V8's DebugName: the name, else the inferred name, else "". */
        public String debugName() { return !name.isEmpty() ? name : inferred; }
    }

    /** A line and column, both 1-based. */
    public record LineCol(int line, int column) {}

    private final FrameHeap h;
    private final V8Metadata md;
    private final int sfiScript, sfiNameOrScopeInfo, siFields, siFirstVars, siNumLocals, maxInlined;
    private final boolean flagsSmi, receiverInfo, moduleCount;
    private final int functionScope, fixedArrayHeader, fixedArrayLength;
    private final int scriptSource, scriptName, scriptLineOffset, scriptColumnOffset, scriptLineEnds, evalFromShared, evalFromPosition;
    private final int uncompiledInferred, uncompiledStart, sfiFunctionData;
    private final Map<Long, FunctionName> names = new HashMap<>();
    private final Map<Long, int[]> lineEnds = new HashMap<>();
    private final Map<Long, String> sources = new HashMap<>();

    Functions(FrameHeap h) {
        this.h = h;
        this.md = h.md;
        sfiScript = md.sfiScriptOffset();
        sfiNameOrScopeInfo = md.sfiNameOrScopeInfoOffset();
        siFields = md.scopeInfoFieldsOffset();
        siFirstVars = md.scopeInfoFirstVarsIndex();
        siNumLocals = md.scopeInfoNumContextLocalsIndex();
        maxInlined = (int) md.find(V8Fact.SCOPE_INFO_MAX_INLINED_LOCAL_NAMES).orElse(Integer.MAX_VALUE);
        flagsSmi = md.get(V8Fact.SCOPE_INFO_FLAGS_IS_SMI) != 0;
        receiverInfo = md.get(V8Fact.SCOPE_INFO_HAS_RECEIVER_INFO) != 0;
        moduleCount = md.get(V8Fact.SCOPE_INFO_HAS_MODULE_VARIABLE_COUNT) != 0;
        functionScope = md.get(V8Fact.SCOPE_INFO_FUNCTION_SCOPE_TYPE);
        fixedArrayHeader = md.fixedArrayHeaderSize();
        fixedArrayLength = md.fixedArrayLengthOffset();
        scriptSource = md.scriptSourceOffset();
        scriptName = md.scriptNameOffset();
        scriptLineOffset = md.scriptLineOffsetOffset();
        scriptColumnOffset = md.scriptColumnOffsetOffset();
        scriptLineEnds = md.scriptLineEndsOffset();
        evalFromShared = (int) md.find(V8Fact.SCRIPT_EVAL_FROM_SHARED_OFFSET).orElse(-1);
        evalFromPosition = (int) md.find(V8Fact.SCRIPT_EVAL_FROM_POSITION_OFFSET).orElse(-1);
        uncompiledInferred = (int) md.find(V8Fact.UNCOMPILED_DATA_INFERRED_NAME_OFFSET).orElse(-1);
        uncompiledStart = (int) md.find(V8Fact.UNCOMPILED_DATA_START_POSITION_OFFSET).orElse(-1);
        sfiFunctionData = (int) md.find(V8Fact.SFI_UNTRUSTED_FUNCTION_DATA_OFFSET).orElse(-1);
    }

    FrameHeap heap() { return h; }

    @Override
    public String debugName(long sfi) { return name(sfi).debugName(); }

    /** The SFI's names (cached). */
    public FunctionName name(long sfi) {
        FunctionName n = names.get(sfi);
        if (n == null) {
            n = computeName(sfi);
            names.put(sfi, n);
        }
        return n;
    }

    /** Where the ScopeInfo's variable part puts its slots; null if sfi has no ScopeInfo. */
    private record ScopeSlots(long scopeInfo, long flags, int functionNameIndex, int inferredIndex, int positionIndex) {}

    private ScopeSlots scopeSlots(long sfi) {
        if (h.type(sfi) != h.sfiType) return null;
        long nos = h.field(sfi, sfiNameOrScopeInfo);
        if (h.type(nos) != h.scopeInfoType) return null;
        long flags;
        if (flagsSmi) {
            long w = h.field(nos, siFields);
            if (!h.isSmi(w)) return null;
            flags = h.smi(w);
        } else {
            flags = h.int32(nos, siFields) & 0xffffffffL;
        }
        long n = h.smiField(nos, siFields + siNumLocals * 8, -1);
        if (n < 0 || n > 1_000_000) return null;
        int idx = siFirstVars;
        int scopeType = (int) (flags & Fallbacks.SCOPE_FLAGS_SCOPE_TYPE_MASK);
        if (moduleCount && scopeType == functionScope + 1) idx++;
        idx += (n < maxInlined || receiverInfo) ? (int) n : 1;
        idx += (int) n;
        if (((flags >> Fallbacks.SCOPE_FLAGS_HAS_SAVED_CLASS_VARIABLE_BIT) & 1) != 0) idx++;
        if (receiverInfo) {
            long rv = (flags >> Fallbacks.SCOPE_FLAGS_RECEIVER_VARIABLE_SHIFT) & 3;
            if (rv == 1 || rv == 2) idx++;
        }
        int fnIdx = -1, infIdx = -1;
        if (((flags >> Fallbacks.SCOPE_FLAGS_FUNCTION_VARIABLE_SHIFT) & 3) != 0) {
            fnIdx = idx;
            idx += 2;
        }
        if (((flags >> Fallbacks.SCOPE_FLAGS_HAS_INFERRED_NAME_BIT) & 1) != 0) {
            infIdx = idx;
            idx++;
        }
        return new ScopeSlots(nos, flags, fnIdx, infIdx, flagsSmi ? idx : -1);
    }

    private FunctionName computeName(long sfi) {
        if (h.type(sfi) != h.sfiType) return new FunctionName("", "");
        long nos = h.field(sfi, sfiNameOrScopeInfo);
        if (h.isString(nos)) return new FunctionName(str(nos), uncompiledInferredName(sfi));
        ScopeSlots s = scopeSlots(sfi);
        if (s == null) return new FunctionName("", uncompiledInferredName(sfi));
        String name = "", inferred = "";
        if (s.functionNameIndex >= 0) {
            String x = h.string(h.field(s.scopeInfo, siFields + s.functionNameIndex * 8), 256);
            if (x != null) name = x;
        }
        if (s.inferredIndex >= 0) {
            String x = h.string(h.field(s.scopeInfo, siFields + s.inferredIndex * 8), 256);
            if (x != null) inferred = x;
        }
        if (name.isEmpty() && inferred.isEmpty() && (s.flags & Fallbacks.SCOPE_FLAGS_SCOPE_TYPE_MASK) == functionScope - 1) {
            name = "eval";  // an eval scope (EVAL_SCOPE precedes FUNCTION_SCOPE): V8 names eval code's frame "eval"
        }
        return new FunctionName(name, inferred);
    }

    private String uncompiledInferredName(long sfi) {
        if (sfiFunctionData < 0 || uncompiledInferred < 0) return "";
        long data = h.field(sfi, sfiFunctionData);
        if (!h.isHeapObject(data)) return "";
        String s = h.string(h.field(data, uncompiledInferred), 256);
        return s == null ? "" : s;
    }

    private String str(long s) {
        String x = h.string(s, 256);
        return x == null ? "" : x;
    }

    /** The function's start and end source positions (from its ScopeInfo or UncompiledData), or null. */
    public int[] sourceRange(long sfi) {
        ScopeSlots s = scopeSlots(sfi);
        if (s != null) {
            int idx = flagsSmi ? s.positionIndex : md.scopeInfoFirstVarsIndex() - 2;
            long a = h.smiField(s.scopeInfo, siFields + idx * 8, -1);
            long b = h.smiField(s.scopeInfo, siFields + (idx + 1) * 8, -1);
            if (a >= 0 && b >= a) return new int[] {(int) a, (int) b};
            return null;
        }
        if (sfiFunctionData >= 0 && uncompiledStart >= 0) {
            long data = h.field(sfi, sfiFunctionData);
            if (h.isHeapObject(data)) {
                int a = h.int32(data, uncompiledStart), b = h.int32(data, uncompiledStart + 4);
                if (a >= 0 && b >= a) return new int[] {a, b};
            }
        }
        return null;
    }

    /** The SFI of a JSFunction, or addr itself if it is an SFI; 0 otherwise. */
    public long sharedFunctionInfo(long addr) {
        if (h.type(addr) == h.sfiType) return addr;
        if (h.isJsFunction(addr)) {
            long sfi = h.sharedOf(addr);
            return h.type(sfi) == h.sfiType ? sfi : 0;
        }
        return 0;
    }

    /** The Script of an SFI, or 0. */
    public long script(long sfi) {
        long s = h.field(sfi, sfiScript);
        return h.type(s) == h.scriptType ? s : 0;
    }

    /** The script's name (file name or URL), or empty (eval code, new Function). */
    public Optional<String> scriptName(long script) {
        if (script == 0) return Optional.empty();
        String s = h.string(h.field(script, scriptName), 4096);
        return Optional.ofNullable(s == null || s.isEmpty() ? null : s);
    }

    /** For eval code: the SFI that called eval and the position of the call; else null. */
    public long[] evalOrigin(long script) {
        if (script == 0 || evalFromShared < 0) return null;
        long sfi = h.field(script, evalFromShared);
        if (h.type(sfi) != h.sfiType) return null;
        long pos = evalFromPosition < 0 ? -1 : h.smiField(script, evalFromPosition, -1);
        return new long[] {sfi, pos};
    }

    /** The script's source text (cached), or null. */
    public String source(long script) {
        if (script == 0) return null;
        if (sources.containsKey(script)) return sources.get(script);
        String s = h.string(h.field(script, scriptSource), 64 << 20);
        sources.put(script, s);
        return s;
    }

    private int[] lineEnds(long script) {
        int[] ends = lineEnds.get(script);
        if (ends != null) return ends;
        long le = h.field(script, scriptLineEnds);
        int t = h.type(le);
        if (t >= 0 && h.isHeapObject(le) && t != h.oddballType) {
            long n = h.smiField(le, fixedArrayLength, -1);
            if (n >= 0 && n < 50_000_000) {
                ends = new int[(int) n];
                try {
                    byte[] b = h.mem.readBytes(le - 1 + fixedArrayHeader, (int) n * 8);
                    java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < n; i++) ends[i] = (int) h.smi(bb.getLong());
                } catch (RuntimeException e) {
                    ends = null;
                }
            }
        }
        if (ends == null) {
            String src = source(script);
            if (src == null) return null;
            java.util.List<Integer> l = new java.util.ArrayList<>();
            for (int i = 0; i < src.length(); i++) if (src.charAt(i) == '\n') l.add(i);
            l.add(src.length());
            ends = l.stream().mapToInt(Integer::intValue).toArray();
        }
        lineEnds.put(script, ends);
        return ends;
    }

    /** Script position to 1-based line and column (with the script's line/column offsets), or null. */
    public LineCol lineCol(long script, int pos) {
        if (script == 0 || pos < 0) return null;
        int[] ends = lineEnds(script);
        if (ends == null || ends.length == 0) return null;
        int lo = 0, hi = ends.length - 1;
        if (pos > ends[hi]) return null;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ends[mid] >= pos) hi = mid;
            else lo = mid + 1;
        }
        int line = lo;
        int col = line == 0 ? pos : pos - (ends[line - 1] + 1);
        long lineOffset = h.smiField(script, scriptLineOffset, 0);
        long colOffset = h.smiField(script, scriptColumnOffset, 0);
        return new LineCol((int) (line + 1 + lineOffset), (int) (col + 1 + (line == 0 ? colOffset : 0)));
    }

    /** Lines [from, to] (1-based, script line numbering) of the script's source; missing ones are skipped. */
    public java.util.List<String[]> sourceLines(long script, int from, int to) {
        java.util.List<String[]> out = new java.util.ArrayList<>();
        String src = source(script);
        int[] ends = src == null ? null : lineEnds(script);
        if (ends == null) return out;
        long lineOffset = h.smiField(script, scriptLineOffset, 0);
        for (int l = from; l <= to; l++) {
            int i = (int) (l - 1 - lineOffset);
            if (i < 0 || i >= ends.length) continue;
            int start = i == 0 ? 0 : ends[i - 1] + 1;
            int end = Math.min(ends[i], src.length());
            if (start > end) continue;
            out.add(new String[] {Integer.toString(l), src.substring(start, end)});
        }
        return out;
    }
}
