package io.quantizer.catalog;

import io.quantizer.system.ApiException;

/** The display name of an upload: the {@code name} part if given, else the file name the client sent. */
public final class UploadNames {

    public static final int MAX_LENGTH = 255;

    private UploadNames() {
    }

    public static String resolve(String requested, String originalFilename, String fallback) {
        if (requested != null && !requested.isBlank()) {
            String name = requested.strip();
            if (name.length() > MAX_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
                throw new ApiException.BadRequest("invalid-name", "Invalid name", "The name must be at most "
                        + MAX_LENGTH + " characters without control characters; got " + name.length()
                        + " characters.");
            }
            return name;
        }
        if (originalFilename != null) {
            // browsers on some systems send a full path; keep the last segment
            String base = originalFilename.substring(Math.max(originalFilename.lastIndexOf('/'),
                    originalFilename.lastIndexOf('\\')) + 1).strip();
            base = base.codePoints().filter(c -> !Character.isISOControl(c))
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
            if (!base.isEmpty()) {
                return base.length() > MAX_LENGTH ? base.substring(0, MAX_LENGTH) : base;
            }
        }
        return fallback;
    }
}
