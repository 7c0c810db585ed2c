package io.quantizer.audit;

import java.time.Instant;
import java.util.UUID;

import io.swagger.v3.oas.annotations.media.Schema;

/** A recorded change as admins read it. */
@Schema(name = "AuditEvent")
public record AuditEvent(
        UUID id,
        Instant occurredAt,
        @Schema(description = "who: api-key:<id>, jwt:<issuer>#<subject>, or bootstrap-admin") String actor,
        @Schema(description = "the tenant the actor acted in") String actorTenant,
        @Schema(description = "the tenant that owns the resource") String tenant,
        @Schema(description = "model.uploaded, model.deleted, dataset.uploaded, dataset.deleted, job.submitted, "
                + "job.cancelled, api-key.created or api-key.revoked") String action,
        @Schema(description = "model, dataset, job or api-key") String resourceType,
        String resourceId) {
}
