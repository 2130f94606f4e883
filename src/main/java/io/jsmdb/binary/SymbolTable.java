package io.jsmdb.binary;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An ELF symbol table (.symtab or .dynsym) of one {@link ElfImage}. All addresses are link-time
 * (unrelocated) addresses: subtract the load bias before calling {@link #lookup}.
 *
 * <p>Construction is one bulk copy of the Elf64_Sym array into a {@code long[]} (an Elf64_Sym is
 * exactly three little-endian longs). The address index (a linear-time radix sort of candidate
 * indices by address, plus a running maximum of symbol ends) is built on a background daemon
 * thread started by the constructor for big tables, or on first {@link #lookup}; lookups wait
 * for it. Names stay in the mapped string
 * table: scans compare raw bytes there, and a name is decoded (once, then cached) only for a
 * symbol that is returned. Undefined symbols (st_shndx == SHN_UNDEF) are not definitions and
 * are never returned.
 *
 * <p>Thread-safe. Lookups after the image is closed throw {@link IllegalStateException}.
 */
public final class SymbolTable {
    /** Size-0 symbols claim at most this many bytes after their address. */
    public static final long MAX_SIZELESS_SPAN = 1 << 20;
    private static final int MAX_SYMBOLS = 1 << 23;
    private static final int MAX_WALK = 1 << 16;
    private static final int MAX_NAME = 1 << 16;
    private static final int LINEAR_BYNAME_CALLS = 8;
    private static final int BACKGROUND_INDEX_MIN = 10_000;
    /** -Djsmdb.symbols.backgroundIndex=false builds the address index on the first lookup instead. */
    private static final boolean BACKGROUND_INDEX =
            !"false".equals(System.getProperty("jsmdb.symbols.backgroundIndex"));
    private static final int RADIX_BITS = 14;

    private final ElfImage image;
    /** The .gnu.hash index over .dynsym, if any: answers byName for exported symbols at no set-up cost. */
    private final GnuHashTable gnu;
    /** The string table: a zero-copy view of the mapping (absolute gets only, so safely shared). */
    private final ByteBuffer str;
    private final int strSize;
    private final int n;
    /** Elf64_Sym as 3 longs: [name | info<<32 | other<<40 | shndx<<48, value, size]. */
    private final long[] raw;
    private final String[] names;
    private final long[] secAddr, secSize;
    private final int[] secIndex;
    private final FutureTask<AddressIndex> addressIndex;
    private final AtomicInteger byNameCalls = new AtomicInteger();
    private volatile NameIndex nameIndex;

    /** byAddr: lookup candidates sorted by (unsigned value, index); maxEnd[j]: unsigned max end over 0..j. */
    private record AddressIndex(int[] byAddr, long[] sortedValue, long[] maxEnd) {}

    private record NameIndex(int[] slots, int[] hashes) {}

    private SymbolTable(ElfImage image, MemorySegment strtab, long[] raw, int n, GnuHashTable gnu) {
        this.image = image;
        this.gnu = gnu;
        this.strSize = (int) Math.min(strtab.byteSize(), Integer.MAX_VALUE - 64);
        this.str = strtab.asSlice(0, strSize).asByteBuffer();
        this.raw = raw;
        this.n = n;
        this.names = new String[n];
        long[][] secs = image.allocatedSectionRanges();
        secAddr = new long[secs.length];
        secSize = new long[secs.length];
        secIndex = new int[secs.length];
        for (int i = 0; i < secs.length; i++) {
            secAddr[i] = secs[i][0];
            secSize[i] = secs[i][1];
            secIndex[i] = (int) secs[i][2];
        }
        addressIndex = new FutureTask<>(this::buildAddressIndex);
        if (n >= BACKGROUND_INDEX_MIN && BACKGROUND_INDEX) {
            try {
                Thread.ofPlatform().daemon().name("jsmdb-symbol-index").start(addressIndex);
            } catch (Throwable cannotStart) {
                // built on first lookup instead
            }
        }
    }

    static SymbolTable build(ElfImage image, long symOff, long symBytes, long strOff, long strBytes, GnuHashTable gnu) {
        int n = (int) Math.min(symBytes / 24, MAX_SYMBOLS);
        long[] raw = new long[3 * n];
        if (n > 0) MemorySegment.copy(image.bytes(), ElfImage.U64, symOff, raw, 0, 3 * n);
        MemorySegment str = strBytes > 0 ? image.bytes().asSlice(strOff, strBytes) : MemorySegment.NULL.reinterpret(0);
        return new SymbolTable(image, str, raw, n, gnu);
    }

    static SymbolTable empty(ElfImage image) {
        return new SymbolTable(image, MemorySegment.NULL.reinterpret(0), new long[0], 0, null);
    }

    /** Number of entries in the table, including the null entry 0 and undefined symbols. */
    public int size() {
        return n;
    }

    /** The symbol at table index i (0 &lt;= i &lt; size()), undefined ones included. */
    public Symbol get(int i) {
        if (i < 0 || i >= n) throw new IndexOutOfBoundsException("symbol index " + i + " of " + n);
        return symbol(i);
    }

    /**
     * The symbol containing link-time address addr: the innermost function/object symbol with
     * value &lt;= addr &lt; value+size; failing that, the nearest preceding size-0 symbol if it is
     * less than {@link #MAX_SIZELESS_SPAN} before addr and in the same section. Among aliases at
     * one address, typed beats untyped, then GLOBAL &gt; UNIQUE &gt; WEAK &gt; LOCAL, then table order.
     */
    public Optional<Symbol> lookup(long addr) {
        AddressIndex ix = addressIndex();
        long[] sortedValue = ix.sortedValue, maxEnd = ix.maxEnd;
        int[] byAddr = ix.byAddr;
        int k = upperBound(sortedValue, addr) - 1;
        if (k < 0) return Optional.empty();
        int best = -1;
        long bestValue = 0;
        for (int j = k, steps = 0; j >= 0 && steps < MAX_WALK; j--, steps++) {
            if (Long.compareUnsigned(maxEnd[j], addr) <= 0) break;
            long v = sortedValue[j];
            if (best >= 0 && v != bestValue) break;
            int i = byAddr[j];
            long size = raw[3 * i + 2];
            if (size != 0 && Long.compareUnsigned(addr - v, size) < 0 && (best < 0 || better(i, best))) {
                best = i;
                bestValue = v;
            }
        }
        if (best < 0) {
            long v = sortedValue[k];
            if (Long.compareUnsigned(addr - v, MAX_SIZELESS_SPAN) >= 0) return Optional.empty();
            for (int j = k; j >= 0 && sortedValue[j] == v; j--) {
                int i = byAddr[j];
                if (raw[3 * i + 2] == 0 && (best < 0 || better(i, best))) best = i;
            }
            if (best < 0 || !sameSection(addr, (int) (raw[3 * best] >>> 48))) return Optional.empty();
        }
        return Optional.of(symbol(best));
    }

    /** lookup(addr) formatted gdb-style, "name+0x1f" (mangled name), or empty. */
    public Optional<String> describe(long addr) {
        return lookup(addr).map(s -> addr == s.value() ? s.name() : s.name() + "+0x" + Long.toHexString(addr - s.value()));
    }

    /**
     * The defined symbol with exactly this (mangled) name; if several, the best by type and
     * binding (GLOBAL first). Exported symbols are found through .gnu.hash when the file has one;
     * otherwise the first few calls scan the table and later ones use a hash index built once.
     */
    public Optional<Symbol> byName(String name) {
        if (name.isEmpty() || n == 0) return Optional.empty();
        if (gnu != null) {
            Optional<Symbol> exported = gnu.find(name);
            if (exported.isPresent()) return exported;
        }
        byte[] key = name.getBytes(StandardCharsets.UTF_8);
        NameIndex idx = nameIndex;
        if (idx == null && byNameCalls.incrementAndGet() > LINEAR_BYNAME_CALLS) idx = nameIndex();
        int best = -1;
        if (idx != null) {
            int h = hash(key);
            int[] slots = idx.slots, hashes = idx.hashes;
            int mask = slots.length - 1;
            for (int p = h & mask; ; p = (p + 1) & mask) {
                int s = slots[p];
                if (s == 0) break;
                int i = s - 1;
                if (hashes[p] == h && nameEquals(i, key) && (best < 0 || better(i, best))) best = i;
            }
        } else {
            byte b0 = key[0];
            int limit = strSize - key.length; // need room for the NUL
            for (int i = 1; i < n; i++) {
                long w = raw[3 * i];
                long off = w & 0xffffffffL;
                if (off >= limit || str.get((int) off) != b0 || (w >>> 48) == Symbol.SHN_UNDEF) continue;
                if (nameEquals(i, key) && (best < 0 || better(i, best))) best = i;
            }
        }
        return best < 0 ? Optional.empty() : Optional.of(symbol(best));
    }

    /**
     * Every defined symbol whose name starts with prefix, in table order. Compares raw bytes of the
     * string table; only matches are decoded.
     */
    public List<Symbol> withPrefix(String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        List<Symbol> out = new ArrayList<>();
        final long[] raw = this.raw;
        final ByteBuffer str = this.str;
        final int n = this.n, plen = p.length;
        final long limit = (long) strSize - Math.max(plen, 1); // the prefix (or, if empty, one byte) must fit
        final byte p0 = plen > 0 ? p[0] : 0;
        for (int i = 1; i < n; i++) {
            long w = raw[3 * i];
            long off = w & 0xffffffffL;
            if (off > limit) continue;
            int o = (int) off;
            if (plen > 0 && str.get(o) != p0) continue;
            int k = 1;
            while (k < plen && str.get(o + k) == p[k]) k++;
            if (k >= plen && (w >>> 48) != Symbol.SHN_UNDEF) out.add(symbol(i));
        }
        return out;
    }

    // ---- internals

    private Symbol symbol(int i) {
        long w = raw[3 * i];
        int info = (int) (w >>> 32) & 0xff;
        return new Symbol(name(i), raw[3 * i + 1], raw[3 * i + 2], info & 0xf, info >>> 4, (int) (w >>> 48));
    }

    private String name(int i) {
        String s = names[i];
        if (s == null) {
            long off = raw[3 * i] & 0xffffffffL;
            if (off >= strSize) {
                s = "";
            } else {
                int o = (int) off, end = o, limit = (int) Math.min(strSize, off + MAX_NAME);
                while (end < limit && str.get(end) != 0) end++;
                byte[] b = new byte[end - o];
                str.get(o, b);
                s = new String(b, StandardCharsets.UTF_8);
            }
            names[i] = s; // benign race: Strings are immutable and safely published
        }
        return s;
    }

    private boolean nameEquals(int i, byte[] key) {
        long off = raw[3 * i] & 0xffffffffL;
        int len = key.length;
        if (off >= strSize || len >= strSize - off) return false; // need room for the NUL too
        int o = (int) off;
        for (int k = 0; k < len; k++) if (str.get(o + k) != key[k]) return false;
        return str.get(o + len) == 0;
    }

    /** Higher is better: typed over untyped, then GLOBAL > UNIQUE > WEAK > LOCAL; ties go to the lower index. */
    private boolean better(int a, int b) {
        int ra = rank(a), rb = rank(b);
        return ra != rb ? ra > rb : a < b;
    }

    private int rank(int i) {
        int info = (int) (raw[3 * i] >>> 32) & 0xff;
        int type = info & 0xf, bind = info >>> 4;
        int t = type == Symbol.STT_FUNC || type == Symbol.STT_OBJECT || type == Symbol.STT_GNU_IFUNC ? 1 : 0;
        int b = switch (bind) {
            case Symbol.STB_GLOBAL -> 3;
            case Symbol.STB_GNU_UNIQUE -> 2;
            case Symbol.STB_WEAK -> 1;
            default -> 0;
        };
        return t * 4 + b;
    }

    /** Number of entries with value &lt;= addr (unsigned). */
    private static int upperBound(long[] sortedValue, long addr) {
        int lo = 0, hi = sortedValue.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(sortedValue[mid], addr) <= 0) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private boolean sameSection(long addr, int shndx) {
        if (secAddr.length == 0) return true; // no section headers: nothing to check against
        int lo = 0, hi = secAddr.length - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(secAddr[mid], addr) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        for (int j = found; j >= 0 && j >= found - 4; j--) {
            if (Long.compareUnsigned(addr - secAddr[j], secSize[j]) < 0 && secIndex[j] == shndx) return true;
        }
        return false;
    }

    private AddressIndex addressIndex() {
        addressIndex.run(); // no-op if the background thread has started or finished it
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return addressIndex.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException r) throw r;
                    if (c instanceof Error err) throw err;
                    throw new IllegalStateException(c);
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private AddressIndex buildAddressIndex() {
        // This runs before the JIT has warmed up, so it is written as few, lean loops over
        // primitive arrays: candidates + first two radix histograms, one scatter per radix pass,
        // one running-maximum pass.
        final long[] raw = this.raw;
        final int n = this.n;
        final int digitMask = (1 << RADIX_BITS) - 1;
        int[] idx = new int[n];
        long[] val = new long[n];
        int[] count0 = new int[1 << RADIX_BITS], count1 = new int[1 << RADIX_BITS];
        int m = 0;
        long max = 0;
        for (int i = 1; i < n; i++) {
            long w = raw[3 * i];
            int shndx = (int) (w >>> 48);
            if (shndx == Symbol.SHN_UNDEF || shndx == Symbol.SHN_ABS || shndx == Symbol.SHN_COMMON) continue;
            int type = (int) (w >>> 32) & 0xf;
            if (type != Symbol.STT_FUNC && type != Symbol.STT_OBJECT && type != Symbol.STT_GNU_IFUNC) {
                // Untyped labels: keep real ones (hand-written assembly), drop ".L*"/".annobin_*" markers.
                if (type != Symbol.STT_NOTYPE || firstNameByte(w) == '.') continue;
            }
            long v = raw[3 * i + 1];
            if (v + Long.MIN_VALUE > max + Long.MIN_VALUE) max = v; // unsigned compare, no call
            count0[(int) v & digitMask]++;
            count1[(int) (v >>> RADIX_BITS) & digitMask]++;
            idx[m] = i;
            val[m++] = v;
        }
        // LSD radix sort by unsigned value: linear and stable, so ties stay in table order.
        // Node's link-time addresses fit in 28 bits: two 14-bit passes.
        int passes = (64 - Long.numberOfLeadingZeros(max) + RADIX_BITS - 1) / RADIX_BITS;
        if (m > 1) {
            int[] idx2 = new int[m];
            long[] val2 = new long[m];
            for (int pass = 0, shift = 0; pass < passes; pass++, shift += RADIX_BITS) {
                int[] count = pass == 0 ? count0 : pass == 1 ? count1 : new int[1 << RADIX_BITS];
                if (pass >= 2) for (int j = 0; j < m; j++) count[(int) (val[j] >>> shift) & digitMask]++;
                int sum = 0;
                for (int d = 0; d < count.length; d++) {
                    int c = count[d];
                    count[d] = sum;
                    sum += c;
                }
                for (int j = 0; j < m; j++) {
                    long v = val[j];
                    int pos = count[(int) (v >>> shift) & digitMask]++;
                    val2[pos] = v;
                    idx2[pos] = idx[j];
                }
                int[] ti = idx; idx = idx2; idx2 = ti;
                long[] tv = val; val = val2; val2 = tv;
            }
        }
        int[] byAddr = m == idx.length ? idx : Arrays.copyOf(idx, m);
        long[] sortedValue = m == val.length ? val : Arrays.copyOf(val, m);
        long[] maxEnd = new long[m];
        long run = 0;
        for (int j = 0; j < m; j++) {
            long v = sortedValue[j];
            long end = v + raw[3 * byAddr[j] + 2];
            if (end + Long.MIN_VALUE < v + Long.MIN_VALUE) end = -1L; // overflow: saturate
            if (end + Long.MIN_VALUE > run + Long.MIN_VALUE) run = end; // unsigned compares, no calls
            maxEnd[j] = run;
        }
        return new AddressIndex(byAddr, sortedValue, maxEnd);
    }

    private int firstNameByte(long w) {
        long off = w & 0xffffffffL;
        if (off >= strSize) return 0;
        return str.get((int) off);
    }

    private NameIndex nameIndex() {
        NameIndex idx = nameIndex;
        if (idx == null) {
            synchronized (this) {
                idx = nameIndex;
                if (idx == null) nameIndex = idx = buildNameIndex();
            }
        }
        return idx;
    }

    private NameIndex buildNameIndex() {
        int cap = Integer.highestOneBit(Math.max(4, n * 2 - 1)) << 1;
        int[] slots = new int[cap];
        int[] hashes = new int[cap];
        int mask = cap - 1;
        for (int i = 1; i < n; i++) {
            long w = raw[3 * i];
            long off = w & 0xffffffffL;
            if (off >= strSize || (w >>> 48) == Symbol.SHN_UNDEF) continue;
            int h = 0x811c9dc5;
            int end = (int) Math.min(strSize, off + MAX_NAME);
            for (int p = (int) off; p < end; p++) {
                byte b = str.get(p);
                if (b == 0) break;
                h = (h ^ (b & 0xff)) * 0x01000193;
            }
            int p = h & mask;
            while (slots[p] != 0) p = (p + 1) & mask;
            slots[p] = i + 1;
            hashes[p] = h;
        }
        return new NameIndex(slots, hashes);
    }

    private static int hash(byte[] key) {
        int h = 0x811c9dc5;
        for (byte b : key) h = (h ^ (b & 0xff)) * 0x01000193;
        return h;
    }

    @Override
    public String toString() {
        return "SymbolTable[" + image.path() + ", " + n + " entries]";
    }
}
