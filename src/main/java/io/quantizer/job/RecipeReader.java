package io.quantizer.job;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.system.ApiException;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns the recipe a client sent into a typed {@link QuantizationRecipe} with every default filled in, refusing
 * what the engine would not understand: unknown fields and malformed JSON (400), unknown or out-of-range values
 * (422). The web layer's mapper tolerates unknown fields; recipes must not, or a typo would silently run with
 * defaults.
 */
@Component
class RecipeReader {

    private final ObjectMapper mapper;
    private final ObjectReader strict;

    RecipeReader(ObjectMapper mapper) {
        this.mapper = mapper;
        this.strict = mapper.readerFor(QuantizationRecipe.class)
                .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** The recipe in {@code node} (null or JSON null: all defaults). */
    QuantizationRecipe read(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return QuantizationRecipe.defaults();
        }
        if (!node.isObject()) {
            throw badRequest("The recipe must be a JSON object, got " + node.getNodeType().name().toLowerCase() + ".");
        }
        QuantizationRecipe recipe;
        try {
            recipe = strict.readValue(node);
        } catch (JacksonException e) {
            throw translate(e);
        }
        List<String> problems = recipe.validate();
        if (!problems.isEmpty()) {
            throw invalid(String.join("; ", problems), problems.stream()
                    .map(p -> Map.of("field", "recipe." + p.substring(0, Math.max(0, p.indexOf(':'))), "message", p))
                    .toList());
        }
        return recipe.withDefaults();
    }

    /** The recipe in a multipart text part (blank: all defaults). */
    QuantizationRecipe read(String json) {
        if (json == null || json.isBlank()) {
            return QuantizationRecipe.defaults();
        }
        JsonNode node;
        try {
            node = mapper.readTree(json);
        } catch (JacksonException e) {
            throw badRequest("The recipe part is not valid JSON: " + e.getOriginalMessage());
        }
        return read(node);
    }

    String toJson(QuantizationRecipe recipe) {
        return mapper.writeValueAsString(recipe);
    }

    QuantizationRecipe fromJson(String json) {
        return mapper.readValue(json, QuantizationRecipe.class);
    }

    private ApiException translate(JacksonException e) {
        String field = "recipe" + (e.getPath().isEmpty() ? "" : "." + e.getPath().stream()
                .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")));
        if (e instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                    .collect(Collectors.joining(", "));
            return badRequest(field + ": unknown recipe field; the known fields here are " + known + ".");
        }
        if (e instanceof InvalidFormatException format && format.getTargetType() != null
                && format.getTargetType().isEnum()) {
            String allowed = Arrays.stream(format.getTargetType().getEnumConstants())
                    .map(c -> mapper.writeValueAsString(c).replace("\"", ""))
                    .collect(Collectors.joining(", "));
            String detail = field + ": '" + format.getValue() + "' is not supported; use one of " + allowed + ".";
            return invalid(detail, List.of(Map.of("field", field, "message", detail)));
        }
        if (e instanceof MismatchedInputException) {
            return badRequest(field + ": " + e.getOriginalMessage());
        }
        return badRequest("The recipe cannot be read: " + e.getOriginalMessage());
    }

    private static ApiException badRequest(String detail) {
        return new ApiException.BadRequest("invalid-recipe", "Invalid recipe", detail);
    }

    private static ApiException invalid(String detail, List<Map<String, String>> errors) {
        return new ApiException.Unprocessable("invalid-recipe", "Invalid recipe", detail).withErrors(errors);
    }
}
