package io.quantizer.storage;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Health of the object store ({@code objectStore} in {@code /actuator/health}, part of the readiness group):
 * one cheap metadata lookup, so an unreachable S3 endpoint or bucket takes the instance out of rotation.
 */
@Component("objectStoreHealthIndicator")
class ObjectStoreHealthIndicator extends AbstractHealthIndicator {

    private final ObjectStore store;

    ObjectStoreHealthIndicator(ObjectStore store) {
        super("Object store health check failed");
        this.store = store;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        store.exists("health/probe");
        builder.up().withDetail("type", store.getClass().getSimpleName());
    }
}
