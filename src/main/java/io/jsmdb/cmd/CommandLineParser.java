package io.jsmdb.cmd;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The mdb command language, the part jsmdb speaks:
 * <pre>
 *   ::dcmd args                 ADDR::dcmd args      ADDR ::dcmd args
 *   ::a args | ::b | ::c        (dcmd pipe: ::b runs once per address ::a emits)
 *   ::a args ! sort -k2         (shell pipe: the text output goes to sh -c 'sort -k2')
 *   !command                    $q
 * </pre>
 * ADDR is hex with or without {@code 0x}, or {@code 0t} decimal. Words are separated by
 * blanks; {@code '...'} quotes literally, {@code "..."} quotes with {@code \"} and {@code \\}
 * escapes, and a backslash outside quotes takes the next character literally. Commands are
 * separated by newlines and by {@code ;} outside quotes and before any unquoted {@code !}.
 */
public final class CommandLineParser {
    private CommandLineParser() {}

    /**
     * Splits text into commands at newlines and at each {@code ;} that is not quoted, escaped or
     * after an unquoted {@code !}. Blank commands are dropped; each command is stripped.
     */
    public static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean single = false, dbl = false, shell = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                add(out, cur);
                single = dbl = shell = false;
                continue;
            }
            if (shell) {
                cur.append(c);
            } else if (single) {
                cur.append(c);
                single = c != '\'';
            } else if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) != '\n' && text.charAt(i + 1) != '\r') {
                cur.append(c).append(text.charAt(++i));
            } else if (dbl) {
                cur.append(c);
                dbl = c != '"';
            } else if (c == ';') {
                add(out, cur);
            } else {
                cur.append(c);
                switch (c) {
                    case '\'' -> single = true;
                    case '"' -> dbl = true;
                    case '!' -> shell = true;
                    default -> { }
                }
            }
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String s = cur.toString().strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
        cur.setLength(0);
    }

    /** Parses one command (no {@code ;} or newline splitting: see {@link #split}). */
    public static ParsedCommand parse(String command) throws CommandSyntaxException {
        List<List<Word>> stages = new ArrayList<>();
        String shell = tokenize(command, stages);
        boolean noWords = stages.size() == 1 && stages.getFirst().isEmpty();
        if (noWords) {
            if (shell == null) {
                return new ParsedCommand.Empty();
            }
            if (shell.isEmpty()) {
                throw new CommandSyntaxException("missing shell command after '!'");
            }
            return new ParsedCommand.Shell(shell);
        }
        if (shell != null && shell.isEmpty()) {
            throw new CommandSyntaxException("missing shell command after '!'");
        }
        List<Word> first = stages.getFirst();
        if (stages.size() == 1 && shell == null && first.size() == 1 && !first.getFirst().quoted
                && first.getFirst().text.equals("$q")) {
            return new ParsedCommand.Quit();
        }
        List<ParsedCommand.Stage> parsed = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            List<Word> words = stages.get(i);
            if (words.isEmpty()) {
                throw new CommandSyntaxException(i == 0 ? "missing dcmd before '|'" : "missing dcmd after '|'");
            }
            ParsedCommand.Stage stage = stage(words);
            if (i > 0 && stage.address().isPresent()) {
                throw new CommandSyntaxException("an address may only come before the first dcmd of a pipe");
            }
            parsed.add(stage);
        }
        return new ParsedCommand.Pipeline(parsed, Optional.ofNullable(shell));
    }

    private static ParsedCommand.Stage stage(List<Word> words) throws CommandSyntaxException {
        Word w0 = words.getFirst();
        int argStart = 1;
        String addrText;
        String name;
        int idx = w0.quoted ? -1 : w0.text.indexOf("::");
        if (idx >= 0) {
            addrText = w0.text.substring(0, idx);
            name = w0.text.substring(idx + 2);
        } else if (words.size() > 1 && !w0.quoted && !words.get(1).quoted && words.get(1).text.startsWith("::")) {
            addrText = w0.text;
            name = words.get(1).text.substring(2);
            argStart = 2;
        } else {
            throw new CommandSyntaxException("expected '::dcmd', '!command' or '$q', not '" + w0.text + "'");
        }
        if (name.isEmpty()) {
            throw new CommandSyntaxException("missing dcmd name after '::'");
        }
        if (!isDcmdName(name)) {
            throw new CommandSyntaxException("bad dcmd name '" + name + "'");
        }
        OptionalLong address = addrText.isEmpty() ? OptionalLong.empty() : OptionalLong.of(parseAddress(addrText));
        List<String> args = new ArrayList<>();
        for (int i = argStart; i < words.size(); i++) {
            args.add(words.get(i).text);
        }
        return new ParsedCommand.Stage(address, name, args);
    }

    /** An address before {@code ::}: hex with or without 0x, or 0t decimal (0o octal, 0i binary). */
    public static long parseAddress(String text) throws CommandSyntaxException {
        try {
            return Numbers.parse(text, 16);
        } catch (NumberFormatException e) {
            throw new CommandSyntaxException("bad address '" + text + "' (want hex, 0x hex or 0t decimal)");
        }
    }

    /** Letters, digits and '_', not starting with a digit. */
    public static boolean isDcmdName(String name) {
        if (name == null || name.isEmpty() || Character.isDigit(name.charAt(0))) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    private record Word(String text, boolean quoted) {}

    /** Fills stages with the words between unquoted '|'; returns the text after the first unquoted '!', or null. */
    private static String tokenize(String s, List<List<Word>> stages) throws CommandSyntaxException {
        List<Word> words = new ArrayList<>();
        stages.add(words);
        StringBuilder cur = new StringBuilder();
        boolean inWord = false, quoted = false;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case ' ', '\t', '\n', '\r', '\f' -> {
                    if (inWord) {
                        words.add(new Word(cur.toString(), quoted));
                        cur.setLength(0);
                        inWord = quoted = false;
                    }
                }
                case '\'' -> {
                    int end = s.indexOf('\'', i + 1);
                    if (end < 0) {
                        throw new CommandSyntaxException("unterminated ' quote");
                    }
                    cur.append(s, i + 1, end);
                    inWord = quoted = true;
                    i = end;
                }
                case '"' -> {
                    int j = i + 1;
                    for (; j < n && s.charAt(j) != '"'; j++) {
                        char d = s.charAt(j);
                        if (d == '\\' && j + 1 < n && (s.charAt(j + 1) == '"' || s.charAt(j + 1) == '\\')) {
                            d = s.charAt(++j);
                        }
                        cur.append(d);
                    }
                    if (j >= n) {
                        throw new CommandSyntaxException("unterminated \" quote");
                    }
                    inWord = quoted = true;
                    i = j;
                }
                case '\\' -> {
                    cur.append(i + 1 < n ? s.charAt(++i) : '\\');
                    inWord = true;
                }
                case '|', '!' -> {
                    if (inWord) {
                        words.add(new Word(cur.toString(), quoted));
                        cur.setLength(0);
                        inWord = quoted = false;
                    }
                    if (c == '!') {
                        return s.substring(i + 1).strip();
                    }
                    words = new ArrayList<>();
                    stages.add(words);
                }
                default -> {
                    cur.append(c);
                    inWord = true;
                }
            }
        }
        if (inWord) {
            words.add(new Word(cur.toString(), quoted));
        }
        return null;
    }
}
