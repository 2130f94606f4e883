package io.jsmdb.v8;

import io.jsmdb.binary.ElfImage;
import io.jsmdb.binary.Symbol;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Every instance type's name ("FILLER_TYPE", "NATIVE_CONTEXT_TYPE", ...), read from the node
 * binary itself: V8 prints an InstanceType with a {@code switch} that the compiler turns into a
 * dense jump table indexed by the type ({@code operator<<(std::ostream&, InstanceType)} in V8
 * 9.4-12.4, {@code ToString(InstanceType)} from 13.x). On x86-64 each case loads its name
 * string with {@code mov $imm32,%esi} or {@code lea rel32(%rip),%rsi}; on AArch64 the table
 * holds compressed offsets and each case loads its string with {@code adrp}/{@code add}
 * ({@link Arm64Switch}). The metadata ({@code v8dbg_type_*})
 * lists only some types; the table has all, including FILLER, FREE_SPACE, HOLE and the
 * variable-size internal types the heap walker must size. The table is checked against every
 * {@code v8dbg_type_*} constant and discarded on any disagreement; then only the metadata's
 * names are known.
 *
 * <p>The one source of instance-type names and numbers beyond the metadata: reach it through
 * {@link V8Metadata#instanceTypes()}, {@link V8Metadata#instanceType(String)} and
 * {@link V8Metadata#instanceTypeName(int)}.
 */
public final class InstanceTypeTable {
    private static final String[] FUNCTIONS = {
            "_ZN2v88internal8ToStringB5cxx11ENS0_12InstanceTypeE",
            "_ZN2v88internallsERSoNS0_12InstanceTypeE",
    };
    private static final int MAX_TYPES = 1 << 13;

    private final String[] names;
    private final Map<String, Integer> byName = new HashMap<>();
    private final String source;

    private InstanceTypeTable(String[] names, String source) {
        this.names = names;
        this.source = source;
        for (int i = 0; i < names.length; i++) if (names[i] != null) byName.putIfAbsent(names[i], i);
    }

    /**
     * The table from the binary, merged with the metadata's type constants (which win on gaps);
     * with no binary (null), the metadata's types only.
     */
    static InstanceTypeTable of(ElfImage binary, V8Metadata metadata) {
        String[] fromBinary = null;
        String source = "v8dbg_type_* metadata only";
        try {
            fromBinary = binary == null ? null : extract(binary);
        } catch (RuntimeException e) {
            fromBinary = null;
        }
        if (fromBinary != null && !agrees(fromBinary, metadata)) fromBinary = null;
        int max = fromBinary == null ? 0 : fromBinary.length;
        for (String k : metadata.constants().keySet()) {
            if (k.startsWith("type_")) max = Math.max(max, (int) (long) metadata.constants().get(k) + 1);
        }
        String[] names = new String[Math.min(Math.max(max, 1), MAX_TYPES)];
        if (fromBinary != null) {
            System.arraycopy(fromBinary, 0, names, 0, Math.min(fromBinary.length, names.length));
            source = "the binary's instance-type name table";
        }
        for (Map.Entry<String, Long> e : metadata.constants().entrySet()) {
            String k = e.getKey();
            if (!k.startsWith("type_")) continue;
            int v = (int) (long) e.getValue();
            int sep = k.indexOf("__");
            if (v < 0 || v >= names.length || sep < 0) continue;
            if (names[v] == null) names[v] = k.substring(sep + 2);
        }
        return new InstanceTypeTable(names, source);
    }

    /** Where the names came from, for {@code -v} output. */
    public String source() { return source; }

    /** The name of a type, if known. */
    public Optional<String> name(int type) {
        return type >= 0 && type < names.length ? Optional.ofNullable(names[type]) : Optional.empty();
    }

    /** The type with this name ("FILLER_TYPE"), if known. */
    public OptionalInt type(String name) {
        Integer v = byName.get(name);
        return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }

    /** One past the largest known type. */
    public int size() { return names.length; }

    private static boolean agrees(String[] table, V8Metadata m) {
        int matches = 0;
        for (Map.Entry<String, Long> e : m.constants().entrySet()) {
            String k = e.getKey();
            if (!k.startsWith("type_")) continue;
            int sep = k.indexOf("__");
            if (sep < 0) continue;
            int v = (int) (long) e.getValue();
            String n = k.substring(sep + 2);
            if (v < 0 || v >= table.length || table[v] == null) continue;
            if (!table[v].equals(n) && !renamed(table[v], n) && !m.typeEntries(v).stream().anyMatch(x -> x.endsWith("__" + table[v]))) {
                return false;
            }
            matches++;
        }
        return matches > 10;
    }

    /** Names V8 12 changed for the same number (metadata and table may disagree on spelling). */
    private static boolean renamed(String a, String b) {
        return a.contains("STRING") && b.contains("STRING");
    }

    /** The names by type from the jump table, or null. */
    static String[] extract(ElfImage bin) {
        for (String fn : FUNCTIONS) {
            Optional<Symbol> sym = bin.symbols().byName(fn);
            if (sym.isEmpty() || sym.get().size() <= 0 || sym.get().size() > 1 << 20) continue;
            long start = sym.get().value(), size = sym.get().size();
            Optional<MemorySegment> code = bin.atVaddr(start, size);
            if (code.isEmpty()) continue;
            if (bin.machine() == ElfImage.EM_AARCH64) {
                String[] names = Arm64Switch.bestTable(bin, start, size, code.get(), InstanceTypeTable::arm64CaseName);
                if (names != null) return names;
                continue;
            }
            String[] best = null;
            int bestCount = 0;
            for (long table : jumpTables(code.get())) {
                List<String> names = new ArrayList<>();
                int count = 0;
                for (int i = 0; i < MAX_TYPES; i++) {
                    long target;
                    try {
                        target = bin.readLong(table + 8L * i);
                    } catch (RuntimeException e) {
                        break;
                    }
                    if (target < start || target >= start + size) break;
                    String n = caseName(bin, target);
                    names.add(n);
                    if (n != null) count++;
                }
                if (count > bestCount) {
                    bestCount = count;
                    best = names.toArray(new String[0]);
                }
            }
            if (best != null && bestCount > 50) return best;
        }
        return null;
    }

    /** Operands of {@code jmp *disp32(,%reg,8)} (ff 24 SIB with scale 8 and no base). */
    private static List<Long> jumpTables(MemorySegment code) {
        List<Long> out = new ArrayList<>();
        long n = code.byteSize();
        for (long i = 0; i + 7 <= n; i++) {
            if ((code.get(ValueLayout.JAVA_BYTE, i) & 0xff) != 0xff || code.get(ValueLayout.JAVA_BYTE, i + 1) != 0x24) continue;
            int sib = code.get(ValueLayout.JAVA_BYTE, i + 2) & 0xff;
            boolean rexX = i > 0 && (code.get(ValueLayout.JAVA_BYTE, i - 1) & 0xf2) == 0x42;
            if ((sib & 0xc7) != 0xc5 || (((sib >> 3) & 7) == 4 && !rexX)) continue;
            long disp = code.get(ValueLayout.JAVA_INT_UNALIGNED, i + 3);
            if (disp > 0) out.add(disp);
        }
        return out;
    }

    /** The "..._TYPE" string a case loads into %esi/%rsi in its first instructions, or null. */
    private static String caseName(ElfImage bin, long target) {
        Optional<MemorySegment> m = bin.atVaddr(target, 24);
        if (m.isEmpty()) return null;
        MemorySegment s = m.get();
        for (int i = 0; i + 5 <= 24; i++) {
            int b = s.get(ValueLayout.JAVA_BYTE, i) & 0xff;
            long str = -1;
            if (b == 0xbe) {
                str = s.get(ValueLayout.JAVA_INT_UNALIGNED, i + 1) & 0xffffffffL;
            } else if (b == 0x48 && i + 7 <= 24 && (s.get(ValueLayout.JAVA_BYTE, i + 1) & 0xff) == 0x8d
                    && (s.get(ValueLayout.JAVA_BYTE, i + 2) & 0xff) == 0x35) {
                str = target + i + 7 + s.get(ValueLayout.JAVA_INT_UNALIGNED, i + 3);
            }
            if (str <= 0) continue;
            String name = cString(bin, str);
            if (name != null) return name;
        }
        return null;
    }

    /** The "..._TYPE" string an AArch64 case loads (adrp + add, or adr) in its first eight instructions, or null. */
    private static String arm64CaseName(ElfImage bin, long target) {
        Optional<MemorySegment> m = bin.atVaddr(target, 32);
        if (m.isEmpty()) return null;
        for (long str : Arm64Switch.addressesLoaded(m.get(), target, 8)) {
            String name = cString(bin, str);
            if (name != null) return name;
        }
        return null;
    }

    private static String cString(ElfImage bin, long addr) {
        Optional<MemorySegment> m = bin.atVaddr(addr, 64);
        if (m.isEmpty()) return null;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            int c = m.get().get(ValueLayout.JAVA_BYTE, i) & 0xff;
            if (c == 0) break;
            if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) return null;
            sb.append((char) c);
        }
        return sb.length() > 5 && sb.toString().endsWith("_TYPE") ? sb.toString() : null;
    }
}
