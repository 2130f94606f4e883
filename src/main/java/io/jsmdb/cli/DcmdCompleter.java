package io.jsmdb.cli;

import io.jsmdb.cmd.Dcmd;
import io.jsmdb.cmd.DcmdRegistry;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

import java.util.List;

/**
 * Tab completion: dcmd names after {@code ::} (with or without an address before it), the
 * dcmd's options after it, and dcmd names as the argument of {@code ::help}.
 */
final class DcmdCompleter implements Completer {
    private final DcmdRegistry registry;

    DcmdCompleter(DcmdRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        String word = line.word().substring(0, Math.min(line.wordCursor(), line.word().length()));
        String before = currentCommand(line.line().substring(0, line.cursor()));
        if (before == null) {
            return; // in a shell command
        }
        before = before.substring(0, Math.max(0, before.length() - word.length()));
        candidates.addAll(candidates(before, word));
    }

    /**
     * Candidates for the word being typed, given the text of the current pipe stage before it.
     * Package-private for tests.
     */
    List<Candidate> candidates(String before, String word) {
        int colons = word.indexOf("::");
        if (colons >= 0) {
            String prefix = word.substring(0, colons + 2);
            return registry.all().stream()
                    .map(d -> new Candidate(prefix + d.name(), d.name(), null, d.summary(), null, null, true))
                    .toList();
        }
        Dcmd dcmd = dcmdOf(before);
        if (dcmd == null) {
            if (before.isBlank() && word.isEmpty()) {
                return registry.all().stream()
                        .map(d -> new Candidate("::" + d.name(), d.name(), null, d.summary(), null, null, true))
                        .toList();
            }
            return List.of();
        }
        if (dcmd.name().equals("help") && !word.startsWith("-")) {
            return registry.names().stream().map(n -> new Candidate(n, n, null, null, null, null, true)).toList();
        }
        return dcmd.options().stream().map(o -> new Candidate(o, o, null, null, null, null, true)).toList();
    }

    /** The dcmd named by the first "::name" in text, or null. */
    private Dcmd dcmdOf(String text) {
        int at = text.indexOf("::");
        if (at < 0) {
            return null;
        }
        int end = at + 2;
        while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
            end++;
        }
        if (end == text.length()) {
            return null; // still typing the name
        }
        return registry.lookup(text.substring(at + 2, end)).orElse(null);
    }

    /** The text after the last unquoted '|' or ';'; null when after an unquoted '!' (shell). */
    static String currentCommand(String s) {
        int start = 0;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '|' || c == ';') {
                start = i + 1;
            } else if (c == '!') {
                return null;
            }
        }
        return s.substring(start);
    }
}
