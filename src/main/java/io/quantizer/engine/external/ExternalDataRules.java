package io.quantizer.engine.external;

import java.util.regex.Pattern;

/**
 * What an external-data reference ({@code location}, {@code offset}, {@code length} in a TensorProto) must be to
 * be followed. A location is a plain file name in the model's own directory: letters, digits, {@code . _ -}, not
 * starting with a dot, not ending in {@code .onnx}, at most {@value #MAX_LOCATION_LENGTH} characters. So absolute paths, {@code ..},
 * subdirectories, backslashes, drive letters, control or exotic characters are all refused before any path is
 * built from one. The referenced bytes must lie inside the file and be exactly what the tensor's shape needs.
 * Each method returns why a reference is refused, or null when it is fine.
 */
public final class ExternalDataRules {

    public static final int MAX_LOCATION_LENGTH = 255;
    /** Bytes per element by ONNX data type code; 0 where there is no fixed byte width. */
    private static final int[] WIDTHS = {0, 4, 1, 1, 2, 2, 4, 8, 0, 1, 2, 8, 4, 8, 8, 16, 2, 1, 1, 1, 1, 0, 0};
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

    private ExternalDataRules() {
    }

    /** Why {@code location} may not be followed, or null when it names a file beside the model. */
    public static String locationProblem(String location) {
        if (location == null || location.isEmpty()) {
            return "it has no location";
        }
        if (location.length() > MAX_LOCATION_LENGTH) {
            return "its location is longer than " + MAX_LOCATION_LENGTH + " characters";
        }
        if (location.startsWith("/") || location.startsWith("\\") || location.matches("^[A-Za-z]:.*")) {
            return "its location '" + printable(location) + "' is an absolute path";
        }
        if (location.contains("/") || location.contains("\\")) {
            return "its location '" + printable(location) + "' points into another directory (only a plain file "
                    + "name beside the model is accepted)";
        }
        if (!FILE_NAME.matcher(location).matches()) {
            return "its location '" + printable(location) + "' is not a plain file name (letters, digits, '.', "
                    + "'_' and '-', not starting with a dot)";
        }
        if (location.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) {
            return "its location '" + printable(location) + "' names an .onnx file; external data files carry "
                    + "another name, so they never take the model's place";
        }
        return null;
    }

    /**
     * Why the tensor's bytes cannot be read from the file, or null.
     *
     * @param offset        the declared offset (0 when absent)
     * @param length        the declared length, or -1 when absent (then the shape decides it)
     * @param expectedBytes the bytes the tensor's shape and type need, or -1 when the type has no fixed width
     * @param fileSize      the size of the referenced file
     */
    public static String boundsProblem(long offset, long length, long expectedBytes, long fileSize) {
        if (offset < 0 || length < -1) {
            return "it declares a negative offset or length";
        }
        if (length >= 0 && expectedBytes >= 0 && length != expectedBytes) {
            return "it declares " + length + " bytes but its shape needs " + expectedBytes;
        }
        long bytes = length >= 0 ? length : expectedBytes;
        if (bytes < 0) {
            return "it declares no length and its type has no fixed width";
        }
        if (offset > fileSize || bytes > fileSize - offset) {
            return "its bytes " + offset + ".." + (offset + bytes) + " lie outside the file (" + fileSize
                    + " bytes)";
        }
        return null;
    }

    /** The number of bytes the reference covers: the declared length, or the shape's when none is declared. */
    public static long byteLength(long length, long expectedBytes) {
        return length >= 0 ? length : expectedBytes;
    }

    /**
     * The bytes a tensor of ONNX element type {@code dataType} with {@code elementCount} elements takes, or -1 when
     * the type has no fixed byte width (strings, 4-bit types, unknown codes).
     */
    public static long expectedBytes(int dataType, long elementCount) {
        int width = dataType >= 0 && dataType < WIDTHS.length ? WIDTHS[dataType] : 0;
        if (width == 0 || elementCount < 0) {
            return -1;
        }
        try {
            return Math.multiplyExact(elementCount, width);
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(s.length(), 80); i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return s.length() > 80 ? out + "..." : out.toString();
    }
}
