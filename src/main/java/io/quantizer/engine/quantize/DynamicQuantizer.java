package io.quantizer.engine.quantize;

import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.quantizer.engine.recipe.QuantizationRecipe;

/**
 * Dynamic int8 quantization: weights of MatMul and Gemm stored as int8 (per output column by default), their
 * activations quantized to uint8 at run time by DynamicQuantizeLinear, the product computed by MatMulInteger and
 * scaled back to float. ONNX Runtime fuses the pattern into its DynamicQuantizeMatMul kernel. No calibration:
 * nothing else in the graph changes. The registry is this mode's own, as ONNX Runtime's IntegerOpsRegistry is.
 */
public final class DynamicQuantizer {

    static final String UNHANDLED = "dynamic mode quantizes only MatMul and Gemm with a constant weight; computed in"
            + " float";

    private final QuantizationRecipe recipe;
    private final Map<String, NodeRewrite.OpRewriter> registry;

    public DynamicQuantizer(QuantizationRecipe recipe) {
        this.recipe = recipe.withDefaults();
        DynamicMatMulRewriter matmul = new DynamicMatMulRewriter(this.recipe.perChannel());
        this.registry = Map.of("MatMul", matmul, "Gemm", matmul);
    }

    public QuantizationOutcome quantize(ModelProto prepared) {
        return NodeRewrite.apply(prepared, recipe, registry, UNHANDLED, Map.of(), List.of(
                "activations are quantized to uint8 at run time (DynamicQuantizeLinear); no calibration ran"));
    }
}
