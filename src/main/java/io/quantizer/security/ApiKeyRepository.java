package io.quantizer.security;

import java.util.Optional;
import java.util.UUID;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface ApiKeyRepository extends JpaRepository<ApiKeyEntity, UUID> {

    Optional<ApiKeyEntity> findByKeyHash(String keyHash);

    @Query("""
            select k from ApiKeyEntity k where (:tenant is null or k.tenant = :tenant)
            order by k.createdAt desc, k.id""")
    Page<ApiKeyEntity> search(@Param("tenant") String tenant, Pageable page);
}
