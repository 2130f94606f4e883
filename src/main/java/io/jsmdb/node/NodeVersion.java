package io.jsmdb.node;

import io.jsmdb.binary.ElfImage;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Node.js version of a node binary, e.g. v20.20.2.
 *
 * <p>Node keeps its version only as compile-time string literals ({@code per_process::metadata}
 * is filled in at run time). Two of them survive in the read-only data of every official build
 * 16..26 and are searched for in .rodata:
 * <ul>
 * <li>{@code "node.js/" NODE_VERSION}: the inspector's browser name (src/inspector_socket_server.cc);
 *     {@code process.version} itself ("v20.20.2") is usually tail-merged into it by the linker;
 * <li>{@code ".../download/release/" NODE_VERSION "/node-" NODE_VERSION ".tar.gz"}:
 *     {@code process.release.sourceUrl}/{@code headersUrl} of release builds (src/node_metadata.cc).
 * </ul>
 * The scan stops early once both kinds are found and agree; otherwise the version most hits
 * agree on wins (inspector hits first on a tie).
 */
public record NodeVersion(int major, int minor, int patch) implements Comparable<NodeVersion> {
    private static final String INSPECTOR_TEXT = "node.js/v";
    private static final String RELEASE_TEXT = "/download/release/v";
    private static final Pattern TEXT = Pattern.compile("v?(\\d{1,4})\\.(\\d{1,4})\\.(\\d{1,4})(?:[-+].*)?");
    /** Read a chunk at a time: the two strings lie within the first MiB of .rodata (0.2-0.8 MiB in 16-26), where the scan stops. */
    private static final int CHUNK = 1 << 16;

    public NodeVersion {
        if (major < 0 || minor < 0 || patch < 0) throw new IllegalArgumentException("negative node version component");
    }

    /** Parses "v20.20.2", "20.20.2", "v24.0.0-pre". */
    public static Optional<NodeVersion> parse(String text) {
        if (text == null) return Optional.empty();
        Matcher m = TEXT.matcher(text.trim());
        if (!m.matches()) return Optional.empty();
        return Optional.of(new NodeVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
    }

    /** The version of a node binary, or empty if none of its version strings is found. */
    public static Optional<NodeVersion> of(ElfImage image) {
        MemorySegment data = image.section(".rodata").flatMap(image::sectionBytes).orElse(null);
        if (data == null) data = image.bytes();
        return inBytes(data);
    }

    /** The version the strings in data name (see the class comment), or empty. */
    static Optional<NodeVersion> inBytes(MemorySegment data) {
        Map<NodeVersion, Integer> inspector = new HashMap<>(), release = new HashMap<>();
        scan(data, inspector, release);
        Map<NodeVersion, Integer> votes = new HashMap<>(release);
        inspector.forEach((v, n) -> votes.merge(v, n, Integer::sum));
        NodeVersion best = null;
        int bestVotes = 0;
        for (Map.Entry<NodeVersion, Integer> e : votes.entrySet()) {
            int n = e.getValue();
            boolean better = n > bestVotes
                    || (n == bestVotes && best != null && inspector.getOrDefault(e.getKey(), 0) > inspector.getOrDefault(best, 0))
                    || (n == bestVotes && best != null && inspector.getOrDefault(e.getKey(), 0).equals(inspector.getOrDefault(best, 0))
                        && e.getKey().compareTo(best) > 0);
            if (better) {
                best = e.getKey();
                bestVotes = n;
            }
        }
        return Optional.ofNullable(best);
    }

    private static void scan(MemorySegment data, Map<NodeVersion, Integer> inspector, Map<NodeVersion, Integer> release) {
        long size = data.byteSize();
        int overlap = 64;
        byte[] buf = new byte[CHUNK + overlap];
        for (long base = 0; base < size; base += CHUNK) {
            int n = (int) Math.min(buf.length, size - base);
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, base, buf, 0, n);
            // Latin-1 keeps one char per byte; String.indexOf is vectorised.
            String text = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
            int limit = Math.min(CHUNK, n); // a match starting in the overlap belongs to the next chunk
            find(text, buf, n, limit, INSPECTOR_TEXT, false, inspector);
            find(text, buf, n, limit, RELEASE_TEXT, true, release);
            // Both sources found and agreeing settles it; both sit near the start of .rodata in
            // official builds, so this usually reads under a MiB, not 40-60 MB.
            if (inspector.size() == 1 && release.size() == 1 && inspector.keySet().equals(release.keySet())) return;
        }
    }

    private static void find(String text, byte[] buf, int n, int limit, String needle, boolean slashAfter, Map<NodeVersion, Integer> votes) {
        for (int i = text.indexOf(needle); i >= 0 && i < limit; i = text.indexOf(needle, i + 1)) {
            version(buf, n, i + needle.length(), slashAfter).ifPresent(v -> votes.merge(v, 1, Integer::sum));
        }
    }

    /** Parses digits.digits.digits at buf[at]; release URLs must continue with '/'. */
    private static Optional<NodeVersion> version(byte[] buf, int n, int at, boolean slashAfter) {
        int[] parts = new int[3];
        int i = at;
        for (int p = 0; p < 3; p++) {
            int start = i, v = 0;
            while (i < n && i - start < 5 && buf[i] >= '0' && buf[i] <= '9') v = v * 10 + (buf[i++] - '0');
            if (i == start) return Optional.empty();
            parts[p] = v;
            if (p < 2) {
                if (i >= n || buf[i] != '.') return Optional.empty();
                i++;
            }
        }
        if (i >= n) return Optional.empty();
        byte end = buf[i];
        if (end >= '0' && end <= '9') return Optional.empty();
        if (slashAfter ? end != '/' : end == '.') return Optional.empty();
        if (parts[0] == 0) return Optional.empty();
        return Optional.of(new NodeVersion(parts[0], parts[1], parts[2]));
    }

    /** This version is major.minor.patch or later. */
    public boolean atLeast(int major, int minor, int patch) {
        return compareTo(new NodeVersion(major, minor, patch)) >= 0;
    }

    @Override
    public int compareTo(NodeVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) c = Integer.compare(minor, o.minor);
        if (c == 0) c = Integer.compare(patch, o.patch);
        return c;
    }

    /** "v20.20.2", as process.version prints it. */
    @Override
    public String toString() {
        return "v" + major + "." + minor + "." + patch;
    }
}
