package io.quantizer.job;

import java.util.UUID;

/** Where a job's outputs live in object storage: everything of job {@code id} is under {@link #prefix}. */
public final class JobStorage {

    public static final String ROOT = "jobs/";

    private JobStorage() {
    }

    /** {@code jobs/<id>/}: each attempt writes under {@code attempt-<n>/} below it. */
    public static String prefix(UUID jobId) {
        return ROOT + jobId + "/";
    }
}
