package io.jsmdb.launcher;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * bin/jsmdb's AOT cache, on a copy of bin/ whose target/jsmdb.jar runs {@link LauncherProbe}
 * (no sources beside it: the launcher builds nothing). The first run that is not help or a
 * version trains the cache (target/jsmdb.aot) without a word of its own on stdout or stderr;
 * later runs use it; a jar newer than the cache or another JDK trains it again.
 */
class LauncherTest {
    @TempDir
    Path root;
    Path target;

    @BeforeEach
    void copyOfTheLauncher() throws IOException {
        Path repo = Path.of(System.getProperty("user.dir"));
        Path bin = Files.createDirectories(root.resolve("bin"));
        for (String f : List.of("jsmdb", "java-env.sh")) {
            Files.copy(repo.resolve("bin").resolve(f), bin.resolve(f));
        }
        target = Files.createDirectories(root.resolve("target"));
        writeProbeJar(target.resolve("jsmdb.jar"));
    }

    private static void writeProbeJar(Path jar) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LauncherProbe.class.getName());
        String entry = LauncherProbe.class.getName().replace('.', '/') + ".class";
        try (OutputStream o = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(o, m);
             var in = LauncherProbe.class.getClassLoader().getResourceAsStream(entry)) {
            j.putNextEntry(new JarEntry(entry));
            in.transferTo(j);
        }
    }

    record Run(int status, String out, String err) {}

    private Run jsmdb(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(root.resolve("bin/jsmdb").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("JSMDB_JAVA_OPTS");
        Path out = Files.createTempFile(root, "out", ".txt"), err = Files.createTempFile(root, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bin/jsmdb " + List.of(args) + " did not end");
        Run r = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    private List<String> targetFiles() throws IOException {
        try (Stream<Path> s = Files.list(target)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static final Run PLAIN = new Run(0, "probe -e ::status core\n", "probe's stderr\n");

    @Test
    void theFirstRealRunTrainsTheCacheQuietlyAndLaterRunsUseIt() throws Exception {
        assertEquals(new Run(0, "probe --help\n", "probe's stderr\n"), jsmdb("--help"));
        assertEquals(new Run(0, "probe completion\n", "probe's stderr\n"), jsmdb("completion"));
        assertEquals(new Run(2, "probe exit=2\n", "probe's stderr\n"), jsmdb("exit=2"));
        assertEquals(List.of("jsmdb.jar"), targetFiles(), "help, completion and a usage error train nothing");

        assertEquals(PLAIN, jsmdb("-e", "::status", "core"), "the training run shows what a run shows");
        assertEquals(List.of("jsmdb.aot", "jsmdb.aot.jdk", "jsmdb.jar"), targetFiles(), "no temporary file is left");
        assertEquals(System.getProperty("java.home") + "\n", Files.readString(target.resolve("jsmdb.aot.jdk")));
        FileTime made = Files.getLastModifiedTime(target.resolve("jsmdb.aot"));

        assertEquals(PLAIN, jsmdb("-e", "::status", "core"));
        assertEquals(new Run(1, "probe exit=1\n", "probe's stderr\n"), jsmdb("exit=1"));
        assertEquals(made, Files.getLastModifiedTime(target.resolve("jsmdb.aot")), "used, not made again");
    }

    /** C1 alone for a batch of quick -e commands; both compilers for sessions, scripts and the graph commands. */
    @Test
    void aQuickBatchRunsWithC1AloneAndTheRestWithBothCompilers() throws Exception {
        assertEquals(1, tieredStopAt("-e", "::status", "jit?", "core"));
        assertEquals(1, tieredStopAt("-e::jsstack;::findjsobjects -c Foo", "jit?", "core"));
        assertEquals(1, tieredStopAt("--eval=::status", "jit?", "core"));
        assertEquals(1, tieredStopAt("demo", "jit?"));
        assertEquals(4, tieredStopAt("jit?", "core"), "a session (or stdin)");
        assertEquals(4, tieredStopAt("-f", "script", "jit?", "core"));
        assertEquals(4, tieredStopAt("-e", "::status", "-f", "-", "jit?", "core"));
        assertEquals(4, tieredStopAt("-e", "::findjsobjects -s", "jit?", "core"));
        assertEquals(4, tieredStopAt("-e", "::findjsobjects -c Foo | ::jsretainers", "jit?", "core"));
        assertEquals(4, tieredStopAt("-e", "::heapsnapshot -o x", "jit?", "core"));
        assertEquals(4, tieredStopAt("diff", "-e", "::status", "jit?", "a", "b"));
        assertEquals(4, tieredStopAt("heapsnapshot", "jit?", "core", "-o", "x"));
    }

    private int tieredStopAt(String... args) throws Exception {
        Run r = jsmdb(args);
        for (String line : r.out().split("\n")) {
            if (line.startsWith("TieredStopAtLevel=")) return Integer.parseInt(line.substring(18));
        }
        throw new AssertionError("no TieredStopAtLevel line: " + r);
    }

    @Test
    void aNewerJarOrAnotherJdkTrainsItAgain() throws Exception {
        assertEquals(PLAIN, jsmdb("-e", "::status", "core"));
        Path aot = target.resolve("jsmdb.aot");
        FileTime first = Files.getLastModifiedTime(aot);

        // the jar rebuilt after the cache was made (by hand: mvn package)
        Files.setLastModifiedTime(aot, FileTime.from(Instant.now().minusSeconds(60)));
        Files.setLastModifiedTime(target.resolve("jsmdb.jar"), FileTime.from(Instant.now().minusSeconds(30)));
        assertEquals(PLAIN, jsmdb("-e", "::status", "core"));
        assertTrue(Files.getLastModifiedTime(aot).compareTo(first) >= 0, "made again after the jar changed");

        Files.writeString(target.resolve("jsmdb.aot.jdk"), "/some/other/jdk\n");
        assertEquals(PLAIN, jsmdb("-e", "::status", "core"));
        assertEquals(System.getProperty("java.home") + "\n", Files.readString(target.resolve("jsmdb.aot.jdk")));
    }

    @Test
    void aCacheTheJvmRefusesIsPassedOverSilently() throws Exception {
        Files.writeString(target.resolve("jsmdb.aot"), "not an AOT cache");
        Files.writeString(target.resolve("jsmdb.aot.jdk"), System.getProperty("java.home") + "\n");
        assertEquals(PLAIN, jsmdb("-e", "::status", "core"));
    }

    @Test
    void runsAtTheSameTimeEachTrainAndLeaveOneGoodCache() throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Run> runs = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 3; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    runs.add(jsmdb("-e", "::status", "core"));
                } catch (Exception e) {
                    runs.add(new Run(-1, e.toString(), ""));
                }
            }));
        }
        for (Thread t : threads) t.join();
        assertEquals(List.of(PLAIN, PLAIN, PLAIN), runs);
        assertEquals(List.of("jsmdb.aot", "jsmdb.aot.jdk", "jsmdb.jar"), targetFiles());
        // the JVM takes the cache: with -Xlog:aot it says it opened it
        ProcessBuilder pb = new ProcessBuilder(root.resolve("bin/jsmdb").toString(), "x");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JSMDB_JAVA_OPTS", "-Xlog:aot=info");
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(out.contains("Opened AOT cache " + target.resolve("jsmdb.aot")), out);
    }
}
