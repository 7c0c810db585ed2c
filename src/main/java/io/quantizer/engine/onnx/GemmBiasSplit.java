package io.quantizer.engine.onnx;

import java.util.List;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * ONNX Runtime's QGemm takes only a per-column int32 bias, added at scale 1. A Gemm with a constant 2-D B whose C
 * is anything else (an activation, a full [M, N] matrix, a scalar, or any C with alpha or beta not 1) is split
 * into {@code Gemm(A, B; alpha)} and {@code Add(., beta * C)}, so the product can still run as QGemm and the sum
 * as QLinearAdd; the function computed is the same ({@code beta * C} is folded into the constant, or a Mul when C
 * is an activation).
 */
public final class GemmBiasSplit {

    private GemmBiasSplit() {
    }

    public static ModelProto apply(ModelProto model, List<String> notes) {
        GraphIndex index = new GraphIndex(model.getGraph());
        UniqueNames names = new UniqueNames(model.getGraph());
        GraphProto.Builder graph = model.getGraph().toBuilder().clearNode();
        int split = 0;
        for (NodeProto node : model.getGraph().getNodeList()) {
            if (!needsSplit(node, index)) {
                graph.addNode(node);
                continue;
            }
            split++;
            String c = node.getInput(2);
            String y = node.getOutput(0);
            float beta = Attributes.getFloat(node, "beta", 1f);
            String product = names.fresh(y + "_product");
            NodeProto.Builder gemm = Attributes.without(node, "beta").toBuilder().clearInput()
                    .addInput(node.getInput(0)).addInput(node.getInput(1)).setOutput(0, product);
            graph.addNode(gemm);
            String addend = c;
            TensorProto constant = index.constant(c);
            if (beta != 1f && constant != null) {
                float[] values = TensorData.floats(constant);
                for (int i = 0; i < values.length; i++) {
                    values[i] *= beta;
                }
                addend = names.fresh(c + "_beta");
                graph.addInitializer(TensorData.floatTensor(addend, TensorData.shape(constant.getDimsList()), values));
            } else if (beta != 1f) {
                String betaName = names.fresh(node.getName() + "_beta");
                graph.addInitializer(TensorData.floatTensor(betaName, new long[0], new float[] {beta}));
                addend = names.fresh(c + "_beta");
                graph.addNode(NodeProto.newBuilder().setName(names.fresh(node.getName() + "_scale_c")).setOpType("Mul")
                        .addInput(c).addInput(betaName).addOutput(addend));
            }
            graph.addNode(NodeProto.newBuilder().setName(names.fresh(node.getName() + "_add_c")).setOpType("Add")
                    .addInput(product).addInput(addend).addOutput(y));
        }
        if (split == 0) {
            return model;
        }
        notes.add("split the C input of " + split + " Gemm(s) into a following Add (QGemm takes only a per-column"
                + " bias at scale 1)");
        return model.toBuilder().setGraph(graph).build();
    }

    private static boolean needsSplit(NodeProto node, GraphIndex index) {
        if (!node.getOpType().equals("Gemm") || !Opsets.isDefaultDomain(node.getDomain()) || node.getInputCount() < 3
                || node.getInput(2).isEmpty()) {
            return false;
        }
        TensorProto b = index.constant(node.getInput(1));
        if (b == null || b.getDataType() != TensorProto.DataType.FLOAT_VALUE || b.getDimsCount() != 2
                || !index.isFloat(node.getInput(0))) {
            return false;
        }
        long n = b.getDims(Attributes.getInt(node, "transB", 0) != 0 ? 0 : 1);
        TensorProto c = index.constant(node.getInput(2));
        boolean plainBias = c != null && c.getDataType() == TensorProto.DataType.FLOAT_VALUE
                && Attributes.getFloat(node, "alpha", 1f) == 1f && Attributes.getFloat(node, "beta", 1f) == 1f
                && c.getDimsCount() <= 2 && TensorData.elementCount(c) == n
                && (c.getDimsCount() < 2 || c.getDims(0) == 1);
        return !plainBias;
    }
}
