package io.quantizer.security;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/**
 * Reads the caller from a validated OIDC JWT: the tenant from {@code quantizer.security.oidc.tenant-claim}, the
 * roles from {@code roles-claim} (an array, or a space- or comma-separated string; unknown roles are ignored).
 * A token without a valid tenant is refused (401): it could otherwise act in no tenant or in someone else's.
 */
final class JwtCallers implements Converter<Jwt, AbstractAuthenticationToken> {

    private final String tenantClaim;
    private final String rolesClaim;

    JwtCallers(SecurityProperties.Oidc oidc) {
        this.tenantClaim = oidc.tenantClaim();
        this.rolesClaim = oidc.rolesClaim();
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        Object tenant = jwt.getClaims().get(tenantClaim);
        if (!(tenant instanceof String name) || !Tenants.isValid(name)) {
            throw new InvalidBearerTokenException("The token's '" + tenantClaim + "' claim must name a tenant "
                    + "(lower-case letters, digits and inner hyphens).");
        }
        String issuer = jwt.getIssuer() == null ? "" : jwt.getIssuer().toString();
        return new CallerAuthentication(new Caller("jwt:" + issuer + "#" + jwt.getSubject(), name,
                roles(jwt.getClaims().get(rolesClaim))));
    }

    private static Set<Role> roles(Object claim) {
        Collection<?> names = claim instanceof Collection<?> list ? list
                : claim instanceof String text ? List.of(text.split("[\\s,]+")) : List.of();
        Set<Role> roles = EnumSet.noneOf(Role.class);
        names.forEach(n -> Role.fromWireName(String.valueOf(n)).ifPresent(roles::add));
        return roles;
    }
}
