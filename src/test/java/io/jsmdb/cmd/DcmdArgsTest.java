package io.jsmdb.cmd;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class DcmdArgsTest {
    private static final Dcmd JSSTACK = new FakeDcmd("jsstack", AddressMode.OPTIONAL, "[-av] [-n N] [-t TID]",
            List.of("-a", "-v", "-n", "-t"), (self, ctx, inv) -> { });

    private static DcmdArgs parse(String... args) throws DcmdException {
        return DcmdArgs.parse(JSSTACK, List.of(args), "avn:t:c:p:");
    }

    @Test
    void flags() throws Exception {
        DcmdArgs a = parse("-a", "-v");
        assertTrue(a.flag('a'));
        assertTrue(a.flag('v'));
        assertFalse(a.flag('n'));
        assertTrue(parse("-av").flag('v'));
        assertEquals(2, parse("-vv").count('v'));
        assertEquals(0, parse().count('v'));
    }

    @Test
    void values() throws Exception {
        assertEquals(5, parse("-n", "5").intNumber('n', 0));
        assertEquals(5, parse("-n5").intNumber('n', 0));
        assertEquals(16, parse("-avn0x10").intNumber('n', 0));
        assertEquals(10, parse("-n", "0t10").number('n', 0));
        assertEquals(7, parse().intNumber('n', 7));
        assertEquals(Optional.of("Foo"), parse("-c", "Foo").value('c'));
        assertEquals(Optional.of("-v"), parse("-c", "-v").value('c'), "a value may look like an option");
        assertEquals(List.of("x", "y"), parse("-p", "x", "-py").values('p'));
        assertEquals(Optional.of("y"), parse("-p", "x", "-py").value('p'), "the last one wins");
        assertEquals(List.of(), parse().values('p'));
    }

    @Test
    void positional() throws Exception {
        DcmdArgs a = parse("foo", "-v", "bar", "--", "-a", "-");
        assertEquals(List.of("foo", "bar", "-a", "-"), a.positional());
        assertTrue(a.flag('v'));
        assertFalse(a.flag('a'));
        assertEquals(List.of("-"), parse("-").positional());
        assertSame(a, a.expectPositional(1, 4));
        assertTrue(assertThrows(DcmdException.class, () -> parse().expectPositional(1, 1)).getMessage()
                .startsWith("missing argument; usage: [ADDR]::jsstack [-av] [-n N] [-t TID]"));
        assertTrue(assertThrows(DcmdException.class, () -> parse("a", "b").expectPositional(0, 1)).getMessage()
                .startsWith("unexpected argument 'b'"));
    }

    @Test
    void mistakesAreUsageErrors() {
        DcmdException e = assertThrows(DcmdException.class, () -> parse("-x"));
        assertTrue(e.isUsageError());
        assertEquals("unknown option '-x'; usage: [ADDR]::jsstack [-av] [-n N] [-t TID]", e.getMessage());
        assertTrue(assertThrows(DcmdException.class, () -> parse("-av:")).getMessage().startsWith("unknown option '-:'"));
        assertTrue(assertThrows(DcmdException.class, () -> parse("-n")).getMessage().startsWith("option '-n' needs a value"));
        assertTrue(assertThrows(DcmdException.class, () -> parse("-n", "five").intNumber('n', 0)).getMessage()
                .startsWith("-n: not a number: 'five'"));
        assertTrue(assertThrows(DcmdException.class, () -> parse("-n", "0x100000000").intNumber('n', 0)).getMessage()
                .contains("out of range"));
    }

    @Test
    void synopsis() {
        assertEquals("[ADDR]::jsstack [-av] [-n N] [-t TID]", JSSTACK.synopsis());
        assertEquals("ADDR::p [-v]", FakeDcmd.of("p", AddressMode.REQUIRED, (s, c, i) -> { }).synopsis());
        assertEquals("::q", new FakeDcmd("q", AddressMode.NONE, "", List.of(), (s, c, i) -> { }).synopsis());
        assertEquals("usage: ::q", DcmdException.usage(new FakeDcmd("q", AddressMode.NONE, "", List.of(), (s, c, i) -> { })).getMessage());
    }
}
