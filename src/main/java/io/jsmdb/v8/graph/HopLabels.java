package io.jsmdb.v8.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Names the hops of a retainer path as a JavaScript developer reads them, with the names Chrome
 * DevTools gives edges: a property by its name ({@code registry}; {@code Grove.rows} when the
 * holder is an instance of a class), an element by its index ({@code [17]}), a context variable by
 * its name (a closure's {@code context}, then {@code hoard}), V8's internal fields by their names
 * ({@code context}, {@code elements}), hidden references as {@code {3}}. A Map's or Set's entry,
 * which V8's snapshot shows as two hops (the collection's internal {@code table}, then the
 * table's slot), is one hop: {@code Map entry 'grove'}, {@code Map key}, {@code Set entry}.
 *
 * <p>The path starts at the first node below the root and "(GC roots)": a root category such as
 * "(Global handles)" or a user root (the global object, "global"). Labels are raw text from the
 * core: escape them before printing.
 */
public final class HopLabels {
    /**
     * How a JSMap or JSSet holds one of its members, read from the heap (the entry's key), or
     * empty when holder is not a Map or Set (or cannot be read).
     */
    @FunctionalInterface
    public interface Collections {
        Optional<String> entry(long holder, long member);

        /** addr is a global object (JSGlobalObject or its proxy), read from the heap; false if unknown. */
        default boolean isGlobalObject(long addr) {
            return false;
        }
    }

    /** One hop: its label and the node it reaches (the first hop's node is the path's first node shown). */
    public record Hop(String label, int node) {}

    private static final String NATIVE_CONTEXT = "system / NativeContext";

    private final HeapGraph g;
    private final Collections collections;

    /** collections may be null: Map and Set entries are then named from the graph alone. */
    public HopLabels(HeapGraph g, Collections collections) {
        this.g = g;
        this.collections = collections;
    }

    /** The hops of p, from the first node below the root and "(GC roots)" to the target. */
    public List<Hop> hops(RetainerPaths.Path p) {
        int[] nodes = p.nodes();
        int[] edges = p.edges();
        List<Hop> out = new ArrayList<>();
        int i = 0;
        if (nodes.length > 1 && nodes[0] == g.rootNode()) i = 1;
        if (i < nodes.length - 1 && g.type(nodes[i]) == NodeType.SYNTHETIC && "(GC roots)".equals(g.name(nodes[i]))) i++;
        // V8 14.6's snapshot root links each native context where older ones link its global
        // object: a path through the context's slot to the global starts at the global, so it
        // reads "global -> ..." on every version
        if (i < nodes.length - 1 && g.type(nodes[i]) == NodeType.HIDDEN && NATIVE_CONTEXT.equals(g.name(nodes[i]))
                && isGlobalOf(nodes[i + 1], nodes[i])) i++;
        out.add(new Hop(g.name(nodes[i]), nodes[i]));
        boolean fromCategory = g.type(nodes[i]) == NodeType.SYNTHETIC;
        for (int j = i; j < edges.length; j++) {
            int holder = nodes[j], e = edges[j], child = nodes[j + 1];
            if (j + 1 < edges.length && isTable(holder, e)) {
                int member = nodes[j + 2];
                Optional<String> entry = collectionEntry(holder, child, edges[j + 1], member);
                if (entry.isPresent()) {
                    out.add(new Hop(entry.get(), member));
                    j++;
                    fromCategory = false;
                    continue;
                }
            }
            out.add(new Hop(label(holder, e, child, fromCategory, j == i), child));
            fromCategory = false;
        }
        return out;
    }

    /** node is a global object: the heap says so, or its native_context is ctx. */
    private boolean isGlobalOf(int node, int ctx) {
        if (g.type(node) != NodeType.OBJECT || g.address(node) == 0) return false;
        if (collections != null && collections.isGlobalObject(g.address(node))) return true;
        for (int e = g.firstEdge(node), end = g.edgeEnd(node); e < end; e++) {
            if (g.edgeTarget(e) == ctx && g.edgeType(e) == EdgeType.INTERNAL && "native_context".equals(g.edgeName(e))) return true;
        }
        return false;
    }

    /** The hops' labels joined by arrows: {@code global → registry → Map entry 'grove' → Grove.rows → [2500]}. */
    public String summary(RetainerPaths.Path p) {
        StringBuilder sb = new StringBuilder();
        for (Hop h : hops(p)) {
            if (!sb.isEmpty()) sb.append(" \u2192 ");
            sb.append(h.label());
        }
        return sb.toString();
    }

    private String label(int holder, int e, int child, boolean fromCategory, boolean holderShownByName) {
        String name = g.edgeName(e);
        EdgeType t = g.edgeType(e);
        if (fromCategory && (name == null || isIndexName(name) || t.isIndexed())) {
            // a root category's edges are numbered ("12" or "12 / description"): the description or
            // the object says more
            String desc = name == null ? null : description(name);
            return desc != null ? desc : g.name(child);
        }
        return switch (t) {
            case ELEMENT -> "[" + g.edgeIndex(e) + "]";
            case HIDDEN -> "{" + g.edgeIndex(e) + "}";
            case PROPERTY -> property(holder, name, holderShownByName);
            case INTERNAL -> EssentialEdges.isEphemeronName(name) ? "WeakMap value" : isIndexName(name) ? "{" + name + "}" : name;
            case WEAK -> "weak " + name;
            default -> name;
        };
    }

    /** {@code name}, {@code ["not an identifier"]}, or {@code Grove.rows} for an instance of class Grove. */
    private String property(int holder, String name, boolean holderShownByName) {
        String access = isIdentifier(name) ? name : "[\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
        if (holderShownByName || g.type(holder) != NodeType.OBJECT) return access;
        String cls = g.name(holder);
        if (cls == null || cls.isEmpty() || cls.equals("Object") || !isIdentifier(cls)) return access;
        return cls + (access.startsWith("[") ? access : "." + access);
    }

    /** The holder's edge is a Map's or Set's internal "table". */
    private boolean isTable(int holder, int e) {
        return g.edgeType(e) == EdgeType.INTERNAL && "table".equals(g.edgeName(e)) && g.type(holder) == NodeType.OBJECT;
    }

    /** "Map entry 'grove'" for member of the collection holder reached through its table's slot. */
    private Optional<String> collectionEntry(int holder, int table, int slotEdge, int member) {
        if (collections != null && g.address(holder) != 0 && g.address(member) != 0) {
            Optional<String> r = collections.entry(g.address(holder), g.address(member));
            if (r.isPresent()) return r;
        }
        // from the graph alone: an OrderedHashMap keeps an entry's key in the slot before its value
        // (slots holding numbers have no edge); only for objects named as V8 names Maps and Sets
        String cls = g.name(holder);
        if (!"Map".equals(cls) && !"Set".equals(cls)) return Optional.empty();
        if (cls.equals("Set")) return Optional.of("Set entry");
        int slot = slotIndex(slotEdge);
        if (slot > 0) {
            String prev = String.valueOf(slot - 1);
            for (int e = g.firstEdge(table), end = g.edgeEnd(table); e < end; e++) {
                if (!prev.equals(g.edgeName(e)) && !(g.edgeType(e).isIndexed() && g.edgeIndex(e) == slot - 1)) continue;
                int key = g.edgeTarget(e);
                NodeType kt = g.type(key);
                boolean string = kt == NodeType.STRING || kt == NodeType.CONCATENATED_STRING || kt == NodeType.SLICED_STRING;
                return Optional.of("Map entry " + (string ? "'" + g.name(key) + "'" : "<" + g.name(key) + ">"));
            }
        }
        return Optional.of("Map entry");
    }

    private int slotIndex(int e) {
        if (g.edgeType(e).isIndexed()) return g.edgeIndex(e);
        String s = g.edgeName(e);
        return isIndexName(s) ? Integer.parseInt(s) : -1;
    }

    private static boolean isIndexName(String s) {
        if (s == null || s.isEmpty() || s.length() > 9) return false;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        return true;
    }

    /** "12 / description" (V8's auto-indexed names) gives "description". */
    private static String description(String name) {
        int slash = name.indexOf(" / ");
        if (slash <= 0 || !isIndexName(name.substring(0, slash))) return null;
        String d = name.substring(slash + 3);
        return d.isEmpty() ? null : d;
    }

    static boolean isIdentifier(String s) {
        if (s == null || s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c == '_' || c == '$' || Character.isLetter(c) || (i > 0 && Character.isDigit(c));
            if (!ok) return false;
        }
        return true;
    }
}
