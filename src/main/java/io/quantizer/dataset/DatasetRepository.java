package io.quantizer.dataset;

import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.LockModeType;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface DatasetRepository extends JpaRepository<DatasetEntity, UUID> {

    Page<DatasetEntity> findByTenant(String tenant, Pageable page);

    /** Locks the row so that a job cannot start using the data set while it is being deleted. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select d from DatasetEntity d where d.id = :id")
    Optional<DatasetEntity> findForUpdateById(UUID id);
}
