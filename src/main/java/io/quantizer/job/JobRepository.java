package io.quantizer.job;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.LockModeType;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface JobRepository extends JpaRepository<QuantizationJob, UUID> {

    /** The row locked for the rest of the transaction: state changes by workers and by cancel serialise here. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select j from QuantizationJob j where j.id = :id")
    Optional<QuantizationJob> findForUpdate(@Param("id") UUID id);

    /** Idempotency keys are per tenant: another tenant's job with the same key is not this one. */
    Optional<QuantizationJob> findByTenantAndIdempotencyKey(String tenant, String idempotencyKey);

    /** Jobs newest first; a null {@code tenant} (an admin's listing) means every tenant. */
    @Query("""
            select j from QuantizationJob j
            where (:status is null or j.status = :status) and (:modelId is null or j.modelId = :modelId)
              and (:tenant is null or j.tenant = :tenant)
            order by j.createdAt desc, j.id""")
    Page<QuantizationJob> search(@Param("status") JobStatus status, @Param("modelId") UUID modelId,
                                 @Param("tenant") String tenant, Pageable page);

    @Query("""
            select j from QuantizationJob j
            where j.status in :statuses and j.modelId = :modelId order by j.createdAt""")
    List<QuantizationJob> usingModel(@Param("modelId") UUID modelId, @Param("statuses") Collection<JobStatus> statuses,
                                     Pageable page);

    @Query("""
            select j from QuantizationJob j
            where j.status in :statuses
              and (j.calibrationDatasetId = :datasetId or j.evaluationDatasetId = :datasetId)
            order by j.createdAt""")
    List<QuantizationJob> usingDataset(@Param("datasetId") UUID datasetId,
                                       @Param("statuses") Collection<JobStatus> statuses, Pageable page);

    @Query("""
            select j.id from QuantizationJob j
            where j.status in :statuses and j.finishedAt < :before order by j.finishedAt""")
    List<UUID> finishedBefore(@Param("statuses") Collection<JobStatus> statuses, @Param("before") java.time.Instant before,
                              Pageable page);

    @Query("select j.status, count(j) from QuantizationJob j group by j.status")
    List<Object[]> countByStatus();
}
