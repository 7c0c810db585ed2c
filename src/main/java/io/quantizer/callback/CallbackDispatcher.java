package io.quantizer.callback;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

import io.quantizer.job.CallbackStatus;
import io.quantizer.job.JobService;
import io.quantizer.job.JobView;
import io.quantizer.system.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * Sends due callbacks, on every instance every {@code quantizer.callbacks.poll-interval}. Each attempt POSTs the
 * job as {@code GET /api/v1/quantization-jobs/{id}} shows it at that moment, signed with the tenant's current
 * secret (see {@link CallbackSignature}), to an address checked again just before connecting. A 2xx answer
 * delivers it; anything else (another status, a refused address, a timeout) is recorded and retried after a
 * doubling pause until {@code max-attempts}. Delivery is at least once: the state lives in the database, and an
 * attempt whose instance died comes due again when its claim runs out.
 */
@Component
class CallbackDispatcher {

    private static final Logger log = LoggerFactory.getLogger(CallbackDispatcher.class);
    private static final int BATCH = 20;

    private final CallbackDeliveries deliveries;
    private final CallbackPoster poster;
    private final CallbackSecrets secrets;
    private final JobService jobs;
    private final ObjectMapper mapper;
    private final CallbackProperties properties;
    private final TaskScheduler scheduler;
    private ScheduledFuture<?> polling;

    CallbackDispatcher(CallbackDeliveries deliveries, CallbackPoster poster, CallbackSecrets secrets, JobService jobs, ObjectMapper mapper, CallbackProperties properties,
                       TaskScheduler scheduler) {
        this.deliveries = deliveries;
        this.poster = poster;
        this.secrets = secrets;
        this.jobs = jobs;
        this.mapper = mapper;
        this.properties = properties;
        this.scheduler = scheduler;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        polling = scheduler.scheduleWithFixedDelay(this::poll, properties.pollInterval());
    }

    @EventListener(ContextClosedEvent.class)
    void stop() {
        if (polling != null) {
            polling.cancel(false);
        }
    }

    private void poll() {
        try {
            dispatchDue();
        } catch (RuntimeException e) {
            log.warn("callback dispatch failed; it runs again later: {}", e.toString());
        }
    }

    /** Sends every callback due now; returns how many attempts were made. */
    int dispatchDue() {
        int attempts = 0;
        Instant now = Instant.now();
        // the claim outlasts one attempt (connect and read timeouts) with room to record it
        Instant lease = now.plus(properties.timeout().multipliedBy(3)).plus(Duration.ofSeconds(30));
        for (CallbackDeliveries.Delivery delivery : deliveries.due(now, BATCH)) {
            if (deliveries.claim(delivery, lease)) {
                attempt(delivery);
                attempts++;
            }
        }
        return attempts;
    }

    private void attempt(CallbackDeliveries.Delivery delivery) {
        Instant at = Instant.now();
        Integer status = null;
        String error = null;
        try {
            JobView job = jobs.getAsSystem(delivery.jobId()); // a scheduler thread: no caller
            byte[] body = mapper.writeValueAsBytes(job);
            long timestamp = at.getEpochSecond();
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put(CallbackSignature.TIMESTAMP, Long.toString(timestamp));
            headers.put(CallbackSignature.SIGNATURE,
                    CallbackSignature.sign(secrets.current(delivery.tenant()).secret(), timestamp, body));
            headers.put(CallbackSignature.DELIVERY, delivery.jobId().toString());
            status = poster.post(delivery.url(), headers, body);
        } catch (CallbackTargets.Refused e) {
            error = "refused: " + e.getMessage();
        } catch (ApiException.NotFound e) {
            deliveries.delete(delivery.jobId()); // the job was deleted meanwhile
            return;
        } catch (IOException e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        boolean delivered = status != null && status >= 200 && status < 300;
        int made = delivery.attemptCount() + 1;
        String state = delivered ? CallbackDeliveries.DELIVERED
                : made >= properties.maxAttempts() ? CallbackDeliveries.FAILED : CallbackDeliveries.PENDING;
        Instant next = state.equals(CallbackDeliveries.PENDING) ? Instant.now().plus(properties.backoffAfter(made))
                : at;
        deliveries.record(delivery, new CallbackStatus.Attempt(at, status, error), state, next);
        if (!delivered) {
            log.info("callback of job {} attempt {} failed ({}); {}", delivery.jobId(), made,
                    status != null ? "HTTP " + status : error, state.equals(CallbackDeliveries.FAILED)
                            ? "giving up" : "retrying at " + next);
        }
    }
}
