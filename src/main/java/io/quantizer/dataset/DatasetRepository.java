package io.quantizer.dataset;

import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

interface DatasetRepository extends JpaRepository<DatasetEntity, UUID> {

    long countBySha256(String sha256);
}
