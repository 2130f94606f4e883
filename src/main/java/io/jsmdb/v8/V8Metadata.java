package io.jsmdb.v8;

import io.jsmdb.binary.ElfImage;
import io.jsmdb.binary.Symbol;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * V8's postmortem metadata: every {@code v8dbg_*} constant of one node binary, with typed
 * accessors for the facts jsmdb decodes with, and named fallbacks ({@link Fallbacks}) where a
 * version lacks a constant.
 *
 * <p>Names are used without the {@code v8dbg_} prefix ("HeapObjectTag",
 * "class_Map__instance_type__uint16_t"); every method that takes a name also accepts it with
 * the prefix. Typed accessors throw {@link MissingMetadataException} when neither the metadata
 * nor a fallback gives the fact; those returning {@code OptionalInt} are facts that do not exist
 * in every supported V8.
 *
 * <p>Immutable and thread-safe; lookups are map lookups (resolve typed facts once, outside hot
 * loops, e.g. into final int fields of a decoder).
 */
public final class V8Metadata {
    public static final String PREFIX = "v8dbg_";

    /**
     * Frame types V8 renamed: every name maps to the newest. OptimizedFrame (to V8 10.x) became
     * TurbofanFrame (11.x-12.x, when Maglev got its own MaglevFrame) and then TurbofanJSFrame
     * (13.x+).
     */
    private static final Map<String, String> FRAME_TYPE_ALIASES = Map.of(
            "OptimizedFrame", "TurbofanJSFrame",
            "TurbofanFrame", "TurbofanJSFrame");

    /**
     * String instance types renamed in V8 12 (node 22); same numbers. Old name -> new name.
     */
    private static final Map<String, String> TYPE_ALIASES = Map.of(
            "STRING_TYPE", "SEQ_TWO_BYTE_STRING_TYPE",
            "ONE_BYTE_STRING_TYPE", "SEQ_ONE_BYTE_STRING_TYPE",
            "CONS_STRING_TYPE", "CONS_TWO_BYTE_STRING_TYPE",
            "EXTERNAL_STRING_TYPE", "EXTERNAL_TWO_BYTE_STRING_TYPE",
            "SLICED_STRING_TYPE", "SLICED_TWO_BYTE_STRING_TYPE",
            "THIN_STRING_TYPE", "THIN_TWO_BYTE_STRING_TYPE",
            "INTERNALIZED_STRING_TYPE", "INTERNALIZED_TWO_BYTE_STRING_TYPE",
            "ONE_BYTE_INTERNALIZED_STRING_TYPE", "INTERNALIZED_ONE_BYTE_STRING_TYPE");

    /**
     * Classes that share their parent's instance type (V8 13+: DependentCode is a WeakArrayList
     * with the same type): {@link #typeName} prefers the other entry.
     */
    private static final Set<String> TYPE_SHARING_SUBCLASSES = Set.of("DependentCode");

    /** One v8dbg constant. */
    public record Constant(String name, long value) {
        /** The ELF symbol name: "v8dbg_" + name. */
        public String symbolName() { return PREFIX + name; }
    }

    /** How a typed fact was resolved: the value (empty if missing) and where it came from. */
    public record Resolution(V8Fact fact, OptionalLong value, Kind kind, String origin) {
        public enum Kind { METADATA, DERIVED, FALLBACK, MISSING }
    }

    private final TreeMap<String, Long> values;
    private final Optional<V8Version> version;
    private final String target;
    private final List<String> warnings;
    /** "Class\0field" -> full names (sorted) of class_Class__field[__type]. */
    private final Map<String, List<String>> fields = new HashMap<>();
    /** TYPE constant -> value. */
    private final Map<String, Integer> typeByConst = new HashMap<>();
    /** Class -> its TYPE constants, sorted. */
    private final Map<String, List<String>> typeConstsByClass = new HashMap<>();
    /** value -> "Class__TYPE" keys, sorted. */
    private final Map<Integer, List<String>> typeKeysByValue = new HashMap<>();
    private final Map<String, Integer> frameByName = new HashMap<>();
    private final Map<Integer, String> frameByValue = new HashMap<>();
    private final Map<V8Fact, Resolution> resolved = Collections.synchronizedMap(new EnumMap<>(V8Fact.class));
    /** The binary the metadata was read from (null when built from a map): source of {@link #instanceTypes()}. */
    private final ElfImage image;
    private volatile InstanceTypeTable instanceTypes;

    /** Metadata from v8dbg names (with or without the prefix) to values; no version known. */
    public V8Metadata(Map<String, Long> constants) {
        this(constants, Optional.empty(), "V8 metadata", List.of(), null);
    }

    /**
     * Metadata from v8dbg names (with or without the prefix) to values.
     *
     * @param version the V8 version, which version-gated fallbacks need
     * @param target what the metadata came from, for messages ("/usr/bin/node (V8 11.3.244.8)")
     */
    public V8Metadata(Map<String, Long> constants, Optional<V8Version> version, String target) {
        this(constants, version, target, List.of(), null);
    }

    private V8Metadata(Map<String, Long> constants, Optional<V8Version> version, String target, List<String> warnings,
                       ElfImage image) {
        this.image = image;
        this.version = Objects.requireNonNull(version);
        this.target = Objects.requireNonNull(target);
        this.warnings = List.copyOf(warnings);
        TreeMap<String, Long> v = new TreeMap<>();
        constants.forEach((k, val) -> v.put(strip(k), Objects.requireNonNull(val, k)));
        this.values = v;
        index();
    }

    /**
     * Reads every {@code v8dbg_*} symbol of a node binary: each is an int32 (in .data, or in .bss
     * when its value is 0). The V8 version comes from {@link V8Version#of}. A binary without
     * metadata gives an empty instance ({@link #isEmpty()}).
     */
    public static V8Metadata fromImage(ElfImage image) {
        Optional<V8Version> version = V8Version.of(image);
        String target = image.path() + version.map(v -> " (V8 " + v + ")").orElse("");
        return fromImage(image, version, target);
    }

    /** As {@link #fromImage(ElfImage)} with the caller's version and label. */
    public static V8Metadata fromImage(ElfImage image, Optional<V8Version> version, String target) {
        Map<String, Long> out = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (Symbol s : image.symbols().withPrefix(PREFIX)) {
            if (s.name().length() == PREFIX.length()) continue;
            if (s.size() != 0 && s.size() != 4) {
                warnings.add(s.name() + " has size " + s.size() + ", expected a 4-byte int; read as int32 anyway");
            }
            long value;
            try {
                value = image.readInt(s.value());
            } catch (IllegalArgumentException e) {
                warnings.add(s.name() + " at 0x" + Long.toHexString(s.value()) + " cannot be read: " + e.getMessage());
                continue;
            }
            String name = s.name().substring(PREFIX.length());
            Long old = out.putIfAbsent(name, value);
            if (old != null && old != value) {
                warnings.add(s.name() + " is defined twice with different values (" + old + ", " + value + "); using " + old);
            }
        }
        return new V8Metadata(out, version, target, warnings, image);
    }

    private static String strip(String name) {
        return name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
    }

    private void index() {
        for (Map.Entry<String, Long> e : values.entrySet()) {
            String name = e.getKey();
            long value = e.getValue();
            if (name.startsWith("class_")) {
                String[] p = name.substring(6).split("__", 3);
                if (p.length >= 2 && !p[0].isEmpty() && !p[1].isEmpty()) {
                    fields.computeIfAbsent(p[0] + '\0' + p[1], k -> new ArrayList<>()).add(name);
                }
            } else if (name.startsWith("type_")) {
                String rest = name.substring(5);
                int sep = rest.indexOf("__");
                String cls = sep < 0 ? "" : rest.substring(0, sep);
                String tc = sep < 0 ? rest : rest.substring(sep + 2);
                int iv = (int) value;
                typeByConst.putIfAbsent(tc, iv);
                if (!cls.isEmpty()) typeConstsByClass.computeIfAbsent(cls, k -> new ArrayList<>()).add(tc);
                typeKeysByValue.computeIfAbsent(iv, k -> new ArrayList<>()).add(rest);
            } else if (name.startsWith("frametype_")) {
                String fn = name.substring(10);
                frameByName.put(fn, (int) value);
                frameByValue.merge((int) value, fn, (a, b) -> a.compareTo(b) <= 0 ? a : b);
            }
        }
    }

    // ---------------------------------------------------------------- generic access

    /** The V8 version, if known. */
    public Optional<V8Version> version() { return version; }

    /**
     * True for an AArch64 build (from the binary's ELF header): where V8's and the C library's
     * structs differ by machine (a pthread mutex is 40 bytes on x86-64 and 48 on AArch64),
     * Fallbacks gives arm64's offsets.
     */
    public boolean isArm64() { return image != null && image.machine() == ElfImage.EM_AARCH64; }

    /** What this metadata came from, for messages. */
    public String target() { return target; }

    /** Problems met while reading the symbols (unreadable values, duplicates). */
    public List<String> warnings() { return warnings; }

    /** True if there are no v8dbg constants at all (not a node binary with postmortem metadata). */
    public boolean isEmpty() { return values.isEmpty(); }

    public int size() { return values.size(); }

    /** Every constant, name (without prefix) to value, sorted by name. */
    public SortedMap<String, Long> constants() { return Collections.unmodifiableSortedMap(values); }

    /** The constant's value; name with or without the v8dbg_ prefix. */
    public OptionalLong constant(String name) {
        Long v = values.get(strip(name));
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** True if the constant exists. */
    public boolean has(String name) { return values.containsKey(strip(name)); }

    /**
     * The listing for {@code ::v8metadata [PREFIX]}: every constant whose name (without
     * v8dbg_) starts with prefix (given with or without v8dbg_; null or empty: all), sorted.
     */
    public List<Constant> describe(String prefix) {
        String p = prefix == null ? "" : strip(prefix);
        List<Constant> out = new ArrayList<>();
        SortedMap<String, Long> tail = p.isEmpty() ? values : values.tailMap(p);
        for (Map.Entry<String, Long> e : tail.entrySet()) {
            if (!e.getKey().startsWith(p)) break;
            out.add(new Constant(e.getKey(), e.getValue()));
        }
        return out;
    }

    /** All constants, sorted. */
    public List<Constant> describe() { return describe(""); }

    // ---------------------------------------------------------------- fields

    /**
     * Offset of field in class: the value of {@code class_<cls>__<field>__<any type>} (or of
     * {@code class_<cls>__<field>} without a type part), so the Node 22+ {@code Tagged_...} type
     * spellings match like the old ones.
     *
     * @throws IllegalStateException if two spellings give different offsets
     */
    public OptionalInt fieldOffset(String cls, String field) {
        List<String> names = fields.get(cls + '\0' + field);
        if (names == null) return OptionalInt.empty();
        long first = values.get(names.get(0));
        for (String n : names) {
            if (values.get(n) != first) {
                throw new IllegalStateException("conflicting offsets for " + cls + "::" + field + " in " + target + ": "
                        + names.stream().map(x -> PREFIX + x + "=" + values.get(x)).toList());
            }
        }
        return OptionalInt.of((int) first);
    }

    /** As {@link #fieldOffset} but throws {@link MissingMetadataException} when absent. */
    public int requireFieldOffset(String cls, String field) {
        OptionalInt o = fieldOffset(cls, field);
        if (o.isEmpty()) throw new MissingMetadataException(PREFIX + "class_" + cls + "__" + field + "__*", target, null);
        return o.getAsInt();
    }

    /** The full names (without prefix) matching class_cls__field, e.g. both type spellings. */
    public List<String> fieldConstants(String cls, String field) {
        return List.copyOf(fields.getOrDefault(cls + '\0' + field, List.of()));
    }

    // ---------------------------------------------------------------- instance types

    /**
     * An instance type by name: a TYPE constant ("JS_ARRAY_TYPE"; the pre-V8-12 string type names
     * and the newer ones are both accepted), "Class__TYPE", or a class name whose only type it is
     * ("JSArray").
     *
     * @throws IllegalArgumentException for a class with several types (use {@link #types})
     */
    public OptionalInt type(String name) {
        String n = strip(name);
        if (n.startsWith("type_")) n = n.substring(5);
        int sep = n.indexOf("__");
        if (sep >= 0) {
            Long v = values.get("type_" + n);
            return v == null ? OptionalInt.empty() : OptionalInt.of(v.intValue());
        }
        Integer v = typeByConst.get(n);
        if (v != null) return OptionalInt.of(v);
        for (Map.Entry<String, String> a : TYPE_ALIASES.entrySet()) {
            String other = n.equals(a.getKey()) ? a.getValue() : n.equals(a.getValue()) ? a.getKey() : null;
            if (other != null && typeByConst.containsKey(other)) return OptionalInt.of(typeByConst.get(other));
        }
        List<String> consts = typeConstsByClass.get(n);
        if (consts == null) return OptionalInt.empty();
        if (consts.size() > 1) {
            throw new IllegalArgumentException(n + " has several instance types " + consts + " in " + target + "; name one of them");
        }
        return OptionalInt.of(typeByConst.get(consts.get(0)));
    }

    /** All instance types of a class (e.g. ConsString: one-byte and two-byte), ascending. */
    public int[] types(String cls) {
        List<String> consts = typeConstsByClass.getOrDefault(cls, List.of());
        return consts.stream().mapToInt(typeByConst::get).sorted().toArray();
    }

    /**
     * The TYPE constant name of an instance type ("JS_ARRAY_TYPE"), if the metadata lists it.
     * Most string types and many internal types are not listed. Where two classes share a
     * number (DependentCode / WeakArrayList in V8 13+), the base class's name is returned.
     */
    public Optional<String> typeName(int type) {
        return preferredTypeKey(type).map(k -> k.substring(k.indexOf("__") + 2));
    }

    /** The class name of an instance type ("JSArray"), if the metadata lists it. */
    public Optional<String> typeClassName(int type) {
        return preferredTypeKey(type).map(k -> k.substring(0, k.indexOf("__")));
    }

    /** Every "Class__TYPE" entry with this number. */
    public List<String> typeEntries(int type) {
        return List.copyOf(typeKeysByValue.getOrDefault(type, List.of()));
    }

    private Optional<String> preferredTypeKey(int type) {
        List<String> keys = typeKeysByValue.get(type);
        if (keys == null) return Optional.empty();
        for (String k : keys) {
            int sep = k.indexOf("__");
            if (sep > 0 && !TYPE_SHARING_SUBCLASSES.contains(k.substring(0, sep))) return Optional.of(k);
        }
        return keys.get(0).contains("__") ? Optional.of(keys.get(0)) : Optional.empty();
    }

    /**
     * Every instance type's name and number: the binary's own type-to-name table checked against
     * the metadata ({@link InstanceTypeTable}), built the first time it is asked for (start-up
     * does not pay for it). Metadata made from a map of constants, not from a binary, has the
     * metadata's types only.
     */
    public InstanceTypeTable instanceTypes() {
        InstanceTypeTable t = instanceTypes;
        if (t == null) {
            synchronized (this) {
                t = instanceTypes;
                if (t == null) instanceTypes = t = InstanceTypeTable.of(image, this);
            }
        }
        return t;
    }

    /**
     * An instance type by TYPE name from the metadata ({@link #type}) or, where the metadata
     * lacks it, from the binary's complete table ({@link #instanceTypes()}).
     */
    public OptionalInt instanceType(String typeName) {
        OptionalInt t;
        try {
            t = type(typeName);
        } catch (IllegalArgumentException e) {
            t = OptionalInt.empty();
        }
        return t.isPresent() ? t : instanceTypes().type(typeName);
    }

    /** The TYPE name of an instance type from the metadata, else from the binary's table. */
    public Optional<String> instanceTypeName(int type) {
        Optional<String> n = typeName(type);
        if (n.isEmpty()) n = instanceTypes().name(type);
        if (n.isPresent()) return n;
        // The embedder object types have no type_* constant and no case in V8's type-name
        // switch, but the metadata names their numbers: node's wrapped C++ objects are these.
        if (find(V8Fact.API_OBJECT_TYPE).equals(OptionalLong.of(type))) return Optional.of("JS_API_OBJECT_TYPE");
        if (find(V8Fact.SPECIAL_API_OBJECT_TYPE).equals(OptionalLong.of(type))) return Optional.of("JS_SPECIAL_API_OBJECT_TYPE");
        return Optional.empty();
    }

    /** type < FirstNonstringType. */
    public boolean isStringType(int type) { return type >= 0 && type < firstNonstringType(); }

    /** A string type's representation bits (compare with seqStringTag() etc.). */
    public int stringRepresentation(int type) { return type & stringRepresentationMask(); }

    /** A string type's encoding is one-byte. */
    public boolean isOneByteString(int type) { return (type & stringEncodingMask()) == oneByteStringTag(); }

    /** FirstJSFunctionType <= type <= LastJSFunctionType. */
    public boolean isJSFunctionType(int type) { return type >= firstJSFunctionType() && type <= lastJSFunctionType(); }

    /** FirstContextType <= type <= LastContextType. */
    public boolean isContextType(int type) { return type >= firstContextType() && type <= lastContextType(); }

    // ---------------------------------------------------------------- frame types

    /** The newest name of a frame type: OptimizedFrame and TurbofanFrame become TurbofanJSFrame. */
    public static String canonicalFrameTypeName(String name) {
        String n = name.endsWith("Frame") ? name : name + "Frame";
        return FRAME_TYPE_ALIASES.getOrDefault(n, n);
    }

    /**
     * A frame type number by name, any spelling: "InterpretedFrame" or "Interpreted"; and
     * OptimizedFrame / TurbofanFrame / TurbofanJSFrame all find whichever this V8 has.
     * Numbers differ between versions (node 26 renumbered them all).
     */
    public OptionalInt frameType(String name) {
        String n = strip(name);
        if (n.startsWith("frametype_")) n = n.substring(10);
        Integer v = frameByName.get(n);
        if (v == null && !n.endsWith("Frame")) v = frameByName.get(n + "Frame");
        if (v != null) return OptionalInt.of(v);
        String canon = canonicalFrameTypeName(n);
        Integer c = frameByName.get(canon);
        if (c != null) return OptionalInt.of(c);
        for (Map.Entry<String, String> a : FRAME_TYPE_ALIASES.entrySet()) {
            if (a.getValue().equals(canon) && frameByName.containsKey(a.getKey())) return OptionalInt.of(frameByName.get(a.getKey()));
        }
        return OptionalInt.empty();
    }

    /** The frame type's name as this V8 spells it ("TurbofanFrame" in node 20). */
    public Optional<String> frameTypeName(int type) { return Optional.ofNullable(frameByValue.get(type)); }

    /** The frame type's newest name ("TurbofanJSFrame" for node 16's OptimizedFrame). */
    public Optional<String> canonicalFrameTypeName(int type) {
        return frameTypeName(type).map(V8Metadata::canonicalFrameTypeName);
    }

    /** All frame types, name to number. */
    public Map<String, Integer> frameTypes() { return Collections.unmodifiableMap(new TreeMap<>(frameByName)); }

    /**
     * Decodes the context-or-frame-type slot of a frame: a frame type marker is
     * {@code type << kSmiTagSize | kSmiTag} (StackFrame::TypeToMarker, src/execution/frames.h; not
     * a full Smi on x64). Returns the frame type if the word is a marker of a known type, else
     * empty (then the slot holds a context: a standard JS frame).
     */
    public OptionalInt frameTypeFromMarker(long word) {
        if ((word & smiTagMask()) != smiTag()) return OptionalInt.empty();
        long t = word >> smiTagSize();
        if (t < 0 || t > Integer.MAX_VALUE || !frameByValue.containsKey((int) t)) return OptionalInt.empty();
        return OptionalInt.of((int) t);
    }

    // ---------------------------------------------------------------- typed facts

    /** The fact's value from metadata, derivation or fallback; empty if none applies. */
    public OptionalLong find(V8Fact fact) { return resolve(fact).value(); }

    /** The fact as an int, or {@link MissingMetadataException}. */
    public int get(V8Fact fact) {
        Resolution r = resolve(fact);
        if (r.value().isEmpty()) throw missing(fact);
        return (int) r.value().getAsLong();
    }

    /** How the fact was resolved (metadata name, derivation, fallback, or missing). */
    public Resolution resolve(V8Fact fact) {
        Resolution r = resolved.get(fact);
        if (r == null) {
            r = compute(fact);
            resolved.put(fact, r);
        }
        return r;
    }

    /** How every typed fact resolves for this binary, in declaration order. */
    public List<Resolution> resolutions() {
        List<Resolution> out = new ArrayList<>();
        for (V8Fact f : V8Fact.values()) out.add(resolve(f));
        return out;
    }

    /** True if a fallback verified only for {@link Fallbacks#VERIFIED_OLDEST}..NEWEST is used outside that range. */
    public boolean outsideVerifiedRange() {
        return version.map(v -> v.compareTo(Fallbacks.VERIFIED_OLDEST) < 0
                || v.major() > Fallbacks.VERIFIED_NEWEST.major()
                || (v.major() == Fallbacks.VERIFIED_NEWEST.major() && v.minor() > Fallbacks.VERIFIED_NEWEST.minor())).orElse(true);
    }

    private Resolution compute(V8Fact fact) {
        for (String key : fact.keys()) {
            int dot = key.indexOf('.');
            if (dot < 0) {
                Long v = values.get(key);
                if (v != null) return new Resolution(fact, OptionalLong.of(v), Resolution.Kind.METADATA, PREFIX + key);
            } else {
                String cls = key.substring(0, dot), field = key.substring(dot + 1);
                OptionalInt o = fieldOffset(cls, field);
                if (o.isPresent()) {
                    return new Resolution(fact, OptionalLong.of(o.getAsInt()), Resolution.Kind.METADATA, PREFIX + fieldConstants(cls, field).get(0));
                }
            }
        }
        if (fact.derivation() != null) {
            OptionalLong v = fact.derivation().apply(this);
            if (v.isPresent()) return new Resolution(fact, v, Resolution.Kind.DERIVED, "derived from other metadata");
        }
        Fallbacks.Fallback fb = fact.fallback();
        if (fb != null) {
            OptionalLong v = fb.apply(this);
            if (v.isPresent()) {
                return new Resolution(fact, v, Resolution.Kind.FALLBACK, "fallback " + fb.name() + " [" + fb.holdsFor() + "; " + fb.source() + "]");
            }
        }
        return new Resolution(fact, OptionalLong.empty(), Resolution.Kind.MISSING,
                fact.describeKeys() + (fb == null ? "" : "; fallback " + fb.name() + " does not apply to " + version.map(Object::toString).orElse("an unknown V8 version")));
    }

    private MissingMetadataException missing(V8Fact fact) {
        Fallbacks.Fallback fb = fact.fallback();
        String detail = fact.name() + (fb == null ? "" : "; fallback " + fb.name() + " holds for " + fb.holdsFor()
                + ", not " + version.map(v -> "V8 " + v).orElse("an unknown V8 version"));
        return new MissingMetadataException(fact.describeKeys(), target, detail);
    }

    private OptionalInt optional(V8Fact fact) {
        OptionalLong v = find(fact);
        return v.isPresent() ? OptionalInt.of((int) v.getAsLong()) : OptionalInt.empty();
    }

    // tagging and sizes
    public int heapObjectTag() { return get(V8Fact.HEAP_OBJECT_TAG); }
    public int heapObjectTagMask() { return get(V8Fact.HEAP_OBJECT_TAG_MASK); }
    public int smiTag() { return get(V8Fact.SMI_TAG); }
    public int smiTagMask() { return get(V8Fact.SMI_TAG_MASK); }
    /** kSmiTagSize (v8dbg_SmiValueShift), 1. */
    public int smiTagSize() { return get(V8Fact.SMI_TAG_SIZE); }
    /** kSmiShiftSize, 31 on x64. */
    public int smiShiftSize() { return get(V8Fact.SMI_SHIFT_SIZE); }
    /** Shift from a Smi word to its value: kSmiTagSize + kSmiShiftSize (32 on x64). */
    public int smiShift() { return get(V8Fact.SMI_SHIFT); }
    public int pointerSize() { return get(V8Fact.POINTER_SIZE); }
    public int pointerSizeLog2() { return get(V8Fact.POINTER_SIZE_LOG2); }
    public int taggedSize() { return get(V8Fact.TAGGED_SIZE); }
    public int taggedSizeLog2() { return get(V8Fact.TAGGED_SIZE_LOG2); }

    // string type bits
    public int isNotStringMask() { return get(V8Fact.IS_NOT_STRING_MASK); }
    public int stringTag() { return get(V8Fact.STRING_TAG); }
    public int notStringTag() { return get(V8Fact.NOT_STRING_TAG); }
    public int stringEncodingMask() { return get(V8Fact.STRING_ENCODING_MASK); }
    public int oneByteStringTag() { return get(V8Fact.ONE_BYTE_STRING_TAG); }
    public int twoByteStringTag() { return get(V8Fact.TWO_BYTE_STRING_TAG); }
    public int stringRepresentationMask() { return get(V8Fact.STRING_REPRESENTATION_MASK); }
    public int seqStringTag() { return get(V8Fact.SEQ_STRING_TAG); }
    public int consStringTag() { return get(V8Fact.CONS_STRING_TAG); }
    public int slicedStringTag() { return get(V8Fact.SLICED_STRING_TAG); }
    public int externalStringTag() { return get(V8Fact.EXTERNAL_STRING_TAG); }
    public int thinStringTag() { return get(V8Fact.THIN_STRING_TAG); }
    public int isNotInternalizedMask() { return get(V8Fact.IS_NOT_INTERNALIZED_MASK); }
    public int internalizedTag() { return get(V8Fact.INTERNALIZED_TAG); }

    // instance-type boundaries
    public int firstNonstringType() { return get(V8Fact.FIRST_NONSTRING_TYPE); }
    public int apiObjectType() { return get(V8Fact.API_OBJECT_TYPE); }
    public int specialApiObjectType() { return get(V8Fact.SPECIAL_API_OBJECT_TYPE); }
    public int firstContextType() { return get(V8Fact.FIRST_CONTEXT_TYPE); }
    public int lastContextType() { return get(V8Fact.LAST_CONTEXT_TYPE); }
    public int firstJSFunctionType() { return get(V8Fact.FIRST_JS_FUNCTION_TYPE); }
    public int lastJSFunctionType() { return get(V8Fact.LAST_JS_FUNCTION_TYPE); }

    // HeapObject, Map
    /** HeapObject::map, 0. */
    public int mapOffset() { return get(V8Fact.MAP_OFFSET); }
    public int mapInstanceSizeInWordsOffset() { return get(V8Fact.MAP_INSTANCE_SIZE_IN_WORDS_OFFSET); }
    public int mapInObjectPropertiesStartOffset() { return get(V8Fact.MAP_INOBJECT_PROPERTIES_START_OFFSET); }
    /** Map::instance_type, a uint16. */
    public int mapInstanceTypeOffset() { return get(V8Fact.MAP_INSTANCE_TYPE_OFFSET); }
    public int mapBitFieldOffset() { return get(V8Fact.MAP_BIT_FIELD_OFFSET); }
    public int mapBitField2Offset() { return get(V8Fact.MAP_BIT_FIELD2_OFFSET); }
    /** Map::bit_field3, a uint32. */
    public int mapBitField3Offset() { return get(V8Fact.MAP_BIT_FIELD3_OFFSET); }
    public int mapPrototypeOffset() { return get(V8Fact.MAP_PROTOTYPE_OFFSET); }
    public int mapConstructorOrBackPointerOffset() { return get(V8Fact.MAP_CONSTRUCTOR_OR_BACK_POINTER_OFFSET); }
    public int mapInstanceDescriptorsOffset() { return get(V8Fact.MAP_INSTANCE_DESCRIPTORS_OFFSET); }
    public int elementsKindMask() { return get(V8Fact.ELEMENTS_KIND_MASK); }
    public int elementsKindShift() { return get(V8Fact.ELEMENTS_KIND_SHIFT); }
    public int numberOfOwnDescriptorsMask() { return get(V8Fact.NUMBER_OF_OWN_DESCRIPTORS_MASK); }
    public int numberOfOwnDescriptorsShift() { return get(V8Fact.NUMBER_OF_OWN_DESCRIPTORS_SHIFT); }
    public int isDictionaryMapShift() { return get(V8Fact.IS_DICTIONARY_MAP_SHIFT); }

    // JSObject family, arrays, primitives
    /** JSReceiver::raw_properties_or_hash. */
    public int jsObjectPropertiesOffset() { return get(V8Fact.JS_OBJECT_PROPERTIES_OFFSET); }
    public int jsObjectElementsOffset() { return get(V8Fact.JS_OBJECT_ELEMENTS_OFFSET); }
    /** JSObject::kHeaderSize (class_JSObject__internal_fields). */
    public int jsObjectHeaderSize() { return get(V8Fact.JS_OBJECT_HEADER_SIZE); }
    public int jsArrayLengthOffset() { return get(V8Fact.JS_ARRAY_LENGTH_OFFSET); }
    /** FixedArrayBase::length (a Smi). */
    public int fixedArrayLengthOffset() { return get(V8Fact.FIXED_ARRAY_LENGTH_OFFSET); }
    /** First element of a FixedArray. */
    public int fixedArrayHeaderSize() { return get(V8Fact.FIXED_ARRAY_HEADER_SIZE); }
    public int heapNumberValueOffset() { return get(V8Fact.HEAP_NUMBER_VALUE_OFFSET); }
    public int oddballKindOffset() { return get(V8Fact.ODDBALL_KIND_OFFSET); }
    public int symbolNameOffset() { return get(V8Fact.SYMBOL_NAME_OFFSET); }

    // strings
    /** String::length, an int32. */
    public int stringLengthOffset() { return get(V8Fact.STRING_LENGTH_OFFSET); }
    public int seqOneByteCharsOffset() { return get(V8Fact.SEQ_ONE_BYTE_CHARS_OFFSET); }
    public int seqTwoByteCharsOffset() { return get(V8Fact.SEQ_TWO_BYTE_CHARS_OFFSET); }
    public int consStringFirstOffset() { return get(V8Fact.CONS_STRING_FIRST_OFFSET); }
    public int consStringSecondOffset() { return get(V8Fact.CONS_STRING_SECOND_OFFSET); }
    public int slicedStringParentOffset() { return get(V8Fact.SLICED_STRING_PARENT_OFFSET); }
    public int slicedStringOffsetOffset() { return get(V8Fact.SLICED_STRING_OFFSET_OFFSET); }
    public int thinStringActualOffset() { return get(V8Fact.THIN_STRING_ACTUAL_OFFSET); }
    public int externalStringResourceOffset() { return get(V8Fact.EXTERNAL_STRING_RESOURCE_OFFSET); }
    public int externalStringResourceDataOffset() { return get(V8Fact.EXTERNAL_STRING_RESOURCE_DATA_OFFSET); }

    // functions and scripts
    public int jsFunctionSharedOffset() { return get(V8Fact.JS_FUNCTION_SHARED_OFFSET); }
    public int jsFunctionContextOffset() { return get(V8Fact.JS_FUNCTION_CONTEXT_OFFSET); }
    public int jsFunctionFeedbackCellOffset() { return get(V8Fact.JS_FUNCTION_FEEDBACK_CELL_OFFSET); }
    /** JSFunction's code slot; empty from V8 13 (node 24+), which has a dispatch handle instead. */
    public OptionalInt jsFunctionCodeOffset() { return optional(V8Fact.JS_FUNCTION_CODE_OFFSET); }
    public int sfiNameOrScopeInfoOffset() { return get(V8Fact.SFI_NAME_OR_SCOPE_INFO_OFFSET); }
    /** SharedFunctionInfo::script (script_or_debug_info before V8 12: may hold a DebugInfo). */
    public int sfiScriptOffset() { return get(V8Fact.SFI_SCRIPT_OFFSET); }
    /** SharedFunctionInfo::function_data; empty from V8 12 (node 22+). */
    public OptionalInt sfiFunctionDataOffset() { return optional(V8Fact.SFI_FUNCTION_DATA_OFFSET); }
    public int sfiFlagsOffset() { return get(V8Fact.SFI_FLAGS_OFFSET); }
    public int sfiFormalParameterCountOffset() { return get(V8Fact.SFI_FORMAL_PARAMETER_COUNT_OFFSET); }
    public int sfiFunctionTokenOffsetOffset() { return get(V8Fact.SFI_FUNCTION_TOKEN_OFFSET_OFFSET); }
    public int scriptSourceOffset() { return get(V8Fact.SCRIPT_SOURCE_OFFSET); }
    public int scriptNameOffset() { return get(V8Fact.SCRIPT_NAME_OFFSET); }
    public int scriptLineOffsetOffset() { return get(V8Fact.SCRIPT_LINE_OFFSET_OFFSET); }
    public int scriptColumnOffsetOffset() { return get(V8Fact.SCRIPT_COLUMN_OFFSET_OFFSET); }
    public int scriptTypeOffset() { return get(V8Fact.SCRIPT_TYPE_OFFSET); }
    public int scriptLineEndsOffset() { return get(V8Fact.SCRIPT_LINE_ENDS_OFFSET); }
    public int scriptIdOffset() { return get(V8Fact.SCRIPT_ID_OFFSET); }

    // contexts and scope infos
    /** Offset of context slot 0; slot i is at contextHeaderSize() + i * taggedSize(). */
    public int contextHeaderSize() { return get(V8Fact.CONTEXT_HEADER_SIZE); }
    public int contextScopeInfoIndex() { return get(V8Fact.CONTEXT_SCOPE_INFO_INDEX); }
    public int contextPreviousIndex() { return get(V8Fact.CONTEXT_PREVIOUS_INDEX); }
    /** First slot index of context-allocated locals. */
    public int contextMinSlots() { return get(V8Fact.CONTEXT_MIN_SLOTS); }
    public int nativeContextEmbedderDataOffset() { return get(V8Fact.NATIVE_CONTEXT_EMBEDDER_DATA_OFFSET); }
    /** Offset of ScopeInfo field index 0; index i (scopeinfo_idx_*) is at this + i * taggedSize(). */
    public int scopeInfoFieldsOffset() { return get(V8Fact.SCOPE_INFO_FIELDS_OFFSET); }
    public int scopeInfoNumParametersIndex() { return get(V8Fact.SCOPE_INFO_NUM_PARAMETERS_INDEX); }
    public int scopeInfoNumContextLocalsIndex() { return get(V8Fact.SCOPE_INFO_NUM_CONTEXT_LOCALS_INDEX); }
    public int scopeInfoFirstVarsIndex() { return get(V8Fact.SCOPE_INFO_FIRST_VARS_INDEX); }

    // descriptors and property details
    public int descriptorArrayHeaderSize() { return get(V8Fact.DESCRIPTOR_ARRAY_HEADER_SIZE); }
    public int propDescKey() { return get(V8Fact.PROP_DESC_KEY); }
    public int propDescDetails() { return get(V8Fact.PROP_DESC_DETAILS); }
    public int propDescValue() { return get(V8Fact.PROP_DESC_VALUE); }
    public int propDescSize() { return get(V8Fact.PROP_DESC_SIZE); }
    public int propIndexMask() { return get(V8Fact.PROP_INDEX_MASK); }
    public int propIndexShift() { return get(V8Fact.PROP_INDEX_SHIFT); }
    public int propKindMask() { return get(V8Fact.PROP_KIND_MASK); }
    public int propKindAccessor() { return get(V8Fact.PROP_KIND_ACCESSOR); }
    public int propLocationMask() { return get(V8Fact.PROP_LOCATION_MASK); }
    public int propLocationShift() { return get(V8Fact.PROP_LOCATION_SHIFT); }
    public int propLocationField() { return get(V8Fact.PROP_LOCATION_FIELD); }
    public int propLocationDescriptor() { return get(V8Fact.PROP_LOCATION_DESCRIPTOR); }
    public int propRepresentationMask() { return get(V8Fact.PROP_REPRESENTATION_MASK); }
    public int propRepresentationShift() { return get(V8Fact.PROP_REPRESENTATION_SHIFT); }
    public int propRepresentationDouble() { return get(V8Fact.PROP_REPRESENTATION_DOUBLE); }
    public int propAttributesMask() { return get(V8Fact.PROP_ATTRIBUTES_MASK); }
    public int propAttributesShift() { return get(V8Fact.PROP_ATTRIBUTES_SHIFT); }

    // stack frames, offsets from the frame pointer
    public int fpCallerFpOffset() { return get(V8Fact.FP_CALLER_FP_OFFSET); }
    public int fpCallerPcOffset() { return get(V8Fact.FP_CALLER_PC_OFFSET); }
    /** Receiver slot; argument i (0-based) is at fpArgsOffset() + (i + 1) * pointerSize(). */
    public int fpArgsOffset() { return get(V8Fact.FP_ARGS_OFFSET); }
    public int fpConstantPoolOffset() { return get(V8Fact.FP_CONSTANT_POOL_OFFSET); }
    public int fpContextOffset() { return get(V8Fact.FP_CONTEXT_OFFSET); }
    /** The slot holding a context (JS frames) or a frame type marker (typed frames). */
    public int fpContextOrFrameTypeOffset() { return get(V8Fact.FP_CONTEXT_OR_FRAME_TYPE_OFFSET); }
    public int fpFunctionOffset() { return get(V8Fact.FP_FUNCTION_OFFSET); }
    /** The argument count slot of JS frames (an untagged word). */
    public int fpArgcOffset() { return get(V8Fact.FP_ARGC_OFFSET); }
    public int fpBytecodeArrayOffset() { return get(V8Fact.FP_BYTECODE_ARRAY_OFFSET); }
    /** The bytecode offset slot of interpreted frames (a Smi). */
    public int fpBytecodeOffsetOffset() { return get(V8Fact.FP_BYTECODE_OFFSET_OFFSET); }
    /** Whether the argc slot counts the receiver (V8 10+), or not (V8 9). */
    public boolean argcIncludesReceiver() { return get(V8Fact.ARGC_INCLUDES_RECEIVER) != 0; }

    @Override
    public String toString() {
        return "V8Metadata[" + target + ", " + values.size() + " constants]";
    }
}
