package io.quantizer.engine.quantize;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place that says which operator types are quantized, and by which op quantizer: ONNX Runtime's CPU
 * fusions by default, TensorRT's placement for that target ({@link #forTensorRt()}).
 */
final class OpQuantizerRegistry {

    private static final List<String> DATA_MOVEMENT = List.of("Reshape", "Transpose", "Flatten", "Squeeze",
            "Unsqueeze", "Slice", "Gather", "GatherElements", "Resize", "Pad", "MaxPool", "Expand", "Tile",
            "DepthToSpace", "SpaceToDepth", "Identity", "TopK");

    private final Map<String, OpQuantizer> byOpType = new HashMap<>();
    /** Decides operators no quantizer is registered for; null: they stay float between DQ and Q. */
    private final OpQuantizer fallback;

    private OpQuantizerRegistry(OpQuantizer fallback) {
        this.fallback = fallback;
    }

    /** Q/DQ placed where TensorRT's fusions need them ({@link TensorRtPlacement}). */
    static OpQuantizerRegistry forTensorRt() {
        OpQuantizerRegistry registry = new OpQuantizerRegistry(TensorRtPlacement.UNTOUCHED);
        TensorRtPlacement.register(registry::register);
        return registry;
    }

    OpQuantizerRegistry() {
        this.fallback = null;
        OpQuantizer conv = new ConvQuantizer();
        register(conv, "Conv", "ConvTranspose");
        register(new MatMulQuantizer(), "MatMul");
        register(new GemmQuantizer(), "Gemm");
        register(new BinaryQuantizer(), "Add", "Mul");
        register(new ActivationFolder(), "Relu", "Clip");
        register(new OwnOutputQuantizer(), "LeakyRelu", "Sigmoid", "AveragePool", "GlobalAveragePool", "Concat");
        register(new NormalizationQuantizer(), "BatchNormalization", "InstanceNormalization", "LayerNormalization");
        register(new ArgMaxQuantizer(), "ArgMax", "ArgMin");
        register(new FloatIslandQuantizer(), "HardSwish", "HardSigmoid", "Div");
        register(new OwnOutputQuantizer(1, 2), "Where");
        register(new SoftmaxQuantizer(), "Softmax");
        register(new DataMovementQuantizer(false), DATA_MOVEMENT.toArray(String[]::new));
        register(new DataMovementQuantizer(true), "Split");
    }

    Optional<OpQuantizer> forOpType(String opType) {
        return Optional.ofNullable(byOpType.getOrDefault(opType, fallback));
    }

    private void register(OpQuantizer quantizer, String... opTypes) {
        for (String opType : opTypes) {
            byOpType.put(opType, quantizer);
        }
    }
}
