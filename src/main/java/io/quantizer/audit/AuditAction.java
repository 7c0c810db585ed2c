package io.quantizer.audit;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What the audit log records: every change a caller makes. */
public enum AuditAction {
    MODEL_UPLOADED, MODEL_DELETED, DATASET_UPLOADED, DATASET_DELETED, JOB_SUBMITTED, JOB_CANCELLED, JOB_DELETED,
    API_KEY_CREATED, API_KEY_REVOKED;

    /** {@code model.uploaded}, {@code api-key.created}: the name clients filter by and see. */
    public String wireName() {
        String lower = name().toLowerCase(Locale.ROOT);
        int last = lower.lastIndexOf('_');
        return lower.substring(0, last).replace('_', '-') + "." + lower.substring(last + 1);
    }

    public static Optional<AuditAction> fromWireName(String name) {
        return Arrays.stream(values()).filter(a -> a.wireName().equals(name)).findFirst();
    }
}
