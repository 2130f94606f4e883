package io.jsmdb.cmd;

/** Text from a core is untrusted: these helpers make it safe to put on a terminal. */
public final class Strings {
    private Strings() {}

    /**
     * Escapes control characters (C0, DEL, C1), backslashes and lone surrogates, so that
     * text read from a core can never move the cursor, change colours or ring the bell.
     */
    public static String escape(CharSequence s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = null;
            if (c == '\\') rep = "\\\\";
            else if (c == '\n') rep = "\\n";
            else if (c == '\t') rep = "\\t";
            else if (c == '\r') rep = "\\r";
            else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) rep = String.format("\\x%02x", (int) c);
            else if (Character.isHighSurrogate(c) && (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1)))) {
                rep = String.format("\\u%04x", (int) c);
            } else if (Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)))) {
                rep = String.format("\\u%04x", (int) c);
            }
            if (rep != null && sb == null) sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            if (sb != null) {
                if (rep != null) sb.append(rep);
                else sb.append(c);
            }
        }
        return sb == null ? s.toString() : sb.toString();
    }
}
