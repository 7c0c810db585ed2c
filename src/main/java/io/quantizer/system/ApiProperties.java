package io.quantizer.system;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code quantizer.api.*}: limits on what the API reads into memory.
 *
 * @param maxJsonSize the largest JSON request body, and the most the text parts of a multipart upload
 *                    ({@code name}, {@code recipe}) may hold together; larger ones get 413. Files are not
 *                    affected: they stream to disk under {@code quantizer.upload.max-size}.
 */
@ConfigurationProperties("quantizer.api")
public record ApiProperties(@DefaultValue("64KB") DataSize maxJsonSize) {

    /** The limit in bytes, at most what an int can index. */
    public int maxJsonBytes() {
        return Math.toIntExact(Math.min(maxJsonSize.toBytes(), Integer.MAX_VALUE - 1));
    }

    /** The 413 for a body or text part over the limit; {@code subject} ("the body is") says which. */
    ApiException.PayloadTooLarge tooLarge(String subject) {
        return new ApiException.PayloadTooLarge(subject + " over the limit of " + maxJsonBytes() + " bytes for JSON "
                + "bodies and multipart text parts (quantizer.api.max-json-size). Send a smaller one; files belong "
                + "in multipart file parts, which this limit does not cover.");
    }
}
