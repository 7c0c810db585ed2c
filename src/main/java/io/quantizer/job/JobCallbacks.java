package io.quantizer.job;

import java.util.Optional;
import java.util.UUID;

/** The callbacks a job sends when it ends, as the job feature needs them; the callback package provides it. */
public interface JobCallbacks {

    /** Refuses a callback URL that may not be used (422 saying why); called at submit, before anything is stored. */
    void checkUrl(String url);

    /** Queues the callback of a job that has just ended; joins the caller's transaction. */
    void jobEnded(UUID jobId, String tenant, String url);

    /** The delivery so far (state and every attempt); empty when the job has no callback or has not ended. */
    Optional<CallbackStatus> status(UUID jobId);

    /** Drops the job's delivery (the job is being deleted); joins the caller's transaction. */
    void forget(UUID jobId);
}
