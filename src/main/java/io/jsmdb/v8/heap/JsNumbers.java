package io.jsmdb.v8.heap;

import java.math.BigDecimal;

/** JavaScript's Number::toString(10), plus "-0" for negative zero (a debugger must show it). */
public final class JsNumbers {
    private JsNumbers() {}

    public static String format(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        if (d == 0) return (Double.doubleToRawLongBits(d) < 0) ? "-0" : "0";
        String sign = d < 0 ? "-" : "";
        // Java's Double.toString gives the shortest digits that round-trip (JDK 19+), as JS does.
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int k = digits.length();
        int n = k - bd.scale(); // value = 0.digits * 10^n
        StringBuilder sb = new StringBuilder(sign);
        if (k <= n && n <= 21) {
            sb.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            sb.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            sb.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            int e = n - 1;
            sb.append(digits.charAt(0));
            if (k > 1) sb.append('.').append(digits, 1, k);
            sb.append('e').append(e >= 0 ? "+" : "-").append(Math.abs(e));
        }
        return sb.toString();
    }

    /** A time value (ms since the epoch) as Date.prototype.toISOString prints it, or "Invalid Date". */
    public static String isoDate(double ms) {
        if (Double.isNaN(ms) || Double.isInfinite(ms) || Math.abs(ms) > 8.64e15) return "Invalid Date";
        java.time.Instant t = java.time.Instant.ofEpochMilli((long) ms);
        java.time.ZonedDateTime z = t.atZone(java.time.ZoneOffset.UTC);
        int y = z.getYear();
        String year = (y >= 0 && y <= 9999) ? String.format("%04d", y) : (y < 0 ? "-" : "+") + String.format("%06d", Math.abs(y));
        return String.format(java.util.Locale.ROOT, "%s-%02d-%02dT%02d:%02d:%02d.%03dZ", year, z.getMonthValue(), z.getDayOfMonth(),
                z.getHour(), z.getMinute(), z.getSecond(), z.getNano() / 1_000_000);
    }
}
