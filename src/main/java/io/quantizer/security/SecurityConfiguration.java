package io.quantizer.security;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.web.client.RestTemplate;

/**
 * Every {@code /api/**} request needs {@code Authorization: Bearer <token>}: the bootstrap admin key, an API key
 * the service issued, or (when an issuer is configured) an OIDC JWT. Reads need any role; changes need
 * submitter or admin; API keys and the audit log need admin. Health, metrics, Swagger UI and the contract stay
 * open. A missing or bad token is a 401, a role that is not enough a 403, both as problem+json.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);
    static final String ADMIN_ONLY_KEYS = ApiKeyController.PATH + "/**";
    static final String ADMIN_ONLY_AUDIT = "/api/v1/audit-events/**";

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, SecurityProperties properties, BootstrapAdminKey bootstrap,
                                    ApiKeyService keys) throws Exception {
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .formLogin(form -> form.disable())
                .httpBasic(basic -> basic.disable())
                .logout(logout -> logout.disable());
        if (properties.rateLimit().enabled()) {
            http.addFilterAfter(new RateLimitFilter(properties.rateLimit()), AuthorizationFilter.class);
        }
        if (!properties.enabled()) {
            log.warn("Authentication is OFF (quantizer.security.enabled=false): every request acts as an admin of "
                    + "the '{}' tenant. Never run a shared service like this.", Tenants.DEFAULT);
            Caller everyone = new Caller("unauthenticated", Tenants.DEFAULT, Set.of(Role.ADMIN));
            return http.anonymous(a -> a.principal(everyone).authorities(Role.ADMIN.authority()))
                    .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                    .build();
        }
        BearerTokenAuthenticationEntryPoint challenge = new BearerTokenAuthenticationEntryPoint();
        BearerTokenAccessDeniedHandler denied = new BearerTokenAccessDeniedHandler();
        AuthenticationManager tokens = authenticationManager(properties, bootstrap, keys);
        http.oauth2ResourceServer(rs -> rs
                        .authenticationManagerResolver(request -> tokens)
                        .authenticationEntryPoint((request, response, e) -> {
                            challenge.commence(request, response, e);
                            ProblemResponses.write(request, response, HttpStatus.UNAUTHORIZED, "unauthorized",
                                    "Authentication required", unauthorizedDetail(e));
                        })
                        .accessDeniedHandler((request, response, e) -> {
                            denied.handle(request, response, e);
                            ProblemResponses.write(request, response, HttpStatus.FORBIDDEN, "forbidden",
                                    "Role not allowed", "The token's roles " + roles() + " do not allow "
                                            + request.getMethod() + " " + request.getRequestURI() + ": reading "
                                            + "needs reader, changes need submitter, API keys and the audit log "
                                            + "need admin.");
                        }))
                .exceptionHandling(e -> e.authenticationEntryPoint((request, response, ex) -> {
                    challenge.commence(request, response, ex);
                    ProblemResponses.write(request, response, HttpStatus.UNAUTHORIZED, "unauthorized",
                            "Authentication required", unauthorizedDetail(ex));
                }))
                .authorizeHttpRequests(a -> a
                        .requestMatchers(ADMIN_ONLY_KEYS, ADMIN_ONLY_AUDIT).hasRole(Role.ADMIN.name())
                        .requestMatchers(HttpMethod.GET, "/api/**").hasAnyRole(Role.READER.name(),
                                Role.SUBMITTER.name(), Role.ADMIN.name())
                        .requestMatchers(HttpMethod.HEAD, "/api/**").hasAnyRole(Role.READER.name(),
                                Role.SUBMITTER.name(), Role.ADMIN.name())
                        .requestMatchers("/api/**").hasAnyRole(Role.SUBMITTER.name(), Role.ADMIN.name())
                        // health and metrics (the chart's NetworkPolicy limits who reaches them), Swagger UI and
                        // the contract, and the error page the API's own errors are rendered through
                        .anyRequest().permitAll());
        return http.build();
    }

    /** Bootstrap key, then issued keys (by their qz_ prefix), then JWTs; anything else is an invalid token. */
    private static AuthenticationManager authenticationManager(SecurityProperties properties,
                                                               BootstrapAdminKey bootstrap, ApiKeyService keys) {
        Optional<JwtAuthenticationProvider> jwt = Optional.of(properties.oidc())
                .filter(SecurityProperties.Oidc::enabled).map(SecurityConfiguration::jwtProvider);
        jwt.ifPresentOrElse(p -> log.info("Accepting OIDC JWTs from {}", properties.oidc().issuerUri()),
                () -> log.info("No OIDC issuer configured (quantizer.security.oidc.issuer-uri): API keys only"));
        return authentication -> {
            String token = ((BearerTokenAuthenticationToken) authentication).getToken();
            Optional<Caller> caller = bootstrap.authenticate(token);
            if (caller.isEmpty() && token.startsWith(ApiKeyTokens.PREFIX)) {
                caller = keys.authenticate(token);
                if (caller.isEmpty()) {
                    throw new InvalidBearerTokenException("The API key is unknown, revoked or expired.");
                }
            }
            if (caller.isPresent()) {
                return new CallerAuthentication(caller.get());
            }
            return jwt.orElseThrow(() -> new InvalidBearerTokenException("The bearer token is not an API key this "
                    + "service issued, and no OIDC issuer is configured.")).authenticate(authentication);
        };
    }

    private static JwtAuthenticationProvider jwtProvider(SecurityProperties.Oidc oidc) {
        String issuer = oidc.issuerUri();
        // discovery and JWKS are fetched on first use, so the service starts while the issuer is unreachable
        SupplierJwtDecoder decoder = new SupplierJwtDecoder(() -> {
            // explicit timeouts, so an issuer that hangs costs a request seconds, not a thread forever
            JdkClientHttpRequestFactory http = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build());
            http.setReadTimeout(Duration.ofSeconds(10));
            NimbusJwtDecoder nimbus = NimbusJwtDecoder.withIssuerLocation(issuer)
                    .restOperations(new RestTemplate(http)).build();
            OAuth2TokenValidator<Jwt> validator = JwtValidators.createDefaultWithIssuer(issuer);
            if (oidc.audience() != null && !oidc.audience().isBlank()) {
                validator = new DelegatingOAuth2TokenValidator<>(validator, new JwtClaimValidator<java.util.List<String>>(
                        JwtClaimNames.AUD, aud -> aud != null && aud.contains(oidc.audience())));
            }
            nimbus.setJwtValidator(validator);
            return nimbus;
        });
        JwtAuthenticationProvider provider = new JwtAuthenticationProvider(decoder);
        provider.setJwtAuthenticationConverter(new JwtCallers(oidc));
        return provider;
    }

    private static String unauthorizedDetail(AuthenticationException e) {
        if (e instanceof OAuth2AuthenticationException oauth) {
            String why = oauth.getError().getDescription() != null ? oauth.getError().getDescription() : e.getMessage();
            return "The bearer token was refused: " + why;
        }
        return "Send Authorization: Bearer <token>, with an API key (from POST /api/v1/api-keys or the bootstrap "
                + "admin key) or an OIDC access token.";
    }

    private static String roles() {
        try {
            return Caller.current().roles().stream().map(Role::wireName).sorted().toList().toString();
        } catch (IllegalStateException none) {
            return "[]";
        }
    }
}
