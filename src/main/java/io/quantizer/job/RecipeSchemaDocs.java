package io.quantizer.job;

import java.util.Map;

import io.quantizer.engine.feed.FeedRule;
import io.quantizer.engine.feed.FeedTypes;
import io.swagger.v3.oas.models.media.Schema;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * Documents the recipe's {@code constantInputs}, {@code accuracy} and {@code analysis} in the contract. The recipe record belongs to the engine, which
 * carries no OpenAPI annotations, so its description is added to the generated schema here.
 */
@Component
class RecipeSchemaDocs implements OpenApiCustomizer {

    static final String CONSTANT_INPUTS = "Model inputs held at one value for every sample, by input name: a "
            + "number that fills the whole input, e.g. {\"sr\": 16000, \"state\": 0} for a stateful audio model. "
            + "A dynamic dimension of such an input is the run's batch on axis 0 of a batched feed, else 1. The "
            + "value must be representable in the input's element type (a whole number in range for integer "
            + "types, 0 or 1 for bool, finite for floats); the name must be a model input that the data set does "
            + "not also hold; at most " + FeedRule.MAX_CONSTANTS + " entries. Otherwise the submit is a 422 naming "
            + "the input. Types fed: " + String.join(", ", FeedTypes.FED) + ".";

    static final Map<String, String> ACCURACY = Map.of(
            "maxTop1Drop", "Largest acceptable fp32 top-1 minus int8 top-1, a share in [0, 1] (0.005 is half a point). "
                    + "Needs labels in the evaluation set (or, without one, in the calibration set); else 422.",
            "minCosine", "Smallest acceptable cosine to fp32 of every output, in (0, 1]; works without labels.",
            "maxTrials", "Models tried after the plain quantization, 0 to 100 (default 10). Trial k returns the k "
                    + "most sensitive groups of the per-layer analysis to float.",
            "timeLimit", "Seconds the trials may take in all, 1 to 86400 (default 600). The worker's "
                    + "quantizer.worker.timeout is extended by it.");
    static final String ACCURACY_TARGET = "An accuracy target: give exactly one of maxTop1Drop and minCosine. The job "
            + "returns the most sensitive groups to float until the target holds on the evaluation set or the budget "
            + "ends, and returns the first model that met it, else the best one seen (never worse than the plain "
            + "quantization). result.accuracySearch lists every trial; a missed target is said in result.warnings.";
    static final Map<String, String> ANALYSIS = Map.of(
            "enabled", "Run the per-layer analysis (default true; an accuracy target runs it regardless).",
            "samples", "Evaluation samples it runs on, the first ones of the set, 1 to 10000 (default 64).",
            "maxGroups", "Groups whose sensitivity is measured, 0 to 1000 (default 12), chosen by the activation "
                    + "error their own quantization adds. Cost: (2 + maxGroups) × samples forward passes; without an accuracy "
                    + "target, samples are cut so that this stays within 2 × the evaluation's sample count.");
    static final String TARGET = "The hardware the model is for (default cpu-vnni). cpu-vnni: ONNX Runtime on a CPU "
            + "with VNNI, uint8 activations and int8 weights. cpu-avx2: the same with 7-bit weights, so that CPUs "
            + "without VNNI (whose uint8×int8 kernels add product pairs in saturating 16-bit registers) lose no "
            + "accuracy. tensorrt: symmetric int8 activations and weights with Q/DQ where TensorRT fuses them, entropy "
            + "calibration by default, and a TensorRT calibration cache as a second file "
            + "(GET /api/v1/quantization-jobs/{id}/calibration-cache). npu-a16w8: uint16 activations and int8 weights "
            + "(the model is raised to opset 21), for NPUs where int8 activations lose too much. activationType and "
            + "symmetricActivations follow the target; contradicting it is a 422. The result's target says where the "
            + "figures were measured and whether that machine is the target.";

    @Override
    public void customise(io.swagger.v3.oas.models.OpenAPI openApi) {
        if (openApi.getComponents() == null || openApi.getComponents().getSchemas() == null) {
            return;
        }
        Schema<?> recipe = openApi.getComponents().getSchemas().get("QuantizationRecipe");
        if (recipe != null && recipe.getProperties() != null) {
            Schema<?> constants = recipe.getProperties().get("constantInputs");
            if (constants != null) {
                constants.setDescription(CONSTANT_INPUTS);
            }
            describe(recipe.getProperties().get("accuracy"), ACCURACY_TARGET);
            describe(recipe.getProperties().get("analysis"), "Bounds of the per-layer analysis every job runs "
                    + "(result.layers).");
            describe(recipe.getProperties().get("target"), TARGET);
        }
        describeProperties(openApi.getComponents().getSchemas().get("Accuracy"), ACCURACY);
        describeProperties(openApi.getComponents().getSchemas().get("Analysis"), ANALYSIS);
    }

    private static void describe(Schema<?> schema, String description) {
        if (schema != null) {
            schema.setDescription(description);
        }
    }

    private static void describeProperties(Schema<?> schema, Map<String, String> descriptions) {
        if (schema != null && schema.getProperties() != null) {
            descriptions.forEach((name, text) -> describe(schema.getProperties().get(name), text));
        }
    }
}
