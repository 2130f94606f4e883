package io.jsmdb.cli;

import io.jsmdb.cmd.AddressMode;
import io.jsmdb.cmd.DcmdRegistry;
import io.jsmdb.cmd.FakeDcmd;
import org.jline.reader.Candidate;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DcmdCompleterTest {
    // A fake beside the real dcmds: completion takes each dcmd's own option list.
    private final DcmdRegistry registry = DcmdRegistry.standard()
            .register(new FakeDcmd("jsfake", AddressMode.OPTIONAL, "[-av] [-n N]", List.of("-a", "-v", "-n"), (s, c, i) -> { }));
    private final DcmdCompleter completer = new DcmdCompleter(registry);

    private List<String> values(String before, String word) {
        return completer.candidates(before, word).stream().map(Candidate::value).toList();
    }

    @Test
    void dcmdNames() {
        assertTrue(values("", "::js").contains("::jsstack"));
        assertTrue(values("", "::").contains("::help"));
        assertTrue(values("", "0x1234::j").contains("0x1234::jsfake"), "with an address before ::");
        assertTrue(values("::findjsobjects | ", "::").contains("::jsstack"));
        assertTrue(values("", "").contains("::jsstack"), "an empty line offers ::names");
    }

    @Test
    void options() {
        assertEquals(List.of("-a", "-v", "-n"), values("::jsfake ", "-"));
        assertEquals(List.of("-a", "-v", "-n"), values("1234::jsfake -a ", ""));
        assertEquals(List.of("-a", "-v", "-n", "-t", "-A"), values("::jsstack ", "-"));
        assertEquals(List.of(), values("::dcmds ", "-"));
        assertTrue(values("::help ", "js").contains("jsstack"), "::help completes dcmd names");
        assertEquals(List.of(), values("1234", ""), "nothing to offer after a bare address");
    }

    @Test
    void currentCommand() {
        assertEquals(" ::b -", DcmdCompleter.currentCommand("::a | ::b -"));
        assertEquals(" ::c", DcmdCompleter.currentCommand("::a; ::c"));
        assertEquals(" ::a 'x|y'", DcmdCompleter.currentCommand("::z| ::a 'x|y'"));
        assertNull(DcmdCompleter.currentCommand("::a ! sort -"));
    }
}
