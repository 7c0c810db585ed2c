package io.quantizer.engine.quantize;

import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.recipe.QuantizationRecipe.Target;

/**
 * What a {@link Target} means for the numbers and the graph, in one place:
 * <ul>
 *   <li>{@code cpu-vnni}: the recipe's activation type (uint8 by default) with full-range int8 weights; ONNX
 *       Runtime's U8S8 kernels use VNNI dot products, which accumulate in int32.</li>
 *   <li>{@code cpu-avx2}: the same with 7-bit weights (|q| ≤ 63). Without VNNI, ONNX Runtime's MLAS computes U8S8
 *       with {@code vpmaddubsw}, which adds two uint8×int8 products into a saturating int16: 255·127·2 = 64770
 *       overflows 32767, 255·63·2 = 32130 does not. ONNX Runtime documents the same remedy as
 *       {@code reduce_range}.</li>
 *   <li>{@code tensorrt}: symmetric int8 activations and weights (zero point 0), Q/DQ only where TensorRT's
 *       fusions want them ({@link TensorRtPlacement}), float biases (TensorRT folds them into its kernels).</li>
 *   <li>{@code npu-a16w8}: uint16 activations, int8 weights; 16-bit QuantizeLinear needs opset 21.</li>
 * </ul>
 *
 * @param weightLevels     largest weight magnitude in steps
 * @param minOpset         the default-domain opset the Q/DQ nodes need
 * @param ortCpuPlacement  whether Q/DQ follow ONNX Runtime's CPU fusions (else TensorRT's)
 */
public record TargetProfile(Target target, QuantParams.ElementType activationType, boolean symmetricActivations,
                            int weightLevels, long minOpset, boolean ortCpuPlacement) {

    /** 7-bit weights: no pair of uint8×int8 products overflows int16. */
    public static final int REDUCED_WEIGHT_LEVELS = 63;
    /** Opset whose QuantizeLinear/DequantizeLinear take 16-bit integers. */
    public static final long SIXTEEN_BIT_OPSET = 21;

    public static TargetProfile of(QuantizationRecipe recipe) {
        QuantizationRecipe r = recipe.withDefaults();
        QuantParams.ElementType activations = switch (r.activationType()) {
            case INT8 -> QuantParams.ElementType.INT8;
            case UINT16 -> QuantParams.ElementType.UINT16;
            case UINT8 -> QuantParams.ElementType.UINT8;
        };
        return switch (r.target()) {
            case CPU_VNNI -> new TargetProfile(r.target(), activations, r.symmetricActivations(),
                    QuantParams.FULL_WEIGHT_LEVELS, 0, true);
            case CPU_AVX2 -> new TargetProfile(r.target(), activations, r.symmetricActivations(),
                    REDUCED_WEIGHT_LEVELS, 0, true);
            case TENSORRT -> new TargetProfile(r.target(), activations, true, QuantParams.FULL_WEIGHT_LEVELS, 0,
                    false);
            case NPU_A16W8 -> new TargetProfile(r.target(), activations, r.symmetricActivations(),
                    QuantParams.FULL_WEIGHT_LEVELS, SIXTEEN_BIT_OPSET, true);
        };
    }

    /** Whether the activations are 16-bit: ONNX Runtime's CPU provider computes them through dequantization. */
    public boolean sixteenBitActivations() {
        return activationType == QuantParams.ElementType.UINT16;
    }
}
