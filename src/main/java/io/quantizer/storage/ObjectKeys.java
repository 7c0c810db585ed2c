package io.quantizer.storage;

/**
 * The one rule for object keys, shared by every {@link ObjectStore} so both stores accept and refuse the same
 * keys: '/'-separated relative paths of non-empty segments that do not start with a dot (so no {@code .} or
 * {@code ..}, and names starting with a dot stay free for the filesystem store's temp files), no backslashes,
 * no control characters, at most 1024 characters (S3's limit).
 */
public final class ObjectKeys {

    private static final int MAX_LENGTH = 1024;

    private ObjectKeys() {
    }

    /** Returns {@code key} when it is valid; throws {@link IllegalArgumentException} saying why otherwise. */
    public static String requireValid(String key) {
        if (key == null || key.isEmpty()) {
            throw invalid(key, "it is empty");
        }
        if (key.length() > MAX_LENGTH) {
            throw invalid(key, "it is longer than " + MAX_LENGTH + " characters");
        }
        if (key.startsWith("/")) {
            throw invalid(key, "it is absolute");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '\\') {
                throw invalid(key, "it contains a backslash");
            }
            if (Character.isISOControl(c)) {
                throw invalid(key, "it contains a control character");
            }
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()) {
                throw invalid(key, "it has an empty path segment");
            }
            if (segment.startsWith(".")) {
                throw invalid(key, "a path segment starts with a dot");
            }
        }
        return key;
    }

    /** Checks a listing prefix: empty, or something valid keys can start with (e.g. {@code blobs/} or {@code jobs/4}). */
    public static String requireValidPrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "";
        }
        requireValid(prefix + "x");
        return prefix;
    }

    private static IllegalArgumentException invalid(String key, String why) {
        return new IllegalArgumentException("Invalid object key '" + key + "': " + why);
    }
}
