package io.quantizer.engine.quantize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.onnx.Opsets;
import io.quantizer.engine.onnx.TensorData;
import io.quantizer.engine.onnx.UniqueNames;

/**
 * Widens the input channels of a quantized Conv to a multiple of 4, with zeros: a Pad of
 * the quantized input with its zero point, between its QuantizeLinear and DequantizeLinear (an 8-bit Pad costs a
 * quarter of a float one there), and weight slices equal to the weight's zero point: both dequantize to exactly 0. The output is unchanged, bit for bit. ONNX Runtime's int8 convolution is much slower when the input
 * channels do not fill its 4-byte groups: measured on this CPU, padding the 3 RGB channels of MobileNetV2's first
 * layer took the model from 1.70× to 1.89× fp32 speed at batch 1, and the 1 grey channel of fmnist_cnn from 1.28×
 * to 1.59× (ResNet-50, whose first layer is a 7×7 on 3 channels, was unchanged). Image models read 1 or 3 channels,
 * so first layers are where it matters, whether they read the graph input or its transposed or normalised copy.
 */
final class InputChannelPadding {

    static final int GROUP = 4;
    private static final int MIN_PAD_OPSET = 11; // Pad takes its pads as an input from opset 11

    private InputChannelPadding() {
    }

    record Result(ModelProto model, List<String> notes) {
    }

    static Result apply(ModelProto model) {
        if (Opsets.defaultDomainVersion(model) < MIN_PAD_OPSET) {
            return new Result(model, List.of());
        }
        GraphIndex index = new GraphIndex(model.getGraph());
        GraphProto.Builder graph = model.getGraph().toBuilder();
        UniqueNames names = new UniqueNames(model.getGraph());
        List<String> notes = new ArrayList<>();
        Map<Integer, NodeProto> padAfter = new HashMap<>();
        for (int i = 0; i < index.nodes().size(); i++) {
            NodeProto conv = index.node(i);
            Candidate c = candidate(index, conv);
            if (c == null) {
                continue;
            }
            int channels = (int) c.weight().getDims(1);
            int extra = GROUP - channels % GROUP;
            int rank = c.weight().getDimsCount();
            long[] padding = new long[2 * rank];
            padding[rank + 1] = extra; // after the last channel of axis 1
            NodeProto quantize = index.node(c.quantize());
            String quantized = quantize.getOutput(0);
            String padsName = names.fresh(conv.getName() + "_channel_pads");
            String padded = names.fresh(quantized + "_channels_padded");
            graph.addInitializer(TensorData.int64Tensor(padsName, new long[] {padding.length}, padding));
            NodeProto.Builder pad = NodeProto.newBuilder().setOpType("Pad")
                    .setName(names.fresh(conv.getName() + "_channel_pad")).addInput(quantized).addInput(padsName)
                    .addOutput(padded);
            if (quantize.getInputCount() > 2 && !quantize.getInput(2).isEmpty()) {
                pad.addInput(quantize.getInput(2)); // the input's zero point: the padded channels read as 0
            }
            padAfter.put(c.quantize(), pad.build());
            graph.setNode(c.dequantize(), index.node(c.dequantize()).toBuilder().setInput(0, padded).build());
            replaceInitializer(graph, widened(c.weight(), c.zeroPoint(), extra));
            notes.add("Conv '" + conv.getName() + "': input channels padded with zeros from " + channels + " to "
                    + (channels + extra) + " (zero weights, same output) so that ONNX Runtime's int8 convolution"
                    + " takes its fast path");
        }
        if (padAfter.isEmpty()) {
            return new Result(model, notes);
        }
        List<NodeProto> nodes = new ArrayList<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            nodes.add(graph.getNode(i));
            if (padAfter.containsKey(i)) {
                nodes.add(padAfter.get(i));
            }
        }
        graph.clearNode().addAllNode(nodes);
        return new Result(model.toBuilder().setGraph(graph).build(), notes);
    }

    /**
     * A QuantizeLinear (per tensor) → DequantizeLinear → 2-D Conv (group 1) chain, whose Q and DQ serve that Conv
     * alone, and whose weight is an 8-bit initializer behind a DequantizeLinear with constant zero points. 1-D
     * convolutions are left alone: the speed-up was measured on 2-D ones, and a 1-D front end such as a learned
     * filter bank on one audio channel would grow its (large) weight fourfold.
     */
    private record Candidate(int quantize, int dequantize, TensorProto weight, TensorProto zeroPoint) {
    }

    private static Candidate candidate(GraphIndex index, NodeProto conv) {
        if (!conv.getOpType().equals("Conv") || !isDefaultDomain(conv) || conv.getInputCount() < 2
                || Attributes.getInt(conv, "group", 1) != 1) {
            return null;
        }
        // the padded DequantizeLinear output is the Conv's input, which keeps its name: it must have no other
        // reader (a graph output, a subgraph, another node) that would see the extra channels
        String input = conv.getInput(0);
        int dq = index.producer(input);
        if (dq < 0 || !index.node(dq).getOpType().equals("DequantizeLinear") || !readOnlyBy(index, input, 1)) {
            return null;
        }
        String quantized = index.node(dq).getInput(0);
        int q = index.producer(quantized);
        if (q < 0 || !index.node(q).getOpType().equals("QuantizeLinear") || !readOnlyBy(index, quantized, 1)) {
            return null;
        }
        NodeProto quantize = index.node(q);
        TensorProto inputScale = quantize.getInputCount() > 1 ? index.initializer(quantize.getInput(1)) : null;
        if (inputScale == null || TensorData.elementCount(inputScale) != 1) {
            return null; // a per-channel input scale would no longer match the widened channels
        }
        int wdq = index.producer(conv.getInput(1));
        if (wdq < 0 || !index.node(wdq).getOpType().equals("DequantizeLinear")
                || index.consumers(conv.getInput(1)).size() != 1) {
            return null;
        }
        NodeProto weightDq = index.node(wdq);
        TensorProto weight = index.initializer(weightDq.getInput(0));
        TensorProto zero = weightDq.getInputCount() > 2 ? index.initializer(weightDq.getInput(2)) : null;
        if (weight == null || zero == null || !isByte(weight) || weight.getRawData().isEmpty()
                || weight.getDimsCount() != 4 || weight.getDims(1) % GROUP == 0
                || index.consumers(weightDq.getInput(0)).size() != 1) {
            return null;
        }
        long zeros = TensorData.elementCount(zero);
        if (zero.getRawData().size() != zeros || zeros != 1 && zeros != weight.getDims(0)) {
            return null;
        }
        return new Candidate(q, dq, weight, zero);
    }

    /** Whether {@code tensor} is read by {@code readers} nodes of this graph and by nothing else. */
    private static boolean readOnlyBy(GraphIndex index, String tensor, int readers) {
        return index.consumers(tensor).size() == readers && !index.isGraphOutput(tensor)
                && !index.isReadBySubgraph(tensor);
    }

    /** The weight with {@code extra} more input channels, each holding its output channel's zero point. */
    private static TensorProto widened(TensorProto weight, TensorProto zeroPoint, int extra) {
        byte[] values = weight.getRawData().toByteArray();
        byte[] zeros = zeroPoint.getRawData().toByteArray();
        int out = (int) weight.getDims(0);
        int in = (int) weight.getDims(1);
        int kernel = (int) (TensorData.elementCount(weight) / ((long) out * in));
        int widenedIn = in + extra;
        byte[] result = new byte[out * widenedIn * kernel];
        for (int o = 0; o < out; o++) {
            int base = o * widenedIn * kernel;
            System.arraycopy(values, o * in * kernel, result, base, in * kernel);
            Arrays.fill(result, base + in * kernel, base + widenedIn * kernel, zeros[zeros.length == 1 ? 0 : o]);
        }
        long[] dims = TensorData.shape(weight.getDimsList());
        dims[1] = widenedIn;
        return TensorData.byteTensor(weight.getName(), dims, TensorProto.DataType.forNumber(weight.getDataType()),
                result);
    }

    private static void replaceInitializer(GraphProto.Builder graph, TensorProto replacement) {
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            if (graph.getInitializer(i).getName().equals(replacement.getName())) {
                graph.setInitializer(i, replacement);
                return;
            }
        }
        throw new IllegalStateException("initializer '" + replacement.getName() + "' vanished");
    }

    private static boolean isByte(TensorProto t) {
        return t.getDataType() == TensorProto.DataType.INT8_VALUE || t.getDataType() == TensorProto.DataType.UINT8_VALUE;
    }

    private static boolean isDefaultDomain(NodeProto node) {
        return node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
    }
}
