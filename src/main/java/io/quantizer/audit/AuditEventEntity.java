package io.quantizer.audit;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One recorded change: who did what to which resource of which tenant, and when. Never updated. */
@Entity
@Table(name = "audit_events")
class AuditEventEntity {

    @Id
    private UUID id;
    @Column(name = "occurred_at")
    private Instant occurredAt;
    private String actor;
    @Column(name = "actor_tenant")
    private String actorTenant;
    private String tenant;
    private String action;
    @Column(name = "resource_type")
    private String resourceType;
    @Column(name = "resource_id")
    private String resourceId;

    protected AuditEventEntity() {
        // for JPA
    }

    AuditEventEntity(UUID id, Instant occurredAt, String actor, String actorTenant, String tenant, String action,
                     String resourceType, String resourceId) {
        this.id = id;
        this.occurredAt = occurredAt;
        this.actor = actor;
        this.actorTenant = actorTenant;
        this.tenant = tenant;
        this.action = action;
        this.resourceType = resourceType;
        this.resourceId = resourceId;
    }

    AuditEvent toView() {
        return new AuditEvent(id, occurredAt, actor, actorTenant, tenant, action, resourceType, resourceId);
    }
}
