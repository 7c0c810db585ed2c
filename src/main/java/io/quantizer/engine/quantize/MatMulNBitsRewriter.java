package io.quantizer.engine.quantize;

import java.util.ArrayList;
import java.util.List;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.GraphEdit;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.onnx.TensorData;
import io.quantizer.engine.recipe.QuantizationRecipe;

/**
 * {@code y = x·W (+ b)} as ONNX Runtime's {@code com.microsoft.MatMulNBits(x, B, scales, zero_points)} with
 * attributes K, N, bits, block_size (and accuracy_level when set), followed by an Add for a Gemm's bias.
 */
final class MatMulNBitsRewriter implements NodeRewrite.OpRewriter {

    static final String DOMAIN = "com.microsoft";

    private final QuantizationRecipe.WeightOnly settings;
    private final BlockQuantizer quantizer;
    private final List<WeightError> errors = new ArrayList<>();

    MatMulNBitsRewriter(QuantizationRecipe.WeightOnly settings) {
        this.settings = settings;
        this.quantizer = new BlockQuantizer(settings.bits(), settings.blockSize(), settings.algorithm());
    }

    List<WeightError> errors() {
        return List.copyOf(errors);
    }

    @Override
    public NodeRewrite.Result rewrite(NodeProto node, GraphIndex index, GraphEdit edit, List<QuantizedTensor> tensors) {
        LinearLayer.Reading reading = LinearLayer.of(node, index);
        if (reading instanceof LinearLayer.Refusal refusal) {
            return NodeRewrite.Result.kept(refusal.reason() + "; computed in float");
        }
        LinearLayer layer = ((LinearLayer.Found) reading).layer();
        for (float v : layer.weight()) {
            if (!Float.isFinite(v)) {
                return NodeRewrite.Result.kept("the weight holds non-finite values; computed in float");
            }
        }
        int bits = settings.bits();
        BlockQuantizer.Packed packed = quantizer.quantize(layer.weight(), layer.k(), layer.n());
        String base = layer.weightName();
        String b = edit.fresh(base + "_q" + bits);
        edit.addInitializer(TensorData.byteTensor(b,
                new long[] {layer.n(), packed.blocks(), settings.blockSize() * bits / 8}, DataType.UINT8,
                packed.codes()));
        String scales = edit.floats(base + "_scales", new long[] {packed.scales().length}, packed.scales());
        String zeros = edit.fresh(base + "_zero_points");
        edit.addInitializer(TensorData.byteTensor(zeros, new long[] {packed.zeroPoints().length}, DataType.UINT8,
                packed.zeroPoints()));
        String out = layer.bias() == null ? layer.output() : edit.fresh(node.getName() + "_unbiased");
        NodeProto.Builder nbits = NodeProto.newBuilder().setOpType("MatMulNBits").setDomain(DOMAIN)
                .setName(edit.fresh(node.getName() + "_nbits")).addInput(layer.input()).addInput(b).addInput(scales)
                .addInput(zeros).addOutput(out)
                .addAttribute(Attributes.ofInt("K", layer.k())).addAttribute(Attributes.ofInt("N", layer.n()))
                .addAttribute(Attributes.ofInt("bits", bits))
                .addAttribute(Attributes.ofInt("block_size", settings.blockSize()));
        if (settings.accuracyLevel() > 0) {
            nbits.addAttribute(Attributes.ofInt("accuracy_level", settings.accuracyLevel()));
        }
        edit.add(nbits.build());
        if (layer.bias() != null) {
            String bias = edit.floats(node.getName() + "_bias", new long[] {layer.n()}, layer.bias());
            edit.add(NodeProto.newBuilder().setOpType("Add").setName(edit.fresh(node.getName() + "_bias_add"))
                    .addInput(out).addInput(bias).addOutput(layer.output()).build());
        }
        String type = "uint" + bits;
        errors.add(new WeightError(layer.weightName(), node.getName(), type, settings.blockSize(),
                packed.relativeError(), packed.sqnrDb()));
        return NodeRewrite.Result.done(String.format(java.util.Locale.ROOT,
                "%d-bit block-wise weight (block %d, %s): relative error %.4f", bits, settings.blockSize(),
                settings.algorithm().name().toLowerCase(java.util.Locale.ROOT), packed.relativeError()));
    }
}
