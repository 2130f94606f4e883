package io.jsmdb.cmd;

/**
 * Numbers as mdb writes them: {@code 0x} hex, {@code 0t} decimal, {@code 0o} octal, {@code 0i}
 * binary, otherwise the default radix. Unsigned 64-bit.
 */
public final class Numbers {
    private Numbers() {}

    /** Parses s; throws NumberFormatException with a short message when it is not a number. */
    public static long parse(String s, int defaultRadix) {
        String t = s.strip();
        int radix = defaultRadix;
        if (t.length() > 2 && t.charAt(0) == '0') {
            switch (Character.toLowerCase(t.charAt(1))) {
                case 'x' -> radix = 16;
                case 't' -> radix = 10;
                case 'o' -> radix = 8;
                case 'i' -> radix = 2;
                default -> radix = -1;
            }
            if (radix != -1) {
                t = t.substring(2);
            } else {
                radix = defaultRadix;
            }
        }
        if (t.isEmpty() || t.charAt(0) == '+' || t.charAt(0) == '-') {
            throw new NumberFormatException("not a number: '" + s + "'");
        }
        try {
            return Long.parseUnsignedLong(t, radix);
        } catch (NumberFormatException e) {
            throw new NumberFormatException((isDigits(t, radix) ? "number too large: '" : "not a number: '") + s + "'");
        }
    }

    private static boolean isDigits(String t, int radix) {
        for (int i = 0; i < t.length(); i++) {
            if (Character.digit(t.charAt(i), radix) < 0) {
                return false;
            }
        }
        return true;
    }

    /** a + b, or Integer.MAX_VALUE when it would overflow: a count option's "as many as there are". */
    static int saturatedAdd(int a, int b) {
        long r = (long) a + b;
        return r > Integer.MAX_VALUE ? Integer.MAX_VALUE : r < Integer.MIN_VALUE ? Integer.MIN_VALUE : (int) r;
    }
}
