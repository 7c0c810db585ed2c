package io.quantizer.job.page;

import java.util.Locale;
import java.util.regex.Pattern;

/** How figures and names read on the page. The template escapes; this only bounds and formats. */
final class Text {

    /**
     * Controls but the line break, and bidirectional overrides, which could hide or reorder what a hostile name
     * shows.
     */
    private static final Pattern UNPRINTABLE = Pattern.compile("[[\\p{Cc}&&[^\\n]]\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]");
    static final String NONE = "–";

    private Text() {
    }

    /** The text with unprintables shown as U+FFFD. */
    static String printable(String text) {
        return UNPRINTABLE.matcher(text).replaceAll("\uFFFD");
    }

    /** At most {@code max} characters of a name (a model's names may be 64 KB), unprintables shown as U+FFFD. */
    static String shorten(String name, int max) {
        if (name == null) {
            return NONE;
        }
        String printable = printable(name);
        if (printable.codePointCount(0, printable.length()) <= max) {
            return printable;
        }
        return printable.substring(0, printable.offsetByCodePoints(0, max - 1)) + "…";
    }

    static String percent(Double share) {
        return share == null ? NONE : String.format(Locale.ROOT, "%.2f %%", 100 * share);
    }

    /** A difference of two shares in percentage points, signed. */
    static String points(Double share) {
        // + 0.0 turns a negated zero drop into 0, so no change reads "+0.00 pt", not "-0.00 pt"
        return share == null ? NONE : String.format(Locale.ROOT, "%+.2f pt", 100 * share + 0.0);
    }

    static String number(Double value, int decimals) {
        if (value == null) {
            return NONE;
        }
        if (value.isNaN() || value.isInfinite()) {
            return value.toString();
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** Four significant digits, for values whose scale varies (errors, sensitivities). */
    static String significant(Double value) {
        return value == null ? NONE : String.format(Locale.ROOT, "%.4g", value);
    }

    static String millis(Double ms) {
        return ms == null ? NONE : String.format(Locale.ROOT, ms < 1 ? "%.3f ms" : "%.2f ms", ms);
    }

    static String times(Double ratio) {
        return ratio == null ? NONE : String.format(Locale.ROOT, "%.2f×", ratio);
    }

    static String decibels(Double db) {
        return db == null ? "∞ (identical)" : String.format(Locale.ROOT, "%.1f dB", db);
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** "and 12 more" under a list cut to {@code shown} of {@code total}; empty when nothing was cut. */
    static String more(int total, int shown, String what) {
        return total > shown ? String.format(Locale.ROOT, "…and %d more %s (%d in all; the JSON report has every one).",
                total - shown, what, total) : "";
    }
}
