package io.quantizer.job;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code quantizer.jobs.*}.
 *
 * @param retention how long a finished job (and everything it stored) is kept after it ended; unset keeps jobs
 *                  until they are deleted with {@code DELETE /api/v1/quantization-jobs/{id}}
 */
@ConfigurationProperties("quantizer.jobs")
public record JobRetentionProperties(Duration retention) {

    public JobRetentionProperties {
        if (retention != null && (retention.isNegative() || retention.isZero())) {
            throw new IllegalArgumentException("quantizer.jobs.retention must be positive when set, got " + retention);
        }
    }
}
