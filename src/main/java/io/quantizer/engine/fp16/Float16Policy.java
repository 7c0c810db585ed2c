package io.quantizer.engine.fp16;

import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.onnx.TensorData;

/**
 * Which nodes compute in float16, and why the others stay float32. Only operators whose float outputs follow
 * their float inputs are converted (so a float16 input gives a float16 output); the numerically sensitive ones
 * stay float32 whatever their type, and so does any node reading a constant float16 cannot hold.
 */
final class Float16Policy {

    /** float16's largest finite value. */
    static final float MAX_HALF = 65504f;
    /** float16's smallest normal value: below it, precision falls away bit by bit. */
    static final float MIN_NORMAL_HALF = 6.103515625e-5f;

    private static final Set<String> CONVERTED = Set.of("Conv", "ConvTranspose", "MatMul", "Gemm", "Add", "Sub", "Mul",
            "Div", "Relu", "LeakyRelu", "PRelu", "Sigmoid", "Tanh", "Clip", "Elu", "Selu", "Softplus", "HardSigmoid",
            "HardSwish", "Erf", "Gelu", "Neg", "Abs", "Sqrt", "Max", "Min", "MaxPool", "AveragePool",
            "GlobalAveragePool", "GlobalMaxPool", "BatchNormalization", "Concat", "Reshape", "Transpose", "Flatten",
            "Squeeze", "Unsqueeze", "Slice", "Gather", "Split", "Pad", "Where", "Expand", "Tile", "Identity",
            "Dropout", "DepthToSpace", "SpaceToDepth", "ArgMax", "ArgMin", "Equal", "Less", "Greater", "LessOrEqual",
            "GreaterOrEqual", "TopK");

    private static final Map<String, String> SENSITIVE = Map.ofEntries(
            Map.entry("Softmax", "exponentials and their sum overflow or lose precision in float16"),
            Map.entry("LogSoftmax", "exponentials and their sum overflow or lose precision in float16"),
            Map.entry("LayerNormalization", "mean and variance reductions lose precision in float16"),
            Map.entry("InstanceNormalization", "mean and variance reductions lose precision in float16"),
            Map.entry("GroupNormalization", "mean and variance reductions lose precision in float16"),
            Map.entry("ReduceMean", "a reduction accumulates rounding error in float16"),
            Map.entry("ReduceSum", "a reduction accumulates rounding error and overflows in float16"),
            Map.entry("ReduceSumSquare", "squares overflow float16's range (65504)"),
            Map.entry("ReduceL2", "squares overflow float16's range (65504)"),
            Map.entry("ReduceLogSumExp", "exponentials overflow float16's range (65504)"),
            Map.entry("Exp", "exponentials overflow float16's range (65504) from x > 11"),
            Map.entry("Log", "the logarithm of small float16 values loses precision"),
            Map.entry("Pow", "powers overflow float16's range (65504)"),
            Map.entry("Reciprocal", "reciprocals of small values overflow float16's range (65504)"),
            Map.entry("CumSum", "a running sum accumulates rounding error in float16"));

    private Float16Policy() {
    }

    /** Null when the node computes in float16, else why it stays float32. */
    static String keptReason(NodeProto node, GraphIndex index) {
        String sensitive = SENSITIVE.get(node.getOpType());
        if (sensitive != null) {
            return "kept in float32: " + sensitive;
        }
        if (!CONVERTED.contains(node.getOpType())) {
            return "kept in float32: " + node.getOpType() + " is not among the operators converted to float16";
        }
        for (String input : node.getInputList()) {
            TensorProto constant = input.isEmpty() ? null : index.constant(input);
            if (constant != null && constant.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                String why = outOfRange(constant);
                if (why != null) {
                    return "kept in float32: constant '" + input + "' " + why;
                }
            }
        }
        return null;
    }

    private static String outOfRange(TensorProto constant) {
        for (float v : TensorData.floats(constant)) {
            float a = Math.abs(v);
            if (Float.isFinite(v) && a > MAX_HALF) {
                return "holds " + v + ", beyond float16's range (65504)";
            }
            // one lone tiny value is a rounding detail; a scalar such as LayerNorm's epsilon is the whole constant
            if (a != 0 && a < MIN_NORMAL_HALF && TensorData.elementCount(constant) == 1) {
                return "holds " + v + ", below float16's normal range (6.1e-5)";
            }
        }
        return null;
    }
}
