package io.quantizer.job;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.quantizer.storage.ObjectStore;
import io.quantizer.system.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.data.domain.PageRequest;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The storage side of the job life cycle, run on every instance every {@code quantizer.storage.sweep-interval}:
 * deletes finished jobs older than {@code quantizer.jobs.retention} (when set) the same way
 * {@code DELETE /api/v1/quantization-jobs/{id}} does, and removes objects under {@code jobs/} whose job no longer
 * exists (a delete whose object removal failed, or an attempt that was still writing when its job was
 * deleted). Instances running it at once are harmless: each delete locks the job row and a gone job is skipped.
 */
@Component
@EnableConfigurationProperties(JobRetentionProperties.class)
public class JobRetention {

    private static final Logger log = LoggerFactory.getLogger(JobRetention.class);
    private static final int BATCH = 100;
    private static final List<JobStatus> FINISHED = List.of(JobStatus.SUCCEEDED, JobStatus.FAILED,
            JobStatus.CANCELLED);

    private final JobRetentionProperties properties;
    private final JobRepository jobs;
    private final JobService service;
    private final ObjectStore store;

    JobRetention(JobRetentionProperties properties, JobRepository jobs, JobService service, ObjectStore store) {
        this.properties = properties;
        this.jobs = jobs;
        this.service = service;
        this.store = store;
    }

    @Scheduled(initialDelayString = "${quantizer.storage.sweep-interval:PT1H}",
            fixedDelayString = "${quantizer.storage.sweep-interval:PT1H}")
    void scheduled() {
        try {
            int purged = purgeExpired(Instant.now());
            int orphans = sweepOrphanedOutputs();
            if (purged + orphans > 0) {
                log.info("job sweep deleted {} jobs past retention and {} objects of deleted jobs", purged, orphans);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("job sweep failed; it runs again later: {}", e.toString());
        }
    }

    /** Deletes every job that finished more than the retention before {@code now}; returns how many. */
    public int purgeExpired(Instant now) throws IOException {
        if (properties.retention() == null) {
            return 0;
        }
        Instant before = now.minus(properties.retention());
        int deleted = 0;
        List<UUID> batch;
        do {
            batch = jobs.finishedBefore(FINISHED, before, PageRequest.of(0, BATCH));
            for (UUID id : batch) {
                try {
                    service.deleteAsSystem(id);
                    deleted++;
                } catch (ApiException e) {
                    // deleted meanwhile by a user or another instance
                }
            }
        } while (batch.size() == BATCH);
        return deleted;
    }

    /** Removes the objects of jobs that have no row; returns how many objects. */
    public int sweepOrphanedOutputs() throws IOException {
        Set<UUID> ids = new LinkedHashSet<>();
        for (String key : store.list(JobStorage.ROOT)) {
            String rest = key.substring(JobStorage.ROOT.length());
            int slash = rest.indexOf('/');
            try {
                ids.add(UUID.fromString(slash < 0 ? rest : rest.substring(0, slash)));
            } catch (IllegalArgumentException e) {
                // not written by this service
            }
        }
        int removed = 0;
        for (UUID id : ids) {
            if (!jobs.existsById(id)) {
                removed += service.deleteOutputs(id);
            }
        }
        return removed;
    }
}
