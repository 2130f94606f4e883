package io.jsmdb.cmd;

/** Text from a core is untrusted: these helpers make it safe to put on a terminal. */
public final class Strings {
    private Strings() {}

    /**
     * Escapes control characters (C0, DEL, C1), backslashes, lone surrogates, and the invisible
     * characters that change how the rest of a line reads: Unicode format characters (general
     * category Cf: the bidi overrides and isolates U+202A-202E and U+2066-2069, the marks
     * U+200E/U+200F/U+061C, zero-width characters, U+FEFF, tag characters) and the line and
     * paragraph separators U+2028/U+2029 (but not the joiners U+200C/U+200D). So text read from a core can never move the cursor,
     * change colours, ring the bell, or make a path read backwards ("Trojan Source").
     */
    public static String escape(CharSequence s) {
        return escape(s, false);
    }

    /**
     * The last line of defence, applied to everything jsmdb writes to stdout and to its own
     * error and warning lines: as {@link #escape} but keeping newlines and tabs (the layout of
     * the output) and backslashes. It is idempotent, so text a dcmd already escaped is left as
     * it is, and text it forgot to escape still cannot reach the terminal raw.
     */
    public static String safe(CharSequence s) {
        return escape(s, true);
    }

    private static String escape(CharSequence s, boolean layout) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = null;
            int width = 1;
            if (layout && (c == '\n' || c == '\t' || c == '\\')) rep = null;
            else if (c == '\\') rep = "\\\\";
            else if (c == '\n') rep = "\\n";
            else if (c == '\t') rep = "\\t";
            else if (c == '\r') rep = "\\r";
            else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) rep = String.format("\\x%02x", (int) c);
            else if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    rep = String.format("\\u%04x", (int) c);
                } else {
                    int cp = Character.toCodePoint(c, s.charAt(i + 1));
                    width = 2;
                    if (invisible(cp)) rep = String.format("\\u{%x}", cp);
                }
            } else if (Character.isLowSurrogate(c)) {
                rep = String.format("\\u%04x", (int) c); // its high half would have taken it
            } else if (invisible(c)) {
                rep = String.format("\\u%04x", (int) c);
            }
            if (rep != null && sb == null) sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            if (sb != null) {
                if (rep != null) sb.append(rep);
                else sb.append(s, i, i + width);
            }
            i += width - 1;
        }
        return sb == null ? s.toString() : sb.toString();
    }

    /**
     * A format character (Cf) or a line/paragraph separator: shown escaped, never as itself.
     * The zero-width joiner and non-joiner stay: they join emoji sequences and shape Persian
     * and Indic words, and they reorder nothing.
     */
    private static boolean invisible(int cp) {
        if (cp == 0x200c || cp == 0x200d) return false;
        int type = Character.getType(cp);
        return type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }
}
