package io.quantizer.model;

import java.util.List;
import java.util.Map;

import io.quantizer.model.onnx.TensorSignature;
import io.quantizer.system.JsonAttributeConverter;
import jakarta.persistence.Converter;
import tools.jackson.core.type.TypeReference;

/** JSON columns of {@link ModelEntity}. */
final class ModelJsonConverters {

    private ModelJsonConverters() {
    }

    @Converter
    static final class Signatures extends JsonAttributeConverter<List<TensorSignature>> {
        Signatures() {
            super(new TypeReference<>() { });
        }
    }

    @Converter
    static final class DataFiles extends JsonAttributeConverter<List<ExternalDataFile>> {
        DataFiles() {
            super(new TypeReference<>() { });
        }
    }

    @Converter
    static final class Counts extends JsonAttributeConverter<Map<String, Long>> {
        Counts() {
            super(new TypeReference<>() { });
        }
    }
}
