package io.quantizer.engine.quantize;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The one place that says which operator types are quantized, and by which op quantizer. */
final class OpQuantizerRegistry {

    private static final List<String> DATA_MOVEMENT = List.of("Reshape", "Transpose", "Flatten", "Squeeze",
            "Unsqueeze", "Slice", "Gather", "GatherElements", "Resize", "Pad", "MaxPool", "Expand", "Tile",
            "DepthToSpace", "SpaceToDepth", "Identity", "TopK");

    private final Map<String, OpQuantizer> byOpType = new HashMap<>();

    OpQuantizerRegistry() {
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
        return Optional.ofNullable(byOpType.get(opType));
    }

    private void register(OpQuantizer quantizer, String... opTypes) {
        for (String opType : opTypes) {
            byOpType.put(opType, quantizer);
        }
    }
}
