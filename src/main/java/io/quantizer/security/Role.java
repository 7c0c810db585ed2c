package io.quantizer.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a caller may do. {@code reader} reads its tenant's models, data sets and jobs; {@code submitter} also
 * uploads, submits, cancels and deletes in its tenant; {@code admin} sees and manages every tenant, the API keys
 * and the audit log.
 */
public enum Role {
    READER, SUBMITTER, ADMIN;

    /** The name clients send and see: {@code reader}, {@code submitter}, {@code admin}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The Spring Security authority that URL rules check. */
    public String authority() {
        return "ROLE_" + name();
    }

    public static Optional<Role> fromWireName(String name) {
        return Arrays.stream(values()).filter(r -> r.wireName().equals(name)).findFirst();
    }
}
