package io.quantizer.system;

import jakarta.persistence.AttributeConverter;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores a value object as JSON text in one column: for structured facts that are read whole and never queried
 * into (signatures, counts), where plain text keeps the SQL the same on PostgreSQL and H2.
 * Subclass with the concrete type: {@code class InputsConverter extends JsonAttributeConverter<List<X>>}.
 */
public abstract class JsonAttributeConverter<T> implements AttributeConverter<T, String> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TypeReference<T> type;

    protected JsonAttributeConverter(TypeReference<T> type) {
        this.type = type;
    }

    @Override
    public String convertToDatabaseColumn(T value) {
        return value == null ? null : JSON.writeValueAsString(value);
    }

    @Override
    public T convertToEntityAttribute(String json) {
        return json == null ? null : JSON.readValue(json, type);
    }
}
