package io.quantizer.dataset;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.quantizer.engine.data.DatasetDescription;
import io.quantizer.system.JsonAttributeConverter;
import jakarta.persistence.Convert;
import jakarta.persistence.Converter;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import tools.jackson.core.type.TypeReference;

/** An uploaded data set: where its bytes are (by SHA-256) and what arrays it holds. Immutable once stored. */
@Entity
@Table(name = "datasets")
class DatasetEntity {

    @Id
    private UUID id;
    private String name;
    private String sha256;
    private long sizeBytes;
    private String format;
    private long sampleCount;
    @Convert(converter = TensorsConverter.class)
    private List<DatasetTensor> tensors;
    private String labelTensor;
    /** Null on a labelled data set stored before label ranges were kept: computed on first use. */
    private Long labelMin;
    private Long labelMax;
    private Instant createdAt;
    private String tenant;

    protected DatasetEntity() {
        // for JPA
    }

    DatasetEntity(UUID id, String name, String sha256, long sizeBytes, DatasetDescription description,
                  LabelRange labelRange, Instant createdAt, String tenant) {
        this.id = id;
        this.name = name;
        this.sha256 = sha256;
        this.sizeBytes = sizeBytes;
        this.format = description.format().id();
        this.sampleCount = description.sampleCount();
        this.tensors = description.tensors().stream().map(DatasetTensor::of).toList();
        this.labelTensor = description.labelTensor();
        rememberLabelRange(labelRange);
        this.createdAt = createdAt;
        this.tenant = tenant;
    }

    /** The stored label range; empty when the data set has no labels or it is not computed yet. */
    Optional<LabelRange> labelRange() {
        return labelMin == null || labelMax == null ? Optional.empty()
                : Optional.of(new LabelRange(labelMin, labelMax));
    }

    void rememberLabelRange(LabelRange range) {
        this.labelMin = range == null ? null : range.min();
        this.labelMax = range == null ? null : range.max();
    }

    String labelTensor() {
        return labelTensor;
    }

    String format() {
        return format;
    }

    DatasetDetails toDetails() {
        return new DatasetDetails(id, name, sha256, sizeBytes, format, sampleCount, tensors, labelTensor, createdAt,
                tenant);
    }



    String tenant() {
        return tenant;
    }

    String sha256() {
        return sha256;
    }

    @Converter
    static final class TensorsConverter extends JsonAttributeConverter<List<DatasetTensor>> {
        TensorsConverter() {
            super(new TypeReference<>() { });
        }
    }
}
