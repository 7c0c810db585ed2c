package io.quantizer.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.criteria.Predicate;

import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Component;

import io.quantizer.security.Caller;
import io.quantizer.system.ApiException;
import io.quantizer.system.PageResponse;

/** Records who changed what, for admins to query. Features call {@link #record} once a change has committed. */
@Component
public class AuditLog {

    public static final int MAX_PAGE_SIZE = 100;
    private static final Sort NEWEST_FIRST = Sort.by(Sort.Order.desc("occurredAt"), Sort.Order.desc("id"));

    private final AuditRepository events;

    AuditLog(AuditRepository events) {
        this.events = events;
    }

    /** Records that the current request's caller did {@code action} to a resource owned by {@code tenant}. */
    public void record(AuditAction action, String resourceType, Object resourceId, String tenant) {
        Caller caller = Caller.current();
        save(caller.principal(), caller.tenant(), action, resourceType, resourceId, tenant);
    }

    /**
     * Records a change the service made by itself, on a thread with no caller (the retention purge):
     * {@code actor} names the task, which acts in the resource's own tenant.
     */
    public void recordBySystem(String actor, AuditAction action, String resourceType, Object resourceId,
                               String tenant) {
        save(actor, tenant, action, resourceType, resourceId, tenant);
    }

    private void save(String actor, String actorTenant, AuditAction action, String resourceType, Object resourceId,
                      String tenant) {
        events.save(new AuditEventEntity(UUID.randomUUID(), Instant.now().truncatedTo(ChronoUnit.MICROS),
                actor, actorTenant, tenant, action.wireName(), resourceType, String.valueOf(resourceId)));
    }

    PageResponse<AuditEvent> search(String tenant, String action, Instant from, Instant to, int page, int size) {
        if (action != null && AuditAction.fromWireName(action).isEmpty()) {
            throw new ApiException.BadRequest("invalid-audit-query", "Invalid audit query", "Unknown action '"
                    + action + "'; use one of " + java.util.Arrays.stream(AuditAction.values())
                    .map(AuditAction::wireName).toList() + ".");
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new ApiException.BadRequest("invalid-audit-query", "Invalid audit query",
                    "'from' (" + from + ") must be before 'to' (" + to + ").");
        }
        // only the filters given become predicates: a null parameter has no SQL type on PostgreSQL
        Specification<AuditEventEntity> query = (root, q, cb) -> {
            List<Predicate> where = new ArrayList<>();
            if (tenant != null) {
                where.add(cb.equal(root.get("tenant"), tenant));
            }
            if (action != null) {
                where.add(cb.equal(root.get("action"), action));
            }
            if (from != null) {
                where.add(cb.greaterThanOrEqualTo(root.get("occurredAt"), from));
            }
            if (to != null) {
                where.add(cb.lessThan(root.get("occurredAt"), to));
            }
            return cb.and(where.toArray(Predicate[]::new));
        };
        return PageResponse.of(events.findAll(query, PageRequest.of(page, size, NEWEST_FIRST)),
                AuditEventEntity::toView);
    }
}
