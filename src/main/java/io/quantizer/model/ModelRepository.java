package io.quantizer.model;

import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

interface ModelRepository extends JpaRepository<ModelEntity, UUID> {

    long countBySha256(String sha256);
}
