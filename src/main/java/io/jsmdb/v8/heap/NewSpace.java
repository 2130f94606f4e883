package io.jsmdb.v8.heap;

import io.jsmdb.core.CoreFile;
import io.jsmdb.core.MemoryFault;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which new-space (semispace to-space) pages hold objects, and where they end. V8 fills the
 * to-space pages in the order of the SemiSpace's page list, up to the page holding the new-space
 * linear allocation area (LAB), and that page only up to LAB.top. Pages after it in the list are
 * unused, and to-space-flagged pages outside the list (pooled when the semispace shrank) hold
 * stale copies from earlier scavenges: neither is walked.
 *
 * <p>The list: the SemiSpace object's {@code memory_chunk_list_ {front, back}} and each chunk's
 * {@code list_node_ {next, prev}} (metadata addresses). The offsets are found by a scan rule:
 * (F, N) such that owner+F is the front and owner+F+8 the back, front.prev = 0, back.next = 0, and
 * next links lead from front to back through to-space pages whose prev links point back; the
 * version's known offsets (Fallbacks.PAGE_LIST_NODE / SEMI_SPACE_PAGE_LIST) are tried first, and
 * a scan that finds two different orders gives up.
 *
 * <p>The LAB: a {start <= top <= limit} triple of 8-aligned words on one page of that list
 * (start >= area start, limit <= area end), found near the Heap and the space objects (HeapPages).
 * If several disagree, the one at the version's known place (Fallbacks.NEW_LAB_FROM_*) wins.
 *
 * <p>If either cannot be found, {@link #problem()} says why and the walker falls back to walking
 * every to-space page up to its first word that is not a map.
 */
public final class NewSpace {
    /** A {start, top, limit} triple found at address at. */
    record Lab(long at, long start, long top, long limit, long page) {}

    private final List<HeapPage> live;
    private final Set<Long> liveBases;
    private final long labPage, top, labAt;
    private final int unusedPages;
    private final String problem;
    private final String how;

    private NewSpace(List<HeapPage> live, long labPage, long top, long labAt, int unusedPages, String problem, String how) {
        this.live = List.copyOf(live);
        this.liveBases = new HashSet<>();
        for (HeapPage p : live) liveBases.add(p.base());
        this.labPage = labPage;
        this.top = top;
        this.labAt = labAt;
        this.unusedPages = unusedPages;
        this.problem = problem;
        this.how = how;
    }

    /** True if the walk can stop exactly at the allocation top. */
    public boolean exact() { return problem == null; }

    /** Why the walk cannot stop exactly at the top (null if it can). */
    public String problem() { return problem; }

    /** How the list and the LAB were found, for -v. */
    public String how() { return how; }

    /** The new-space allocation top (0 if unknown). */
    public long top() { return top; }

    /** Where the LAB triple was found (0 if unknown). */
    public long labAddress() { return labAt; }

    /** The to-space pages that hold objects, in list order (empty unless exact). */
    public List<HeapPage> livePages() { return live; }

    /** To-space pages not walked: after the LAB page in the list, or not in the list (0 unless exact). */
    public int unusedPages() { return unusedPages; }

    /** Whether a to-space page is walked. */
    boolean walks(HeapPage p) {
        return !exact() || liveBases.contains(p.base());
    }

    /** True if exact and the page at base is one of the live to-space pages. */
    boolean isLive(long base) {
        return exact() && liveBases.contains(base);
    }

    /** True if the candidate is at this build's known place of the new-space LAB (beside the Heap or the to-space). */
    private static boolean atKnownPlace(HeapLayout l, long heap, long owner, Lab b) {
        return (l.newLabFromHeap != Long.MIN_VALUE && heap != 0 && b.at() == heap + l.newLabFromHeap)
                || (l.newLabFromToSpace != Long.MIN_VALUE && b.at() == owner + l.newLabFromToSpace);
    }

    /** The tops that end the walk of a to-space page when exact: {top} on the LAB page, none before it. */
    long[] topsFor(long base) {
        return base == labPage ? new long[] {top} : new long[0];
    }

    static NewSpace find(CoreFile core, HeapLayout l, List<HeapPage> pages, long heap, List<Lab> labs) {
        List<HeapPage> to = new ArrayList<>();
        for (HeapPage p : pages) {
            // each isolate (the main thread's, a worker's) has a new space of its own: only this heap's
            if (heap != 0 && p.heap() != heap) continue;
            if (p.space() == HeapPage.Space.NEW && (p.flags() & l.fromPageFlag) == 0) to.add(p);
        }
        if (to.isEmpty()) return new NewSpace(List.of(), 0, 0, 0, 0, null, "no to-space pages");
        Set<Long> owners = new LinkedHashSet<>();
        for (HeapPage p : to) owners.add(p.owner());
        if (owners.size() != 1) return unknown(0, 0, "to-space pages have " + owners.size() + " different owners");
        long owner = owners.iterator().next();

        // the LAB: candidates on to-space pages
        Map<Long, HeapPage> toByBase = new HashMap<>();
        for (HeapPage p : to) toByBase.put(p.base(), p);
        List<Lab> cands = new ArrayList<>();
        for (Lab b : labs) if (toByBase.containsKey(b.page())) cands.add(b);
        Lab lab = null;
        String labHow = null;
        Set<Long> tops = new HashSet<>();
        for (Lab b : cands) tops.add(b.top());
        boolean placeKnown = (l.newLabFromHeap != Long.MIN_VALUE && heap != 0) || l.newLabFromToSpace != Long.MIN_VALUE;
        if (tops.size() == 1 && (!placeKnown || cands.stream().anyMatch(b -> atKnownPlace(l, heap, owner, b)))) {
            lab = cands.get(0);
            labHow = "the only {start, top, limit} on a to-space page";
        } else if (tops.size() == 1) {
            // Where this build keeps the LAB is known and the one candidate is elsewhere: another
            // allocator's area (a worker isolate whose own LAB was empty had one), so the top is
            // not known; trusting it would leave the to-space pages after it unwalked, silently.
            return unknown(0, 0, "the new-space allocation area at this version's known place is empty, and the one"
                    + " {start, top, limit} on a to-space page is elsewhere (0x" + Long.toHexString(cands.get(0).at()) + ")");
        } else if (tops.size() > 1) {
            for (Lab b : cands) {
                if (atKnownPlace(l, heap, owner, b)) {
                    lab = b;
                    labHow = "at this version's known place, among " + tops.size() + " candidate tops";
                }
            }
        }
        long top = lab == null ? 0 : lab.top();
        long labAt = lab == null ? 0 : lab.at();

        // the page list
        String[] listHow = new String[1];
        List<HeapPage> list = pageList(core, l, owner, to, listHow);
        if (lab == null) {
            return unknown(0, 0, tops.isEmpty() ? "no new-space allocation area {start, top, limit} found"
                    : tops.size() + " candidate new-space allocation tops and none at this version's known place");
        }
        if (list == null) return unknown(top, labAt, "the to-space page list was not found");
        int at = -1;
        for (int i = 0; i < list.size(); i++) if (list.get(i).base() == lab.page()) at = i;
        if (at < 0) return unknown(top, labAt, String.format("the allocation top %x is not on a page of the to-space list", top));
        List<HeapPage> live = list.subList(0, at + 1);
        String how = String.format("LAB at %x (%s); to-space list of %d page(s) (%s), allocating into page %d",
                labAt, labHow, list.size(), listHow[0], at + 1);
        return new NewSpace(live, lab.page(), top, labAt, to.size() - live.size(), null, how);
    }

    private static NewSpace unknown(long top, long labAt, String why) {
        return new NewSpace(List.of(), 0, top, labAt, 0, why, null);
    }

    /** How far into the owner and the chunk metadata the scan looks for the list fields. */
    private static final int OWNER_SCAN = 0x200, NODE_SCAN = 0x400;

    /** The owner's page list in order, or null. */
    private static List<HeapPage> pageList(CoreFile core, HeapLayout l, long owner, List<HeapPage> to, String[] how) {
        Map<Long, HeapPage> byMd = new HashMap<>();
        Map<Long, MemorySegment> nodes = new HashMap<>();
        for (HeapPage p : to) {
            long md = metadata(core, l, p);
            Optional<MemorySegment> s = md == 0 ? Optional.empty() : core.segmentAt(md, NODE_SCAN + 16);
            if (s.isEmpty() || s.get().byteSize() < NODE_SCAN + 16) continue;
            byMd.put(md, p);
            nodes.put(md, s.get());
        }
        Optional<MemorySegment> os = core.segmentAt(owner, OWNER_SCAN + 16);
        if (os.isEmpty() || os.get().byteSize() < OWNER_SCAN + 16 || byMd.isEmpty()) return null;
        MemorySegment o = os.get();
        if (l.semiSpacePageListHint >= 0 && l.pageListNodeHint >= 0
                && l.semiSpacePageListHint <= OWNER_SCAN && l.pageListNodeHint <= NODE_SCAN) {
            List<Long> order = chain(o, l.semiSpacePageListHint, l.pageListNodeHint, nodes);
            if (order != null) {
                how[0] = String.format("front at owner+%#x, next at chunk+%#x as known for this version",
                        l.semiSpacePageListHint, l.pageListNodeHint);
                return pagesOf(order, byMd);
            }
        }
        List<Long> found = null;
        int fF = -1, fN = -1;
        for (int n = 0; n <= NODE_SCAN; n += 8) {
            for (int f = 0; f <= OWNER_SCAN; f += 8) {
                List<Long> order = chain(o, f, n, nodes);
                if (order == null) continue;
                if (found != null && !found.equals(order)) return null; // ambiguous
                if (found == null) { found = order; fF = f; fN = n; }
            }
        }
        if (found == null) return null;
        how[0] = String.format("front at owner+%#x, next at chunk+%#x, found by scan", fF, fN);
        return pagesOf(found, byMd);
    }

    private static List<HeapPage> pagesOf(List<Long> order, Map<Long, HeapPage> byMd) {
        List<HeapPage> out = new ArrayList<>();
        for (long m : order) out.add(byMd.get(m));
        return out;
    }

    /** front..back through next links, each prev pointing back; null if the fields do not form such a list. */
    private static List<Long> chain(MemorySegment owner, int f, int n, Map<Long, MemorySegment> nodes) {
        long front = owner.get(ValueLayout.JAVA_LONG_UNALIGNED, f);
        long back = owner.get(ValueLayout.JAVA_LONG_UNALIGNED, f + 8);
        MemorySegment fs = nodes.get(front), bs = nodes.get(back);
        if (fs == null || bs == null) return null;
        if (fs.get(ValueLayout.JAVA_LONG_UNALIGNED, n + 8) != 0 || bs.get(ValueLayout.JAVA_LONG_UNALIGNED, n) != 0) return null;
        List<Long> order = new ArrayList<>();
        order.add(front);
        long m = front;
        while (m != back) {
            long next = nodes.get(m).get(ValueLayout.JAVA_LONG_UNALIGNED, n);
            MemorySegment ns = nodes.get(next);
            if (ns == null || ns.get(ValueLayout.JAVA_LONG_UNALIGNED, n + 8) != m || order.size() >= nodes.size()) return null;
            order.add(next);
            m = next;
        }
        return order;
    }

    /** The chunk's metadata address: the page itself before V8 12, else the pointer in the page. */
    static long metadata(CoreFile core, HeapLayout l, HeapPage p) {
        if (l.chunkMetadataPointer < 0) return p.base();
        try {
            return core.readLong(p.base() + l.chunkMetadataPointer);
        } catch (MemoryFault e) {
            return 0;
        }
    }
}
