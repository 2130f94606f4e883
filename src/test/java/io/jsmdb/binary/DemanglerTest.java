package io.jsmdb.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DemanglerTest {
    @Test
    void demangles() {
        assertTrue(Demangler.available(), "libstdc++ __cxa_demangle must be loadable");
        assertEquals("v8::internal::Isolate::Current()", Demangler.demangle("_ZN2v88internal7Isolate7CurrentEv"));
        assertEquals("v8::internal::operator<<(std::ostream&, v8::internal::ForInHint)",
                Demangler.demangle("_ZN2v88internallsERSoNS0_9ForInHintE"));
        assertEquals("node::Start(int, char**)", Demangler.demangle("_ZN4node5StartEiPPc"));
        assertEquals("foo() [clone .cold]", Demangler.demangle("_Z3foov.cold"));
    }

    @Test
    void prewarm() {
        Demangler.prewarmAsync();
        Demangler.prewarmAsync(); // idempotent
        assertEquals("node::Start(int, char**)", Demangler.demangle("_ZN4node5StartEiPPc"));
    }

    @Test
    void leavesOtherNamesAlone() {
        for (String s : List.of("main", "v8dbg_SmiTag", "", "_Z", "_Zgarbage!!", "_ZN", "Builtins_JSEntry", "_Z\0x")) {
            assertEquals(s, Demangler.demangle(s));
        }
        assertNull(Demangler.demangle(null));
    }

    @Test
    void cachedAndThreadSafe() {
        String m = "_ZN2v88internal4Heap8SetUpRootsEv";
        String first = Demangler.demangle(m);
        assertSame(first, Demangler.demangle(m));
        List<String> out = IntStream.range(0, 2000).parallel()
                .mapToObj(i -> Demangler.demangle("_ZN2v88internal3Foo3barE" + "i".repeat(1 + i % 7)))
                .toList();
        for (int i = 0; i < out.size(); i++) {
            String expected = "v8::internal::Foo::bar(" + String.join(", ", java.util.Collections.nCopies(1 + i % 7, "int")) + ")";
            assertEquals(expected, out.get(i));
        }
    }
}
