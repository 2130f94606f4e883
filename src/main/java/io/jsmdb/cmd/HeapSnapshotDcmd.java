package io.jsmdb.cmd;

import io.jsmdb.node.NodeTarget;
import io.jsmdb.v8.graph.CsrHeapGraph;
import io.jsmdb.v8.graph.FunctionLocations;
import io.jsmdb.v8.graph.HeapGraph;
import io.jsmdb.v8.graph.HeapSnapshotWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * {@code ::heapsnapshot FILE}: the whole heap as a Chrome DevTools heap snapshot. The graph is
 * built once per session (NodeTarget.heapGraph), then streamed to FILE.tmp, which replaces FILE
 * only when complete (as v8.writeHeapSnapshot overwrites); a failure or Ctrl-C removes it.
 */
public final class HeapSnapshotDcmd implements Dcmd {
    @Override public String name() { return "heapsnapshot"; }
    @Override public String usage() { return "FILE"; }
    @Override public String summary() { return "write the heap as a Chrome DevTools .heapsnapshot"; }
    @Override public List<String> options() { return List.of(); }
    @Override public AddressMode addressMode() { return AddressMode.NONE; }

    @Override
    public String help() {
        return """
                Writes the whole V8 heap of the core as a heap snapshot: the JSON file
                v8.writeHeapSnapshot() writes, in the layout of the core's V8 version, for
                Chrome DevTools (Memory tab, Load) and memlab. Nodes, names and self sizes
                are those of V8's heap snapshot (objects by constructor, closures by function
                name, strings by content, "system / Context", ...), edges are the objects'
                properties, elements, context variables and internal fields, and the GC roots
                hang under "(GC roots)" by kind. Functions carry their script id, line and
                column. The heap graph is built on first use and kept for the session.
                FILE is replaced when the snapshot is complete (it is written to FILE.tmp
                first; a failure or Ctrl-C removes that). The core holds what a heap
                snapshot would not: objects no longer reachable that no GC has freed yet are
                nodes too, without retainers.""";
    }

    @Override
    public void run(DcmdContext ctx, Invocation inv) throws DcmdException {
        DcmdArgs args = DcmdArgs.parse(this, inv.args(), "").expectPositional(1, 1);
        NodeTarget t = ctx.target();
        if (t == null) throw new DcmdException("no core is open");
        String name = args.positional().get(0);
        Path file;
        try {
            file = Path.of(name);
        } catch (InvalidPathException e) {
            throw new DcmdException("not a file name: " + Strings.escape(name));
        }
        if (Files.isDirectory(file)) throw new DcmdException(Strings.escape(name) + ": is a directory");
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) throw new DcmdException(Strings.escape(name) + ": no such directory: " + Strings.escape(dir.toString()));

        // Written where v8.writeHeapSnapshot would write: through a symbolic link to its target;
        // to a device or FIFO (/dev/null, a pipe) directly, as it is not a file to replace.
        Path target = file;
        try {
            // a dangling link too: the file is made where it points (at most 40 links, as the kernel's ELOOP)
            for (int i = 0; Files.isSymbolicLink(target); i++) {
                if (i == 40) throw new DcmdException(Strings.escape(name) + ": too many levels of symbolic links");
                Path to = Files.readSymbolicLink(target);
                Path parent = target.toAbsolutePath().getParent();
                target = parent == null ? to : parent.resolve(to);
            }
        } catch (IOException e) {
            throw new DcmdException("cannot write " + Strings.escape(name) + ": " + ioReason(e), e);
        }
        boolean direct = Files.exists(target) && !Files.isRegularFile(target);

        HeapGraph g = graph(ctx, t);
        HeapSnapshotWriter.Format format = t.v8Version().map(v -> HeapSnapshotWriter.Format.forV8Major(v.major()))
                .orElse(HeapSnapshotWriter.Format.forV8Major(14));
        Path tmp = direct ? target : target.resolveSibling(target.getFileName() + ".tmp");
        long bytes;
        boolean done = false;
        // Ctrl-C in a batch run (or SIGTERM) ends the JVM rather than the command: the hook removes
        // the partial file then; an interactive Ctrl-C cancels the command and the finally below does
        final Path partial = tmp;
        Thread cleanup = new Thread(() -> {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                // the process is ending; nothing else to do
            }
        }, "jsmdb-heapsnapshot-cleanup");
        if (!direct) Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            try (Progress p = ctx.out().progress("writing " + name);
                 OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                long total = (long) g.nodeCount() + g.edgeCount();
                bytes = HeapSnapshotWriter.write(g, format, new FunctionLocations(t.heap()), out, ctx::checkCancelled,
                        n -> p.update(n, total));
            }
            if (!direct) Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            done = true;
        } catch (IOException e) {
            throw new DcmdException("cannot write " + Strings.escape(name) + ": " + ioReason(e), e);
        } finally {
            if (!direct) {
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanup);
                } catch (IllegalStateException e) {
                    // already shutting down: the hook removes the file
                }
            }
            if (!done && !direct) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // nothing more can be done: the message above already says the write failed
                }
            }
        }
        String extra = "";
        if (g instanceof CsrHeapGraph c) {
            CsrHeapGraph.Stats s = c.stats();
            if (s.edgesDropped() + s.rootsDropped() > 0) {
                extra = String.format("; %,d references to addresses that are no object start left out", s.edgesDropped() + s.rootsDropped());
            }
        }
        ctx.out().printf("wrote %s: %,d nodes, %,d edges, %,d bytes%s%n", Strings.escape(name), g.nodeCount(), g.edgeCount(), bytes, extra);
    }

    /** The target's heap graph, built with a progress indicator the first time; walk gaps said on stderr. */
    private static HeapGraph graph(DcmdContext ctx, NodeTarget t) throws DcmdException {
        boolean fresh = t.heapGraphIfMade().isEmpty();
        HeapGraph g;
        try (Progress p = ctx.out().progress("building the heap graph")) {
            long total = fresh ? t.heapGraphProgressTotal() : 0;
            g = t.heapGraph(ctx::checkCancelled, n -> p.update(n, total));
        } catch (IllegalStateException | io.jsmdb.v8.MissingMetadataException e) {
            throw new DcmdException("cannot build the heap graph: " + e.getMessage(), e);
        }
        if (g instanceof CsrHeapGraph c && c.stats().walk() != null) {
            long maybeLive = c.stats().walk().bytesMaybeLive();
            if (maybeLive > 0 && ctx.firstInLoop()) {
                ctx.warn(String.format("%,d heap bytes could not be walked and may hold live objects: the snapshot may lack them"
                        + " (::findjsobjects -v names the pages)", maybeLive));
            }
        }
        return g;
    }

    /** One line for an I/O failure: the system's reason (disk full, permission denied), without Java's class names. */
    static String ioReason(IOException e) {
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof NoSuchFileException) return "no such file or directory";
        if (e instanceof FileSystemException fe && fe.getReason() != null) return fe.getReason();
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
