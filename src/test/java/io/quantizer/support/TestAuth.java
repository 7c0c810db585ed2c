package io.quantizer.support;

/**
 * The bearer token test contexts run with: {@link TempDataDirInitializer} configures it as the bootstrap admin key
 * ({@code quantizer.security.admin-key}), so test clients authenticate like any admin client would.
 */
public final class TestAuth {

    public static final String ADMIN_KEY = "test-bootstrap-admin-key-0123456789";
    public static final String AUTHORIZATION = "Authorization";

    private TestAuth() {
    }

    /** The Authorization header value for {@code token}. */
    public static String bearer(String token) {
        return "Bearer " + token;
    }

    /** The Authorization header value for the admin key. */
    public static String admin() {
        return bearer(ADMIN_KEY);
    }
}
