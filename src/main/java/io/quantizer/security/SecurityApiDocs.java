package io.quantizer.security;

import java.util.List;
import java.util.Map;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

/**
 * The contract's bearer scheme (so Swagger UI's Authorize button works and generated clients send the token),
 * required on every {@code /api/} operation, with the 401, 403 and 429 every one of them may answer.
 */
@Configuration(proxyBeanMethods = false)
class SecurityApiDocs {

    static final String SCHEME = "bearer";

    @Bean
    OpenApiCustomizer bearerSecurity() {
        return openApi -> {
            if (openApi.getComponents() == null) {
                openApi.setComponents(new Components());
            }
            openApi.getComponents().addSecuritySchemes(SCHEME, new SecurityScheme()
                    .type(SecurityScheme.Type.HTTP).scheme("bearer")
                    .description("An API key (from POST /api/v1/api-keys, or the bootstrap admin key) or, where an "
                            + "OIDC issuer is configured, its access token (JWT)."));
            // an expiry example would be a fixed instant that goes stale; null pre-fills the default lifetime
            Schema<?> request = openApi.getComponents().getSchemas() == null ? null
                    : openApi.getComponents().getSchemas().get("ApiKeyRequest");
            if (request != null && request.getProperties() != null
                    && request.getProperties().get("expiresAt") != null) {
                request.getProperties().get("expiresAt").setExample(null);
            }
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().forEach((path, item) -> {
                if (!path.startsWith("/api/")) {
                    return;
                }
                item.readOperations().forEach(operation -> {
                    operation.setSecurity(List.of(new SecurityRequirement().addList(SCHEME)));
                    operation.getResponses().putIfAbsent("401", problem("No bearer token, or one that is unknown, "
                            + "revoked or expired; WWW-Authenticate says which", 401, null));
                    operation.getResponses().putIfAbsent("403", problem("The token's roles do not allow this "
                            + "request (reads need reader, changes submitter, API keys and audit admin)", 403, null));
                    operation.getResponses().putIfAbsent("429", problem("Over the token's request rate "
                            + "(quantizer.security.rate-limit) or, for uploads and submits, the tenant's quota "
                            + "(quantizer.quotas); Retry-After says when to retry", 429, new Header()
                            .description("seconds to wait before retrying").schema(new IntegerSchema())));
                });
            });
        };
    }

    private static ApiResponse problem(String description, int status, Header retryAfter) {
        ApiResponse response = new ApiResponse().description(description).content(new Content().addMediaType(
                MediaType.APPLICATION_PROBLEM_JSON_VALUE, new io.swagger.v3.oas.models.media.MediaType()
                        .schema(new Schema<>().$ref("#/components/schemas/Problem"))
                        .example(Map.of("status", status, "detail", description))));
        if (retryAfter != null) {
            response.addHeaderObject("Retry-After", retryAfter);
        }
        return response;
    }
}
