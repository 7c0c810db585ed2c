package io.quantizer.quota;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code quantizer.quotas.*}: what one tenant may hold at once.
 *
 * @param maxStoredBytes the models' and data sets' sizes together (each row counts, shared bytes or not)
 * @param maxActiveJobs  jobs QUEUED or RUNNING at once
 * @param retryAfter     the Retry-After a refused request gets
 */
@ConfigurationProperties("quantizer.quotas")
public record QuotaProperties(
        @DefaultValue("100GB") DataSize maxStoredBytes,
        @DefaultValue("20") int maxActiveJobs,
        @DefaultValue("60s") Duration retryAfter) {
}
