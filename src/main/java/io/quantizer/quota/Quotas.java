package io.quantizer.quota;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.quantizer.system.ApiException;

/**
 * Per-tenant quotas, checked before an upload is stored or a job is queued: 429 with Retry-After over them.
 * Usage is read from the rows themselves, so it needs no counter to keep in step; concurrent requests of one
 * tenant may each pass the check and overshoot by what they were adding.
 */
@Component
@EnableConfigurationProperties(QuotaProperties.class)
public class Quotas {

    private final JdbcClient jdbc;
    private final QuotaProperties properties;

    Quotas(JdbcClient jdbc, QuotaProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /** Refuses when the tenant's stored models and data sets plus {@code incomingBytes} exceed its quota. */
    public void checkStorage(String tenant, long incomingBytes) {
        long max = properties.maxStoredBytes().toBytes();
        long used = jdbc.sql("""
                        select (select coalesce(sum(size_bytes), 0) from models where tenant = :tenant)
                             + (select coalesce(sum(size_bytes), 0) from datasets where tenant = :tenant)""")
                .param("tenant", tenant).query(Long.class).single();
        if (used + incomingBytes > max || (incomingBytes == 0 && used >= max)) {
            throw new ApiException.TooManyRequests("storage-quota-exceeded", "Storage quota exceeded",
                    "Tenant '" + tenant + "' stores " + used + " bytes of models and data sets"
                            + (incomingBytes > 0 ? "; this upload of " + incomingBytes + " bytes" : "; more")
                            + " would pass its quota of " + max + " bytes (quantizer.quotas.max-stored-bytes). "
                            + "Delete models or data sets it no longer needs.", retryAfterSeconds());
        }
    }

    /** Refuses a new job while the tenant has its quota of QUEUED and RUNNING jobs. */
    public void checkActiveJobs(String tenant) {
        long active = jdbc.sql("select count(*) from quantization_jobs where tenant = :tenant "
                        + "and status in ('QUEUED', 'RUNNING')")
                .param("tenant", tenant).query(Long.class).single();
        if (active >= properties.maxActiveJobs()) {
            throw new ApiException.TooManyRequests("job-quota-exceeded", "Job quota exceeded",
                    "Tenant '" + tenant + "' has " + active + " jobs queued or running, its quota "
                            + "(quantizer.quotas.max-active-jobs is " + properties.maxActiveJobs() + "). Wait for "
                            + "one to finish or cancel one.", retryAfterSeconds());
        }
    }

    private long retryAfterSeconds() {
        return Math.max(1, properties.retryAfter().toSeconds());
    }
}
