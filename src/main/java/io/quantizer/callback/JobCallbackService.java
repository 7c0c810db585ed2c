package io.quantizer.callback;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import io.quantizer.job.CallbackStatus;
import io.quantizer.job.JobCallbacks;
import io.quantizer.system.ApiException;
import org.springframework.stereotype.Component;

/** Job callbacks as the job feature sees them: URL checks at submit, queueing at the end, the status. */
@Component
class JobCallbackService implements JobCallbacks {

    private final CallbackTargets targets;
    private final CallbackDeliveries deliveries;

    JobCallbackService(CallbackTargets targets, CallbackDeliveries deliveries) {
        this.targets = targets;
        this.deliveries = deliveries;
    }

    @Override
    public void checkUrl(String url) {
        try {
            targets.check(url);
        } catch (CallbackTargets.Refused e) {
            throw new ApiException.Unprocessable("callback-url-refused", "Callback URL refused", e.getMessage())
                    .withErrors(java.util.List.of(java.util.Map.of("field", "callbackUrl", "message",
                            e.getMessage())));
        }
    }

    @Override
    public void jobEnded(UUID jobId, String tenant, String url) {
        deliveries.add(jobId, tenant, url, Instant.now());
    }

    @Override
    public Optional<CallbackStatus> status(UUID jobId) {
        return deliveries.find(jobId).map(d -> new CallbackStatus(d.state(),
                CallbackDeliveries.PENDING.equals(d.state()) ? d.nextAttemptAt() : null, d.attempts()));
    }

    @Override
    public void forget(UUID jobId) {
        deliveries.delete(jobId);
    }
}
