package io.quantizer.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quantizer.model.onnx.OnnxModelInfo;
import io.quantizer.model.onnx.TensorSignature;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An uploaded model: where its bytes are (by SHA-256) and what its metadata says. Immutable once stored. */
@Entity
@Table(name = "models")
class ModelEntity {

    @Id
    private UUID id;
    private String name;
    private String sha256;
    private long sizeBytes;
    private long irVersion;
    private String producerName;
    private String producerVersion;
    private long parameterCount;
    @Convert(converter = ModelJsonConverters.Counts.class)
    private Map<String, Long> opsets;
    @Convert(converter = ModelJsonConverters.Signatures.class)
    private List<TensorSignature> inputs;
    @Convert(converter = ModelJsonConverters.Signatures.class)
    private List<TensorSignature> outputs;
    @Convert(converter = ModelJsonConverters.Counts.class)
    private Map<String, Long> operatorCounts;
    private Instant createdAt;
    @Convert(converter = ModelJsonConverters.DataFiles.class)
    private List<ExternalDataFile> externalData;
    private String tenant;

    protected ModelEntity() {
        // for JPA
    }

    ModelEntity(UUID id, String name, String sha256, long sizeBytes, OnnxModelInfo info,
                List<ExternalDataFile> externalData, Instant createdAt, String tenant) {
        this.id = id;
        this.name = name;
        this.sha256 = sha256;
        this.sizeBytes = sizeBytes;
        this.irVersion = info.irVersion();
        this.producerName = info.producerName();
        this.producerVersion = info.producerVersion();
        this.parameterCount = info.parameterCount();
        this.opsets = info.opsets();
        this.inputs = info.inputs();
        this.outputs = info.outputs();
        this.operatorCounts = info.operatorCounts();
        this.createdAt = createdAt;
        this.externalData = List.copyOf(externalData);
        this.tenant = tenant;
    }

    ModelDetails toDetails() {
        return new ModelDetails(id, name, sha256, sizeBytes, irVersion, opsets, producerName, producerVersion,
                parameterCount, inputs, outputs, operatorCounts, createdAt,
                externalData == null ? List.of() : externalData, tenant);
    }

    String tenant() {
        return tenant;
    }

    String sha256() {
        return sha256;
    }

    /** The blobs the row refers to: the model's and its external-data files'. */
    List<String> blobs() {
        List<String> all = new java.util.ArrayList<>(List.of(sha256));
        if (externalData != null) {
            externalData.forEach(f -> all.add(f.sha256()));
        }
        return all;
    }
}
