package io.quantizer.engine.quantize;

import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.quantizer.engine.recipe.QuantizationRecipe;

/**
 * Weight-only quantization: every MatMul (and Gemm) with a constant 2-D weight becomes ONNX Runtime's
 * MatMulNBits with 4- or 8-bit block-wise weights; activations and every other operator stay float, so there is
 * nothing to calibrate. This mode's registry is its own, as ONNX Runtime keeps its MatMulNBits quantizer apart.
 */
public final class WeightOnlyQuantizer {

    /** MatMulNBits' contrib operator set version. */
    static final long CONTRIB_VERSION = 1;

    private final QuantizationRecipe recipe;

    public WeightOnlyQuantizer(QuantizationRecipe recipe) {
        this.recipe = recipe.withDefaults();
        if (this.recipe.weightOnly() == null) {
            throw new IllegalArgumentException("weight-only quantization needs the recipe's weightOnly settings");
        }
    }

    public QuantizationOutcome quantize(ModelProto prepared) {
        MatMulNBitsRewriter matmul = new MatMulNBitsRewriter(recipe.weightOnly());
        QuantizationOutcome done = NodeRewrite.apply(prepared, recipe, Map.of("MatMul", matmul, "Gemm", matmul),
                "weight-only mode quantizes only MatMul and Gemm with a constant weight; computed in float",
                Map.of(MatMulNBitsRewriter.DOMAIN, CONTRIB_VERSION),
                List.of("activations stay float: weights are dequantized block by block inside MatMulNBits"));
        return new QuantizationOutcome(done.model(), done.tensors(), done.nodes(), done.notes(), matmul.errors());
    }
}
