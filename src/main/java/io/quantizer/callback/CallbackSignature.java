package io.quantizer.callback;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a callback is signed. The receiver recomputes
 * {@code HMAC-SHA256(secret, timestamp + "." + body)} over the raw body bytes with the tenant's secret (the
 * UTF-8 bytes of the string {@code POST /api/v1/callback-secret} returned), compares it in constant time with
 * the {@value #SIGNATURE} header (after its {@code sha256=} prefix), and rejects a {@value #TIMESTAMP} (Unix
 * seconds) too far from its own clock, which stops replays of an old delivery.
 */
public final class CallbackSignature {

    public static final String TIMESTAMP = "X-Quantizer-Timestamp";
    public static final String SIGNATURE = "X-Quantizer-Signature";
    /** The delivery id (the job id): the same on every retry, so a receiver can drop duplicates. */
    public static final String DELIVERY = "X-Quantizer-Delivery";
    static final String PREFIX = "sha256=";

    private CallbackSignature() {
    }

    /** The {@value #SIGNATURE} header value for {@code body} sent at {@code timestamp}. */
    public static String sign(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
