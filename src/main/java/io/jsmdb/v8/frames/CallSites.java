package io.jsmdb.v8.frames;

import io.jsmdb.core.MemoryFault;
import io.jsmdb.v8.V8Fact;
import io.jsmdb.v8.V8Metadata;
import io.jsmdb.v8.heap.HeapException;
import io.jsmdb.v8.heap.JsKind;
import io.jsmdb.v8.heap.V8Functions;
import io.jsmdb.v8.heap.V8Heap;
import io.jsmdb.v8.heap.V8Properties;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The call sites an Error keeps until its {@code stack} is first read, and their text as V8's
 * stack trace serializer writes it ("at Server.emit (node:events:524:28)", "at async main (...)").
 * V8 captures, for each frame, the receiver, the function, the code (a BytecodeArray for every
 * JavaScript tier: optimized frames are summarized at their bytecode offset) and the offset in it,
 * and a flags word; the text is made only when {@code stack} is read, so in a core that nobody
 * asked for it is not there yet.
 *
 * <p>The layout is not in the postmortem metadata; it is recognized from the objects themselves,
 * which V8 laid out three ways: a FixedArray of CallSiteInfo structs (StackFrameInfo before V8 9.9)
 * with the receiver first (V8 9.4 - 11) or the code first (V8 12 - 13.x), and a flat FixedArray of
 * six slots per frame (code, receiver, function, offset, parameters, flags; V8 14). The flag bits
 * are the same in every version (CallSiteInfoFlags).
 */
public final class CallSites {
    /** CallSiteInfoFlags bits. */
    static final int WASM = 1, STRICT = 1 << 2, CONSTRUCTOR = 1 << 3, ASYNC = 1 << 5, BUILTIN = 1 << 6,
            SOURCE_POSITION_COMPUTED = 1 << 7;

    /** Frames read at most: Error.stackTraceLimit may be raised, a core's array may lie. */
    public static final int MAX_FRAMES = 200;

    /** One captured frame. {@code offset} is a bytecode offset, or a source position when the flags say so. */
    public record CallSite(long receiver, long function, long code, int offset, int flags) {
        public boolean isAsync() { return (flags & ASYNC) != 0; }
        public boolean isConstructor() { return (flags & CONSTRUCTOR) != 0; }
    }

    private final V8Heap h;
    private final int ptr;
    private final int tFixedArray, tCallSiteInfo, tStackFrameInfo, tBytecodeArray, tBytecodeWrapper, tCodeWrapper, tGlobalProxy, tOddball, tScript;
    private final int spTableOffset, byteArrayData, lengthOffset, encoding;
    private final Map<Long, Optional<SourcePositions>> tables = new HashMap<>();
    /**
     * The serializer's rules moved with V8 (call-site-info.cc): up to 9.x the receiver's type
     * prefixes every function name that does not start with it ("Function.Module._load"); from
     * 10 only a function name that is an identifier gets it ("Module._load"); 12 names a class
     * constructor receiver by the class, and 13 any function receiver by its name
     * ("Module.executeUserEntryPoint [as runMain]"). Unknown version: the newest rules.
     */
    private final boolean identifierPrefixRule, classReceiverRule, functionReceiverRule;

    public CallSites(V8Heap heap) {
        this.h = heap;
        V8Metadata md = heap.metadata();
        ptr = md.pointerSize();
        tFixedArray = heap.typeNamed("FIXED_ARRAY_TYPE");
        tCallSiteInfo = heap.typeNamed("CALL_SITE_INFO_TYPE");
        tStackFrameInfo = heap.typeNamed("STACK_FRAME_INFO_TYPE");
        tBytecodeArray = heap.typeNamed("BYTECODE_ARRAY_TYPE");
        tBytecodeWrapper = heap.typeNamed("BYTECODE_WRAPPER_TYPE");
        tCodeWrapper = heap.typeNamed("CODE_WRAPPER_TYPE");
        tGlobalProxy = heap.typeNamed("JS_GLOBAL_PROXY_TYPE");
        tOddball = heap.typeNamed("ODDBALL_TYPE");
        tScript = heap.typeNamed("SCRIPT_TYPE");
        spTableOffset = md.get(V8Fact.BYTECODE_ARRAY_SOURCE_POSITION_TABLE_OFFSET);
        byteArrayData = md.get(V8Fact.BYTE_ARRAY_DATA_OFFSET);
        lengthOffset = md.fixedArrayLengthOffset();
        encoding = md.get(V8Fact.SOURCE_POSITION_TABLE_ENCODING);
        int major = md.version().map(v -> v.major()).orElse(Integer.MAX_VALUE);
        identifierPrefixRule = major >= 10;
        classReceiverRule = major >= 12;
        functionReceiverRule = major >= 13;
    }

    private int type(long v) {
        if (!h.isHeapObject(v)) return -1;
        try {
            return h.typeOf(v);
        } catch (MemoryFault | HeapException e) {
            return -1;
        }
    }

    /**
     * The call sites of an error's captured stack (the FixedArray kept under V8's private error
     * stack symbol), at most max; empty if the array is none of V8's layouts.
     */
    public List<CallSite> read(long array, int max) {
        List<CallSite> out = new ArrayList<>();
        try {
            readInto(array, max, out);
        } catch (MemoryFault | HeapException e) {
            // a core's array can end in unreadable memory or lie about its length: the frames read so far
        }
        return out;
    }

    private void readInto(long array, int max, List<CallSite> out) {
        if (type(array) != tFixedArray) return;
        long len = h.smiField(array, lengthOffset, "call sites length");
        if (len <= 0) return;
        long first = element(array, 0);
        int ft = type(first);
        if (ft >= 0 && (ft == tCallSiteInfo || ft == tStackFrameInfo)) {
            // the function is the struct's second field (receiver first) or its third (code first)
            boolean codeFirst = !h.isJSFunctionType(type(h.field(first, 2 * ptr)));
            int oReceiver = codeFirst ? 2 * ptr : ptr, oFunction = codeFirst ? 3 * ptr : 2 * ptr, oCode = codeFirst ? ptr : 3 * ptr;
            for (int i = 0; i < len && out.size() < max; i++) {
                long cs = element(array, i);
                int t = type(cs);
                if (t != tCallSiteInfo && t != tStackFrameInfo) break;
                out.add(new CallSite(h.field(cs, oReceiver), h.field(cs, oFunction), h.field(cs, oCode),
                        smi(h.field(cs, 4 * ptr)), smi(h.field(cs, 5 * ptr))));
            }
        } else if (len % 6 == 0 && h.isJSFunctionType(type(element(array, 2))) && h.isSmi(element(array, 5))) {
            for (int i = 0; i + 6 <= len && out.size() < max; i += 6) {
                if (!h.isJSFunctionType(type(element(array, i + 2)))) break;
                out.add(new CallSite(element(array, i + 1), element(array, i + 2), element(array, i),
                        smi(element(array, i + 3)), smi(element(array, i + 5))));
            }
        }
    }

    private long element(long array, int i) { return h.field(array, lengthOffset + ptr + i * ptr); }

    private int smi(long v) { return h.isSmi(v) ? (int) h.smiValue(v) : -1; }

    /** The text after "at " for one frame, as V8's SerializeJSStackFrame writes it. */
    public String format(CallSite cs) {
        StringBuilder sb = new StringBuilder();
        if ((cs.flags & WASM) != 0) return "<WebAssembly frame>";
        String functionName = functionName(cs);
        if (cs.isAsync()) sb.append("async ");
        if (isMethodCall(cs)) {
            String typeName = typeName(cs.receiver);
            String methodName = methodName(cs);
            if (!functionName.isEmpty()) {
                boolean prefix = identifierPrefixRule ? isIdentifier(functionName) && !functionName.equals(typeName)
                        : !functionName.startsWith(typeName);
                if (!typeName.isEmpty() && prefix) sb.append(typeName).append('.');
                sb.append(functionName);
                if (!methodName.isEmpty() && !endsWithMethodName(functionName, methodName)) {
                    sb.append(" [as ").append(methodName).append(']');
                }
            } else {
                if (!typeName.isEmpty()) sb.append(typeName).append('.');
                sb.append(methodName.isEmpty() ? "<anonymous>" : methodName);
            }
        } else if (cs.isConstructor()) {
            sb.append("new ").append(functionName.isEmpty() ? "<anonymous>" : functionName);
        } else if (!functionName.isEmpty()) {
            sb.append(functionName);
        } else {
            return sb.append(location(cs)).toString();
        }
        return sb.append(" (").append(location(cs)).append(')').toString();
    }

    /** "Module._compile" ends with the method name "_compile" after a dot (or a space): no " [as _compile]". */
    private static boolean endsWithMethodName(String functionName, String methodName) {
        if (functionName.equals(methodName)) return true;
        if (!functionName.endsWith(methodName) || functionName.length() == methodName.length()) return false;
        char before = functionName.charAt(functionName.length() - methodName.length() - 1);
        return before == '.' || before == ' ';
    }

    /** An IdentifierName as V8's String::IsIdentifier sees it (ASCII and other letters, $, _, digits after the first). */
    static boolean isIdentifier(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            boolean ok = c == '$' || c == '_' || Character.isLetter(c) || (i > 0 && (Character.isDigit(c) || c == 0x200C || c == 0x200D
                    || Character.getType(c) == Character.NON_SPACING_MARK || Character.getType(c) == Character.COMBINING_SPACING_MARK
                    || Character.getType(c) == Character.CONNECTOR_PUNCTUATION));
            if (!ok) return false;
            i += Character.charCount(c);
        }
        return true;
    }

    private boolean isMethodCall(CallSite cs) {
        if (cs.isConstructor()) return false;
        long r = cs.receiver;
        if (!h.isHeapObject(r)) return true; // a Smi receiver is a primitive: a method call
        int t = type(r);
        return t != tGlobalProxy && !(t == tOddball && isNullOrUndefined(r));
    }

    private boolean isNullOrUndefined(long v) {
        JsKind k = h.kindOf(v);
        return k == JsKind.UNDEFINED || k == JsKind.NULL;
    }

    /** CallSiteInfo::GetFunctionName: the function's debug name; "eval" for eval code without one. */
    private String functionName(CallSite cs) {
        String n = h.functions().functionDebugName(cs.function);
        if (!n.isEmpty()) return n;
        long script = script(cs.function);
        if (script != 0 && h.functions().evalOrigin(script).isPresent()) return "eval";
        return "";
    }

    /** JSReceiver::GetConstructorName of the receiver (a primitive's wrapper name for primitives). */
    private String typeName(long receiver) {
        if (h.isSmi(receiver)) return "Number";
        int t = type(receiver);
        if (t < 0) return "";
        if (h.isJSFunctionType(t) && (functionReceiverRule || (classReceiverRule && h.functions().isClassConstructor(receiver)))) {
            String n = h.functions().functionDebugName(receiver);
            if (!n.isEmpty()) return n;
        }
        if (h.isStringType(t)) return "String";
        if (h.isJSObjectType(t)) return h.snapshotConstructorName(receiver).orElse("Object");
        return switch (h.kindOf(receiver)) {
            case HEAP_NUMBER -> "Number";
            case TRUE, FALSE -> "Boolean";
            case SYMBOL -> "Symbol";
            case BIGINT -> "BigInt";
            default -> "";
        };
    }

    /**
     * CallSiteInfo::GetMethodName: the function's own name (without "get "/"set "; else the last
     * part of its inferred name "o.foo") if the receiver's property of that name holds it; else
     * the one enumerable key of the receiver or its prototypes that holds it ("" when none, or
     * when two different keys do).
     */
    private String methodName(CallSite cs) {
        long receiver = cs.receiver;
        if (!h.isHeapObject(receiver) || !h.isJSObjectType(type(receiver))) return "";
        String name = "";
        try {
            long sfi = h.functions().functionShared(cs.function);
            name = h.functions().sfiName(sfi);
            if (name.startsWith("get ") || name.startsWith("set ")) {
                name = name.substring(4);
            } else if (name.isEmpty()) {
                name = h.functions().sfiInferredName(sfi);
                name = name.substring(name.lastIndexOf('.') + 1);
            }
        } catch (MemoryFault | HeapException e) {
            return "";
        }
        if (!name.isEmpty()) {
            // the first object on the prototype chain with the key decides, as a property lookup does
            for (long o = receiver, depth = 0; depth < V8Heap.MAX_PROTOTYPE_CHAIN && h.isHeapObject(o) && h.isJSObjectType(type(o)); depth++) {
                Optional<V8Properties.Property> p = ownProperty(o, name);
                if (p.isPresent()) {
                    if (holds(p.get(), cs.function)) return name;
                    break;
                }
                o = h.mapPrototype(h.mapOf(o));
            }
        }
        String found = null;
        for (long o = receiver, depth = 0; depth < V8Heap.MAX_PROTOTYPE_CHAIN && h.isHeapObject(o) && h.isJSObjectType(type(o)); depth++) {
            for (V8Properties.Property p : h.properties().properties(o, V8Properties.MAX_PROPERTY_NAMES, false)) {
                if (p.symbol() || !p.enumerable() || !holds(p, cs.function)) continue;
                String key = p.name();
                if (found == null) found = key;
                else if (!found.equals(key)) return "";
            }
            o = h.mapPrototype(h.mapOf(o));
        }
        return found == null ? "" : found;
    }

    private Optional<V8Properties.Property> ownProperty(long obj, String name) {
        for (V8Properties.Property p : h.properties().properties(obj, V8Properties.MAX_PROPERTY_NAMES, false)) {
            if (!p.symbol() && p.name().equals(name)) return Optional.of(p);
        }
        return Optional.empty();
    }

    private boolean holds(V8Properties.Property p, long function) {
        if (!p.accessor()) return p.value() == function;
        long pair = p.value();
        try {
            return h.field(pair, ptr) == function || h.field(pair, 2 * ptr) == function;
        } catch (MemoryFault e) {
            return false;
        }
    }

    private long script(long function) {
        try {
            long sfi = h.functions().functionShared(function);
            long s = h.functions().sfiScript(sfi);
            return s != 0 && type(s) == tScript ? s : 0;
        } catch (MemoryFault | HeapException e) {
            return 0;
        }
    }

    /** "file:line:column", "<anonymous>" for builtins, with the eval origin for eval code. */
    public String location(CallSite cs) {
        long script = script(cs.function);
        StringBuilder sb = new StringBuilder();
        // V8's AppendFileLocation: the script's sourceURL or name, else the eval origin
        Optional<String> name = script == 0 ? Optional.empty() : h.functions().scriptNameOrSourceUrl(script);
        if (name.isEmpty() && script != 0) {
            h.functions().evalOrigin(script).ifPresent(o -> sb.append(evalOrigin(o, 0)).append(", "));
        }
        sb.append(name.orElse("<anonymous>"));
        if (script == 0 || (cs.flags & BUILTIN) != 0) return sb.toString();
        int pos = sourcePosition(cs);
        if (pos < 0) return sb.append(":<position unknown>").toString();
        V8Functions.LineColumn lc = h.functions().lineColumn(script, pos);
        if (lc != null) sb.append(':').append(lc.line()).append(':').append(lc.column());
        return sb.toString();
    }

    /** "eval at jsmdbEvalFn (/app/x.js:3:10)", as V8's FormatEvalOrigin. */
    private String evalOrigin(V8Functions.EvalOrigin origin, int depth) {
        StringBuilder sb = new StringBuilder("eval at ");
        String fn = h.functions().sfiDebugName(origin.shared());
        sb.append(fn.isEmpty() ? "<anonymous>" : fn);
        long script = h.functions().sfiScript(origin.shared());
        if (script == 0) return sb.toString();
        Optional<String> name = h.functions().scriptName(script);
        if (name.isPresent()) {
            sb.append(" (").append(name.get());
            V8Functions.LineColumn lc = origin.position() < 0 ? null : h.functions().lineColumn(script, origin.position());
            if (lc != null) sb.append(':').append(lc.line()).append(':').append(lc.column());
            sb.append(')');
        } else if ((name = h.functions().scriptNameOrSourceUrl(script)).isPresent()) {
            // eval called from eval code that has a sourceURL: V8's FormatEvalOrigin gives that URL
            sb.append(" (").append(name.get()).append(')');
        } else if (depth < 8) {
            Optional<V8Functions.EvalOrigin> outer = h.functions().evalOrigin(script);
            outer.ifPresent(o -> sb.append(" (").append(evalOrigin(o, depth + 1)).append(')'));
        }
        return sb.toString();
    }

    /** The frame's source position: kept as such, or looked up in its bytecode's position table; -1 if unknown. */
    public int sourcePosition(CallSite cs) {
        if ((cs.flags & SOURCE_POSITION_COMPUTED) != 0) return cs.offset;
        long code = cs.code;
        int t = type(code);
        if (t == tBytecodeWrapper && tBytecodeWrapper >= 0) {
            code = h.field(code, ptr);
            t = type(code);
        }
        if (t == tCodeWrapper && tCodeWrapper >= 0) {
            code = h.field(code, ptr);
            t = type(code);
        }
        if (cs.offset < 0) return -1;
        if (t == tBytecodeArray) {
            SourcePositions table = positions(h.field(code, spTableOffset));
            long raw = table == null ? -1 : table.lookup(cs.offset);
            return raw < 0 ? -1 : SourcePositions.scriptOffset(raw);
        }
        // optimized code (V8 14 keeps the Code and an offset into it): where the offset points is
        // not known here, so the position is not guessed
        return -1;
    }

    private SourcePositions positions(long byteArray) {
        Optional<SourcePositions> t = tables.get(byteArray);
        if (t == null) {
            t = Optional.empty();
            int bt = type(byteArray);
            if (bt >= 0 && bt != tOddball) {
                try {
                    long len = h.smiField(byteArray, lengthOffset, "position table length");
                    if (len >= 0 && len <= (64 << 20)) {
                        byte[] b = h.memory().readBytes(byteArray - 1 + byteArrayData, (int) len);
                        t = Optional.ofNullable(SourcePositions.decode(b, encoding));
                    }
                } catch (MemoryFault | HeapException e) {
                    // unknown: the position is not shown
                }
            }
            tables.put(byteArray, t);
        }
        return t.orElse(null);
    }

    /**
     * An error's stack as V8 would format it when first read: "Name: message" and one
     * "    at ..." line per captured frame.
     */
    public String formatStack(String header, List<CallSite> sites) {
        StringBuilder sb = new StringBuilder(header);
        for (CallSite cs : sites) {
            String line;
            try {
                line = format(cs);
            } catch (MemoryFault | HeapException e) {
                line = String.format("<a frame jsmdb could not read: %s>", e.getMessage());
            }
            sb.append("\n    at ").append(line);
        }
        return sb.toString();
    }
}
