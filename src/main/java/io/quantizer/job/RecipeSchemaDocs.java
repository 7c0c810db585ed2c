package io.quantizer.job;

import io.quantizer.engine.feed.FeedRule;
import io.quantizer.engine.feed.FeedTypes;
import io.swagger.v3.oas.models.media.Schema;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * Documents the recipe's {@code constantInputs} in the contract. The recipe record belongs to the engine, which
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
            Schema<?> target = recipe.getProperties().get("target");
            if (target != null) {
                target.setDescription(TARGET);
            }
        }
    }
}
