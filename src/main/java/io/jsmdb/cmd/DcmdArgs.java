package io.jsmdb.cmd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * mdb-style option parsing for a dcmd, getopt-like. The spec lists option letters; a letter
 * followed by ':' takes a value. {@code DcmdArgs.parse(this, inv.args(), "avn:t:")} accepts
 * {@code -a -v}, {@code -av}, {@code -n 5}, {@code -n5}, {@code -avn5}, positional words anywhere,
 * and {@code --} to end options. Numbers accept {@code 0x} hex and {@code 0t} decimal; plain
 * digits are decimal. Any mistake is a {@link DcmdException#usage} naming the dcmd's usage.
 */
public final class DcmdArgs {
    private final Dcmd dcmd;
    private final Map<Character, List<String>> values = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    private DcmdArgs(Dcmd dcmd) {
        this.dcmd = dcmd;
    }

    public static DcmdArgs parse(Dcmd dcmd, List<String> args, String spec) throws DcmdException {
        DcmdArgs a = new DcmdArgs(dcmd);
        boolean optionsDone = false;
        for (int i = 0; i < args.size(); i++) {
            String w = args.get(i);
            if (optionsDone || w.length() < 2 || w.charAt(0) != '-') {
                a.positional.add(w);
                continue;
            }
            if (w.equals("--")) {
                optionsDone = true;
                continue;
            }
            for (int j = 1; j < w.length(); j++) {
                char c = w.charAt(j);
                int at = spec.indexOf(c);
                if (c == ':' || at < 0) {
                    throw DcmdException.usage(dcmd, "unknown option '-" + c + "'");
                }
                List<String> vs = a.values.computeIfAbsent(c, k -> new ArrayList<>());
                if (at + 1 < spec.length() && spec.charAt(at + 1) == ':') {
                    String v;
                    if (j + 1 < w.length()) {
                        v = w.substring(j + 1);
                    } else if (i + 1 < args.size()) {
                        v = args.get(++i);
                    } else {
                        throw DcmdException.usage(dcmd, "option '-" + c + "' needs a value");
                    }
                    vs.add(v);
                    break;
                }
                vs.add("");
            }
        }
        return a;
    }

    /** True when the flag was given (at least once). */
    public boolean flag(char option) {
        return values.containsKey(option);
    }

    /** How many times the option was given ({@code -vv} is 2). */
    public int count(char option) {
        List<String> vs = values.get(option);
        return vs == null ? 0 : vs.size();
    }

    /** The value of the last {@code -c VALUE}. */
    public Optional<String> value(char option) {
        List<String> vs = values.get(option);
        return vs == null ? Optional.empty() : Optional.of(vs.getLast());
    }

    /** Every value of a repeatable option, in order. */
    public List<String> values(char option) {
        List<String> vs = values.get(option);
        return vs == null ? List.of() : List.copyOf(vs);
    }

    /** The last value of option as a number, or dflt when absent. */
    public long number(char option, long dflt) throws DcmdException {
        Optional<String> v = value(option);
        return v.isEmpty() ? dflt : parseNumber(dcmd, "-" + option, v.get());
    }

    /** The last value of option as a non-negative int, or dflt when absent. */
    public int intNumber(char option, int dflt) throws DcmdException {
        long v = number(option, dflt);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw DcmdException.usage(dcmd, "option '-" + option + "': number out of range");
        }
        return (int) v;
    }

    /** Words that are not options, in order. */
    public List<String> positional() {
        return List.copyOf(positional);
    }

    /** Fails unless there are between min and max positional words. */
    public DcmdArgs expectPositional(int min, int max) throws DcmdException {
        if (positional.size() < min) {
            throw DcmdException.usage(dcmd, "missing argument");
        }
        if (positional.size() > max) {
            throw DcmdException.usage(dcmd, "unexpected argument '" + positional.get(max) + "'");
        }
        return this;
    }

    /** A number word (decimal, 0x hex, 0t decimal); what names it in the error message. */
    public static long parseNumber(Dcmd dcmd, String what, String text) throws DcmdException {
        try {
            return Numbers.parse(text, 10);
        } catch (NumberFormatException e) {
            throw DcmdException.usage(dcmd, what + ": " + e.getMessage());
        }
    }
}
