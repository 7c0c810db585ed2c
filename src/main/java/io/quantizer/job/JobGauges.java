package io.quantizer.job;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * {@code quantizer.jobs{status}}: jobs per status, and {@code quantizer.queue.depth}: jobs waiting for a worker
 * (what an autoscaler of worker pods watches). Counted in the database, so every instance reports the same
 * numbers whichever worker runs what; one query serves all gauges for a few seconds.
 */
@Component
class JobGauges {

    private static final Duration FRESH_FOR = Duration.ofSeconds(5);

    private final JobRepository jobs;
    private Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
    private long countedAt;

    JobGauges(JobRepository jobs, MeterRegistry registry) {
        this.jobs = jobs;
        for (JobStatus status : JobStatus.values()) {
            Gauge.builder("quantizer.jobs", this, g -> g.count(status))
                    .description("Quantization jobs by status")
                    .tag("status", status.name())
                    .register(registry);
        }
        Gauge.builder("quantizer.queue.depth", this, g -> g.count(JobStatus.QUEUED))
                .description("Quantization jobs waiting for a worker")
                .register(registry);
    }

    private synchronized double count(JobStatus status) {
        long now = System.nanoTime();
        if (countedAt == 0 || now - countedAt > FRESH_FOR.toNanos()) {
            Map<JobStatus, Long> fresh = new EnumMap<>(JobStatus.class);
            for (Object[] row : jobs.countByStatus()) {
                fresh.put((JobStatus) row[0], (Long) row[1]);
            }
            counts = fresh;
            countedAt = now;
        }
        return counts.getOrDefault(status, 0L);
    }
}
