package io.quantizer.job;

import java.util.UUID;

/** The queue that runs jobs, as the job feature needs it; the queue package provides it. */
public interface JobScheduling {

    /** Queues the job to run as soon as a worker is free; joins the caller's transaction. */
    void schedule(UUID jobId);

    /** Drops the job's queue entry if no worker has picked it yet (a picked one stops on its own). */
    void unschedule(UUID jobId);
}
