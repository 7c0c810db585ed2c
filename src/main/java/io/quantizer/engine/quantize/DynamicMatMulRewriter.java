package io.quantizer.engine.quantize;

import java.util.List;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.GraphEdit;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.onnx.TensorData;

/**
 * {@code y = x·W (+ b)} as DynamicQuantizeLinear(x) → MatMulInteger(x_q, W_q, x_zp) → Cast → Mul by
 * {@code x_scale · W_scale} (→ Add b): the shape ONNX Runtime's MatMulIntegerToFloat and DynamicQuantizeMatMul
 * fusions look for (the Cast's result is the Mul's first input, the scale product its second).
 */
final class DynamicMatMulRewriter implements NodeRewrite.OpRewriter {

    private final boolean perChannel;

    DynamicMatMulRewriter(boolean perChannel) {
        this.perChannel = perChannel;
    }

    @Override
    public NodeRewrite.Result rewrite(NodeProto node, GraphIndex index, GraphEdit edit, List<QuantizedTensor> tensors) {
        LinearLayer.Reading reading = LinearLayer.of(node, index);
        if (reading instanceof LinearLayer.Refusal refusal) {
            return NodeRewrite.Result.kept(refusal.reason() + "; computed in float");
        }
        LinearLayer layer = ((LinearLayer.Found) reading).layer();
        int[] dims = {layer.k(), layer.n()};
        QuantParams params;
        try {
            params = QuantParams.symmetricWeight(layer.weight(), dims, perChannel ? 1 : null);
        } catch (IllegalArgumentException e) { // a weight reaching inf: no scale represents it
            return NodeRewrite.Result.kept("the weight holds non-finite values; computed in float");
        }
        int[] q = params.quantize(layer.weight(), dims);
        String base = node.getName();
        String wq = edit.fresh(layer.weightName() + "_quantized");
        edit.addInitializer(TensorData.byteTensor(wq, new long[] {layer.k(), layer.n()}, DataType.INT8, q));
        long[] scaleDims = perChannel ? new long[] {layer.n()} : new long[0];
        String wScale = edit.floats(layer.weightName() + "_scale", scaleDims, params.scales());

        String xq = edit.fresh(base + "_input_quantized");
        String xScale = edit.fresh(base + "_input_scale");
        String xZero = edit.fresh(base + "_input_zero_point");
        edit.add(node("DynamicQuantizeLinear", base + "_quantize", List.of(layer.input()), List.of(xq, xScale, xZero),
                edit));
        String product = edit.fresh(base + "_int32");
        edit.add(node("MatMulInteger", base + "_matmul_integer", List.of(xq, wq, xZero), List.of(product), edit));
        String asFloat = edit.fresh(base + "_float");
        edit.add(node("Cast", base + "_cast", List.of(product), List.of(asFloat), edit).toBuilder()
                .addAttribute(Attributes.ofInt("to", DataType.FLOAT_VALUE)).build());
        String scale = edit.fresh(base + "_scale");
        edit.add(node("Mul", base + "_scale_product", List.of(xScale, wScale), List.of(scale), edit));
        if (layer.bias() == null) {
            edit.add(node("Mul", base + "_rescale", List.of(asFloat, scale), List.of(layer.output()), edit));
        } else {
            String unbiased = edit.fresh(base + "_unbiased");
            edit.add(node("Mul", base + "_rescale", List.of(asFloat, scale), List.of(unbiased), edit));
            String bias = edit.floats(base + "_bias", new long[] {layer.n()}, layer.bias());
            edit.add(node("Add", base + "_bias_add", List.of(unbiased, bias), List.of(layer.output()), edit));
        }
        float[] extremes = extremes(layer.weight());
        tensors.add(new QuantizedTensor(layer.weightName(), "weight", extremes[0], extremes[1], params.scales(),
                params.zeroPoints(), "int8", params.axis()));
        return NodeRewrite.Result.done("int8 weight; activation quantized to uint8 at run time");
    }

    static float[] extremes(float[] values) {
        float min = 0;
        float max = 0;
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new float[] {min, max};
    }

    private static NodeProto node(String op, String name, List<String> inputs, List<String> outputs, GraphEdit edit) {
        return NodeProto.newBuilder().setOpType(op).setName(edit.fresh(name)).addAllInput(inputs)
                .addAllOutput(outputs).build();
    }
}
