package io.quantizer.security;

import java.util.Set;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Who is calling: a principal (an API key's id, a JWT's issuer and subject), the tenant it acts in and its
 * roles. Services read it with {@link #current()} to scope what they find to the caller's tenant.
 *
 * @param principal stable name of the token's owner, for the audit log and the rate limit
 */
public record Caller(String principal, String tenant, Set<Role> roles) {

    public Caller {
        roles = Set.copyOf(roles);
    }

    public boolean isAdmin() {
        return roles.contains(Role.ADMIN);
    }

    /** Whether this caller may see something owned by {@code ownerTenant}: its own tenant's, or any if admin. */
    public boolean canSee(String ownerTenant) {
        return isAdmin() || tenant.equals(ownerTenant);
    }

    /** The tenant to filter listings by; null for admins, who see every tenant. */
    public String tenantFilter() {
        return isAdmin() ? null : tenant;
    }

    /**
     * The authenticated caller of the current request. Only request threads have one; code that runs jobs or
     * housekeeping never asks.
     */
    public static Caller current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof Caller caller) {
            return caller;
        }
        throw new IllegalStateException("no authenticated caller on this thread");
    }
}
