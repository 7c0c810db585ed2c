package io.quantizer.engine.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.TensorData;

/**
 * Operators that only move or select values (Reshape, Transpose, MaxPool, Slice, Gather, Split, Resize, Pad...):
 * when their data input is already quantized, their outputs reuse its scale and zero point, so ONNX Runtime drops
 * the Q/DQ pair around them and no requantization error is added. TopK's values are picked the same way (its
 * indices are not data). A Gather from a constant table quantizes the table itself.
 */
final class DataMovementQuantizer implements OpQuantizer {

    private final boolean allOutputs;

    /** @param allOutputs every float output shares (Split); otherwise only the first (MaxPool's indices are not data) */
    DataMovementQuantizer(boolean allOutputs) {
        this.allOutputs = allOutputs;
    }

    @Override
    public Verdict mark(NodeProto node, int index, QuantizationContext ctx) {
        String x = node.getInput(0);
        if (node.getOpType().equals("Gather") && ctx.floatConstant(x) != null) {
            return markTable(node, x, ctx);
        }
        if (!ctx.plan().isActivation(x)) {
            return Verdict.kept("input '" + x + "' is not quantized, so there are no parameters to reuse");
        }
        if (node.getOpType().equals("Pad") && !padsWithZero(node, ctx)) {
            return Verdict.kept("pads with a non-zero constant, which the input's range may not hold");
        }
        int outputs = allOutputs ? node.getOutputCount() : 1;
        boolean marked = false;
        for (int o = 0; o < outputs; o++) {
            String y = node.getOutput(o);
            if (!y.isEmpty() && ctx.index().isFloat(y)) {
                ctx.plan().shared(y, x);
                marked = true;
            }
        }
        return marked ? Verdict.quantized("reuses the input's parameters") : Verdict.kept("output is not float");
    }

    /**
     * Gather from a constant table (an embedding): the table is stored as 8-bit integers, quantized per tensor
     * like an activation, and the rows selected reuse its parameters, so ONNX Runtime gathers the integers and
     * dequantizes only the rows it picked.
     */
    private static Verdict markTable(NodeProto node, String table, QuantizationContext ctx) {
        QuantizationPlan.Constant marked = ctx.plan().constant(table);
        if (marked != null && marked.axis() != null) {
            return Verdict.kept("table '" + table + "' is also a per-channel weight elsewhere");
        }
        String y = node.getOutput(0);
        if (!ctx.index().isFloat(y)) {
            return Verdict.kept("output is not float");
        }
        ctx.readQuantized(table);
        ctx.plan().shared(y, table);
        return Verdict.quantized("8-bit table; the gathered rows reuse its parameters");
    }

    private static boolean padsWithZero(NodeProto node, QuantizationContext ctx) {
        if (!Attributes.getString(node, "mode", "constant").equals("constant")) {
            return true;
        }
        if (Attributes.getFloat(node, "value", 0f) != 0f) {
            return false;
        }
        if (node.getInputCount() < 3 || node.getInput(2).isEmpty()) {
            return true;
        }
        TensorProto value = ctx.floatConstant(node.getInput(2));
        return value != null && TensorData.elementCount(value) == 1 && TensorData.floats(value)[0] == 0f;
    }
}
