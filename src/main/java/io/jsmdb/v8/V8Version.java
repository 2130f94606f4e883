package io.jsmdb.v8;

import io.jsmdb.binary.ElfImage;
import io.jsmdb.binary.Symbol;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The V8 version a node binary embeds, e.g. 9.4.146.26 for node 16.20.2.
 *
 * <p>Read from V8's static ints {@code v8::internal::Version::major_}, {@code minor_},
 * {@code build_}, {@code patch_} (src/utils/version.cc; statically initialised .data in every
 * official node build 16..26). If those are absent, {@code Version::version_string_} (a
 * {@code const char*} to e.g. "9.4.146.26-node.26") is tried.
 */
public record V8Version(int major, int minor, int build, int patch) implements Comparable<V8Version> {
    static final String MAJOR = "_ZN2v88internal7Version6major_E";
    static final String MINOR = "_ZN2v88internal7Version6minor_E";
    static final String BUILD = "_ZN2v88internal7Version6build_E";
    static final String PATCH = "_ZN2v88internal7Version6patch_E";
    static final String EMBEDDER = "_ZN2v88internal7Version9embedder_E";
    static final String VERSION_STRING = "_ZN2v88internal7Version15version_string_E";

    private static final Pattern TEXT = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?.*");

    public V8Version {
        if (major < 0 || minor < 0 || build < 0 || patch < 0) {
            throw new IllegalArgumentException("negative V8 version component: " + major + "." + minor + "." + build + "." + patch);
        }
    }

    /** The version of the V8 embedded in a node binary, or empty if the binary does not say. */
    public static Optional<V8Version> of(ElfImage image) {
        var syms = image.symbols();
        Optional<Symbol> ma = syms.byName(MAJOR), mi = syms.byName(MINOR), bu = syms.byName(BUILD), pa = syms.byName(PATCH);
        if (ma.isPresent() && mi.isPresent() && bu.isPresent() && pa.isPresent()) {
            try {
                int major = image.readInt(ma.get().value()), minor = image.readInt(mi.get().value());
                int build = image.readInt(bu.get().value()), patch = image.readInt(pa.get().value());
                if (major > 0 && minor >= 0 && build >= 0 && patch >= 0) return Optional.of(new V8Version(major, minor, build, patch));
            } catch (IllegalArgumentException e) {
                // not file-backed: try the string below
            }
        }
        return versionString(image).flatMap(V8Version::parse);
    }

    /**
     * V8's own version string, e.g. "9.4.146.26-node.26" (major.minor.build.patch plus the
     * embedder suffix), read through {@code Version::version_string_}.
     */
    public static Optional<String> versionString(ElfImage image) {
        return image.symbols().byName(VERSION_STRING).flatMap(s -> {
            try {
                return cString(image, image.readLong(s.value()), 64);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }

    /** The embedder suffix ("-node.26") through {@code Version::embedder_}, if any. */
    public static Optional<String> embedder(ElfImage image) {
        return image.symbols().byName(EMBEDDER).flatMap(s -> {
            try {
                return cString(image, image.readLong(s.value()), 64);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }

    private static Optional<String> cString(ElfImage image, long vaddr, int max) {
        if (vaddr == 0) return Optional.empty();
        for (int len = max; len > 0; len--) {
            Optional<MemorySegment> m = image.atVaddr(vaddr, len);
            if (m.isEmpty()) continue;
            MemorySegment seg = m.get();
            for (int i = 0; i < len; i++) {
                if (seg.get(ValueLayout.JAVA_BYTE, i) == 0) {
                    return Optional.of(new String(seg.asSlice(0, i).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.ISO_8859_1));
                }
            }
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Parses "9.4.146.26", "9.4.146.26-node.26", "12.4" (missing parts are 0). */
    public static Optional<V8Version> parse(String text) {
        if (text == null) return Optional.empty();
        Matcher m = TEXT.matcher(text.trim());
        if (!m.matches()) return Optional.empty();
        try {
            return Optional.of(new V8Version(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), m.group(4) == null ? 0 : Integer.parseInt(m.group(4))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** This version is major.minor.build.0 or later. */
    public boolean atLeast(int major, int minor, int build) {
        return compareTo(new V8Version(major, minor, build, 0)) >= 0;
    }

    /** This version is before major.minor.build.0. */
    public boolean before(int major, int minor, int build) {
        return !atLeast(major, minor, build);
    }

    @Override
    public int compareTo(V8Version o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) c = Integer.compare(minor, o.minor);
        if (c == 0) c = Integer.compare(build, o.build);
        if (c == 0) c = Integer.compare(patch, o.patch);
        return c;
    }

    /** "9.4.146.26". */
    @Override
    public String toString() {
        return major + "." + minor + "." + build + "." + patch;
    }
}
