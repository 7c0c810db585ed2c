package io.quantizer.model;

import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.LockModeType;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface ModelRepository extends JpaRepository<ModelEntity, UUID> {

    Page<ModelEntity> findByTenant(String tenant, Pageable page);

    /** Locks the row so that a job cannot start using the model while it is being deleted. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select m from ModelEntity m where m.id = :id")
    Optional<ModelEntity> findForUpdateById(UUID id);
}
