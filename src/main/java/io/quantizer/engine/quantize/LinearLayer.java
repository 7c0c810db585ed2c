package io.quantizer.engine.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.onnx.TensorData;

/**
 * A MatMul or Gemm that multiplies an activation by a constant 2-D float weight, seen as {@code y = x·W (+ b)}
 * with {@code W} laid out [K, N] whatever the node's transposition: what the dynamic and weight-only rewrites
 * replace. {@link #of} says why a node is not one.
 *
 * @param weight K×N values, row-major
 * @param bias   N values already scaled by Gemm's beta, or null
 */
record LinearLayer(String input, String weightName, float[] weight, int k, int n, float[] bias, String output) {

    /** The layer, or a {@link Refusal} naming why the node is not a constant-weight product. */
    sealed interface Reading permits LinearLayer.Found, LinearLayer.Refusal {
    }

    record Found(LinearLayer layer) implements Reading {
    }

    record Refusal(String reason) implements Reading {
    }

    static Reading of(NodeProto node, GraphIndex index) {
        String op = node.getOpType();
        if (node.getInputCount() < 2) {
            return new Refusal(op + " without a second operand");
        }
        TensorProto w = index.constant(node.getInput(1));
        if (w == null || !TensorData.isFloating(w) || w.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            return new Refusal("the right operand is not a constant float32 weight: only products with a weight"
                    + " are rewritten");
        }
        if (w.getDimsCount() != 2) {
            return new Refusal("the weight has " + w.getDimsCount() + " dimensions, not 2");
        }
        int rows = (int) w.getDims(0);
        int cols = (int) w.getDims(1);
        float[] values = TensorData.floats(w);
        if (op.equals("MatMul")) {
            return new Found(new LinearLayer(node.getInput(0), node.getInput(1), values, rows, cols, null,
                    node.getOutput(0)));
        }
        if (Attributes.getInt(node, "transA", 0) != 0 || Attributes.getFloat(node, "alpha", 1f) != 1f) {
            return new Refusal("Gemm with transA or alpha other than 1");
        }
        boolean transB = Attributes.getInt(node, "transB", 0) != 0;
        int k = transB ? cols : rows;
        int n = transB ? rows : cols;
        float[] kn = transB ? transpose(values, rows, cols) : values;
        float[] bias = null;
        if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
            TensorProto c = index.constant(node.getInput(2));
            if (c == null || c.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
                return new Refusal("Gemm whose bias is not a constant float32");
            }
            float[] cv = TensorData.floats(c);
            if (!(cv.length == n || cv.length == 1) || (c.getDimsCount() == 2 && c.getDims(0) != 1)) {
                return new Refusal("Gemm whose bias is not one value per output column");
            }
            float beta = Attributes.getFloat(node, "beta", 1f);
            bias = new float[n];
            for (int j = 0; j < n; j++) {
                bias[j] = beta * cv[cv.length == 1 ? 0 : j];
            }
        }
        return new Found(new LinearLayer(node.getInput(0), node.getInput(1), kn, k, n, bias, node.getOutput(0)));
    }

    private static float[] transpose(float[] values, int rows, int cols) {
        float[] out = new float[values.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = values[r * cols + c];
            }
        }
        return out;
    }
}
