package io.quantizer.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Service-issued tokens: 256 random bits behind a recognisable prefix, and the hash they are stored as. */
final class ApiKeyTokens {

    /** Marks a token as one of ours (secret scanners and the authentication both key on it). */
    static final String PREFIX = "qz_";
    /** How much of a token the listing shows: the prefix and 6 random characters, not enough to use it. */
    static final int SHOWN_PREFIX_LENGTH = PREFIX.length() + 6;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeyTokens() {
    }

    static String generate() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** SHA-256, hex: a 256-bit random secret needs no salt or slow hash to resist guessing from its hash. */
    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
