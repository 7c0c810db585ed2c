package io.quantizer.job;

/** Where a quantization job is in its life. Only QUEUED and RUNNING jobs can still change. */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isFinished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
