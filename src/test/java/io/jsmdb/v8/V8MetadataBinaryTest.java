package io.jsmdb.v8;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jsmdb.binary.ElfImage;
import io.jsmdb.testing.NodeBinaries;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** V8Metadata and V8Version read from the seven official node binaries. */
class V8MetadataBinaryTest {
    static final List<String> VERSIONS = NodeBinaries.VERSIONS;

    /** Typed accessors that may legitimately be empty; everything else must resolve. */
    private static final List<String> OPTIONAL_ACCESSORS = List.of("jsFunctionCodeOffset", "sfiFunctionDataOffset");

    @ParameterizedTest
    @FieldSource("VERSIONS")
    void metadataEqualsMatrix(String v) throws Exception {
        try (ElfImage image = ElfImage.open(NodeBinaries.binary(v))) {
            V8Metadata md = V8Metadata.fromImage(image);
            assertEquals(NodeBinaries.matrix().get(v), md.constants(), "v8dbg constants of node " + v);
            assertEquals(List.of(), md.warnings());
            assertEquals(Optional.of(NodeBinaries.v8(v)), md.version());
            assertTrue(md.target().contains(NodeBinaries.v8(v).toString()), md.target());
        }
    }

    @ParameterizedTest
    @FieldSource("VERSIONS")
    void v8VersionFromBinary(String v) throws Exception {
        try (ElfImage image = ElfImage.open(NodeBinaries.binary(v))) {
            assertEquals(Optional.of(NodeBinaries.v8(v)), V8Version.of(image));
            assertEquals(Optional.of(NodeBinaries.V8.get(v)), V8Version.versionString(image));
            String full = NodeBinaries.V8.get(v);
            assertEquals(Optional.of(full.substring(full.indexOf('-'))), V8Version.embedder(image));
        }
    }

    /** Node's wrapped C++ objects (process, ModuleWrap...) have an API object type that only the metadata names. */
    @ParameterizedTest
    @FieldSource("VERSIONS")
    void embedderObjectTypesAreNamed(String v) throws Exception {
        try (ElfImage image = ElfImage.open(NodeBinaries.binary(v))) {
            V8Metadata md = V8Metadata.fromImage(image);
            int api = (int) md.constant("APIObjectType").orElseThrow();
            int special = (int) md.constant("SpecialAPIObjectType").orElseThrow();
            assertEquals(Optional.of("JS_API_OBJECT_TYPE"), md.instanceTypeName(api), "node " + v);
            assertEquals(Optional.of("JS_SPECIAL_API_OBJECT_TYPE"), md.instanceTypeName(special), "node " + v);
        }
    }

    static final List<String> ARM64_VERSIONS = NodeBinaries.ARM64_VERSIONS;

    /**
     * An arm64 binary's instance-type names are read from its AArch64 code (the switch's jump
     * table of byte or halfword offsets, adrp/add string loads) and must be the names the x64
     * binary of the same version gives (instance types do not depend on the machine).
     */
    @ParameterizedTest
    @FieldSource("ARM64_VERSIONS")
    void arm64InstanceTypeNamesAreX64s(String v) throws Exception {
        try (ElfImage arm = ElfImage.open(NodeBinaries.arm64Binary(v)); ElfImage x64 = ElfImage.open(NodeBinaries.binary(v))) {
            assertEquals(ElfImage.EM_AARCH64, arm.machine());
            InstanceTypeTable a = V8Metadata.fromImage(arm).instanceTypes();
            InstanceTypeTable x = V8Metadata.fromImage(x64).instanceTypes();
            assertTrue(a.source().contains("binary"), "node " + v + " arm64: " + a.source());
            int named = 0;
            for (int t = 0; t < 1 << 13; t++) {
                assertEquals(x.name(t), a.name(t), "node " + v + " instance type " + t);
                if (a.name(t).isPresent()) named++;
            }
            assertTrue(named > 200, "node " + v + " arm64: " + named + " types named");
        }
    }

    /** The hard-coded table agrees with what each binary reports about itself. */
    @ParameterizedTest
    @FieldSource("VERSIONS")
    void versionTableMatchesRunningBinary(String v) throws Exception {
        Process p = new ProcessBuilder(NodeBinaries.binary(v).toString(), "-p", "process.version + ' ' + process.versions.v8")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("node " + v + " -p did not finish");
        }
        assertEquals("v" + v + " " + NodeBinaries.V8.get(v), out);
    }

    @ParameterizedTest
    @FieldSource("VERSIONS")
    void everyTypedAccessorResolves(String v) throws Exception {
        try (ElfImage image = ElfImage.open(NodeBinaries.binary(v))) {
            V8Metadata md = V8Metadata.fromImage(image);
            int called = 0;
            for (Method m : V8Metadata.class.getDeclaredMethods()) {
                if (!Modifier.isPublic(m.getModifiers()) || Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 0) continue;
                Class<?> r = m.getReturnType();
                if (r != int.class && r != boolean.class && r != OptionalInt.class) continue;
                if (m.getName().equals("size") || m.getName().equals("hashCode")) continue;
                Object value;
                try {
                    value = m.invoke(md);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw new AssertionError("node " + v + ": " + m.getName() + "() failed: " + e.getCause().getMessage(), e.getCause());
                }
                if (r == OptionalInt.class && !OPTIONAL_ACCESSORS.contains(m.getName())) {
                    assertTrue(((OptionalInt) value).isPresent(), v + " " + m.getName());
                }
                called++;
            }
            assertTrue(called >= 100, "only " + called + " typed accessors found");
            for (V8Metadata.Resolution res : md.resolutions()) {
                if (!res.fact().optional()) assertTrue(res.value().isPresent(), v + ": " + res.fact() + ": " + res.origin());
            }
            assertTrue(!md.outsideVerifiedRange(), v);
        }
    }
}
