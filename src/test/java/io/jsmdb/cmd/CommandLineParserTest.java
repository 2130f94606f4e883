package io.jsmdb.cmd;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.*;

class CommandLineParserTest {
    private static ParsedCommand.Pipeline pipeline(String s) throws CommandSyntaxException {
        return assertInstanceOf(ParsedCommand.Pipeline.class, CommandLineParser.parse(s));
    }

    private static ParsedCommand.Stage only(String s) throws CommandSyntaxException {
        ParsedCommand.Pipeline p = pipeline(s);
        assertEquals(1, p.stages().size());
        assertEquals(Optional.empty(), p.shell());
        return p.stages().getFirst();
    }

    private static String error(String s) {
        return assertThrows(CommandSyntaxException.class, () -> CommandLineParser.parse(s)).getMessage();
    }

    @Test
    void plainDcmd() throws Exception {
        assertEquals(new ParsedCommand.Stage(OptionalLong.empty(), "jsstack", List.of()), only("::jsstack"));
        assertEquals(new ParsedCommand.Stage(OptionalLong.empty(), "jsstack", List.of("-v", "-n", "5")),
                only("  ::jsstack   -v\t-n 5  "));
    }

    @Test
    void addresses() throws Exception {
        assertEquals(OptionalLong.of(0x1234abcdL), only("1234abcd::jsprint").address());
        assertEquals(OptionalLong.of(0x1234abcdL), only("0x1234ABCD::jsprint").address());
        assertEquals(OptionalLong.of(0x1234abcdL), only("0X1234abcd::jsprint").address());
        assertEquals(OptionalLong.of(123), only("0t123::jsprint").address());
        assertEquals(OptionalLong.of(0xffffffffffffffffL), only("ffffffffffffffff::jsprint").address());
        assertEquals(OptionalLong.of(0x10), only("10 ::jsprint -a").address(), "mdb allows a blank before ::");
        assertEquals(List.of("-a"), only("10 ::jsprint -a").args());
        assertEquals(OptionalLong.of(0), only("0::jsprint").address());
    }

    @Test
    void badAddresses() {
        assertTrue(error("xyz::jsprint").contains("bad address 'xyz'"));
        assertTrue(error("0x::jsprint").contains("bad address '0x'"));
        assertTrue(error("0t12a::jsprint").contains("bad address '0t12a'"));
        assertTrue(error("10000000000000000::jsprint").contains("bad address"), "more than 64 bits");
        assertTrue(error("-1::jsprint").contains("bad address"));
    }

    @Test
    void quoting() throws Exception {
        assertEquals(List.of("-c", "Foo Bar", "it's", "a\"b", "x y|z!w"),
                only("::findjsobjects -c 'Foo Bar' \"it's\" \"a\\\"b\" \"x y|z!w\"").args());
        assertEquals(List.of("ab c"), only("::x a'b c'").args(), "adjacent quoted parts join");
        assertEquals(List.of("a b", "|", ";"), only("::x a\\ b \\| \\;").args());
        assertEquals(List.of(""), only("::x ''").args(), "an empty quoted word is a word");
        assertEquals(List.of("a\\nb"), only("::x 'a\\nb'").args(), "single quotes are literal");
        assertTrue(error("::x 'abc").contains("unterminated"));
        assertTrue(error("::x \"abc").contains("unterminated"));
    }

    @Test
    void dcmdPipes() throws Exception {
        ParsedCommand.Pipeline p = pipeline("0x10::a -x | ::b 1|::c");
        assertEquals(List.of(
                new ParsedCommand.Stage(OptionalLong.of(16), "a", List.of("-x")),
                new ParsedCommand.Stage(OptionalLong.empty(), "b", List.of("1")),
                new ParsedCommand.Stage(OptionalLong.empty(), "c", List.of())), p.stages());
        assertEquals(Optional.empty(), p.shell());
        assertTrue(error("::a | 10::b").contains("first dcmd"));
        assertTrue(error("::a |").contains("missing dcmd after '|'"));
        assertTrue(error("::a || ::b").contains("missing dcmd after '|'"));
        assertTrue(error("| ::b").contains("missing dcmd before '|'"));
    }

    @Test
    void shellPipes() throws Exception {
        ParsedCommand.Pipeline p = pipeline("::findjsobjects -p 'a|b' | ::jsprint ! sort -k2 | head -3; echo '!'");
        assertEquals(2, p.stages().size());
        assertEquals(List.of("-p", "a|b"), p.stages().getFirst().args());
        assertEquals(Optional.of("sort -k2 | head -3; echo '!'"), p.shell());
        assertEquals(Optional.of("sort"), pipeline("::a!sort").shell());
        assertTrue(error("::a !").contains("missing shell command"));
    }

    @Test
    void shellAloneQuitAndEmpty() throws Exception {
        assertEquals(new ParsedCommand.Shell("echo hi; ls"), CommandLineParser.parse("!echo hi; ls"));
        assertEquals(new ParsedCommand.Shell("echo"), CommandLineParser.parse("  ! echo  "));
        assertEquals(new ParsedCommand.Quit(), CommandLineParser.parse("$q"));
        assertEquals(new ParsedCommand.Quit(), CommandLineParser.parse("  $q "));
        assertEquals(new ParsedCommand.Empty(), CommandLineParser.parse(""));
        assertEquals(new ParsedCommand.Empty(), CommandLineParser.parse("   \t"));
        assertTrue(error("!").contains("missing shell command"));
    }

    @Test
    void notDcmds() {
        assertTrue(error("jsstack").contains("expected '::dcmd'"));
        assertTrue(error("'::jsstack'").contains("expected '::dcmd'"), "quoted :: is not a dcmd");
        assertTrue(error("::").contains("missing dcmd name"));
        assertTrue(error("10::").contains("missing dcmd name"));
        assertTrue(error("::js-stack").contains("bad dcmd name 'js-stack'"));
        assertTrue(error("::a::b").contains("bad dcmd name"));
        assertTrue(error("$q now").contains("expected '::dcmd'"));
    }

    @Test
    void splitOnNewlinesAndSemicolons() {
        assertEquals(List.of("::a", "::b -x", "::c"), CommandLineParser.split("::a; ::b -x\n::c"));
        assertEquals(List.of("::a", "::b"), CommandLineParser.split(";;  ::a ;\n\n ; ::b;"), "blank commands dropped");
        assertEquals(List.of("::a 'x;y' \"p;q\"", "::b"), CommandLineParser.split("::a 'x;y' \"p;q\"; ::b"));
        assertEquals(List.of("::a x\\;y", "::b"), CommandLineParser.split("::a x\\;y;::b"));
        assertEquals(List.of("::a ! sort; uniq -c", "::b"), CommandLineParser.split("::a ! sort; uniq -c\n::b"),
                "after '!' a ';' belongs to the shell, a newline still ends the command");
        assertEquals(List.of("!echo a; echo b"), CommandLineParser.split("!echo a; echo b"));
        assertEquals(List.of("::a '!'", "::b"), CommandLineParser.split("::a '!'; ::b"), "a quoted ! is no shell");
        assertEquals(List.of("::a 'x", "::b"), CommandLineParser.split("::a 'x\n::b"), "a newline ends an open quote");
        assertEquals(List.of("::a", "::b"), CommandLineParser.split("::a\r\n::b\r\n"));
        assertEquals(List.of(), CommandLineParser.split(""));
    }

    @Test
    void numbers() {
        assertEquals(0x10, Numbers.parse("10", 16));
        assertEquals(10, Numbers.parse("10", 10));
        assertEquals(0x10, Numbers.parse("0x10", 10));
        assertEquals(10, Numbers.parse("0t10", 16));
        assertEquals(8, Numbers.parse("0o10", 16));
        assertEquals(2, Numbers.parse("0i10", 16));
        assertEquals(0, Numbers.parse("0", 16));
        assertEquals(0xff, Numbers.parse("0ff", 16), "a leading 0 is not a prefix");
        assertThrows(NumberFormatException.class, () -> Numbers.parse("", 16));
        assertThrows(NumberFormatException.class, () -> Numbers.parse("+5", 10));
        assertThrows(NumberFormatException.class, () -> Numbers.parse("12z", 10));
        assertTrue(assertThrows(NumberFormatException.class, () -> Numbers.parse("99999999999999999999", 10))
                .getMessage().contains("too large"));
    }

    @Test
    void dcmdNames() {
        assertTrue(CommandLineParser.isDcmdName("jsstack"));
        assertTrue(CommandLineParser.isDcmdName("v8_print2"));
        assertFalse(CommandLineParser.isDcmdName("2x"));
        assertFalse(CommandLineParser.isDcmdName(""));
        assertFalse(CommandLineParser.isDcmdName("a-b"));
    }
}
