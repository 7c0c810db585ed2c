package io.quantizer.security;

import java.util.regex.Pattern;

/** Tenant names: what they may look like, and the tenant existing rows and the bootstrap admin belong to. */
public final class Tenants {

    /** Owner of rows stored before tenants existed, and the bootstrap admin key's tenant. */
    public static final String DEFAULT = "default";
    public static final int MAX_LENGTH = 63;
    /** Like a DNS label: lower-case letters, digits and inner hyphens, so a name is safe in URLs, logs and paths. */
    public static final String PATTERN = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$";
    private static final Pattern VALID = Pattern.compile(PATTERN);

    private Tenants() {
    }

    public static boolean isValid(String tenant) {
        return tenant != null && VALID.matcher(tenant).matches();
    }
}
