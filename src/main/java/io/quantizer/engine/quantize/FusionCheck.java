package io.quantizer.engine.quantize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.onnx.OnnxModels;
import io.quantizer.engine.runtime.Ort;

/**
 * Checks that ONNX Runtime really turns a QDQ model into int8 kernels: it loads the model at ORT_ENABLE_ALL,
 * reads back the optimised graph, and reports every float Conv/MatMul/Gemm still fed by a
 * DequantizeLinear (the pattern was not fused, so the node runs in float after paying for Q/DQ).
 */
public final class FusionCheck {

    /** Integer kernels ONNX Runtime's CPU provider fuses QDQ patterns into. */
    public static final Set<String> INT8_KERNELS = Set.of("QLinearConv", "QLinearMatMul", "MatMulInteger",
            "MatMulIntegerToFloat", "DynamicQuantizeMatMul", "QGemm", "ConvInteger", "QLinearConvTranspose",
            "QLinearAdd", "QLinearMul", "QLinearConcat", "QLinearAveragePool", "QLinearGlobalAveragePool",
            "QLinearSigmoid", "QLinearLeakyRelu", "QLinearSoftmax", "QLinearWhere");
    /** ConvTranspose is not listed: ONNX Runtime 1.29's CPU provider has no QDQ fusion for it at all. */
    private static final Set<String> FLOAT_COMPUTE = Set.of("Conv", "MatMul", "Gemm", "FusedConv", "FusedGemm",
            "FusedMatMul");
    /** Layout nodes ONNX Runtime inserts between a DequantizeLinear and a float Conv it converted to NCHWc. */
    private static final Set<String> LAYOUT = Set.of("ReorderInput", "ReorderOutput", "Transpose", "Reshape");

    /**
     * @param opCounts     node count per op type ("domain:op" outside the default domain) of the optimised graph
     * @param unfusedNodes "name (op)" of every float compute node still reading a DequantizeLinear output
     */
    public record Result(Map<String, Integer> opCounts, List<String> unfusedNodes) {

        public int int8Kernels() {
            return opCounts.entrySet().stream().filter(e -> INT8_KERNELS.contains(opType(e.getKey())))
                    .mapToInt(Map.Entry::getValue).sum();
        }

        public int count(String opType) {
            return opCounts.entrySet().stream().filter(e -> opType(e.getKey()).equals(opType))
                    .mapToInt(Map.Entry::getValue).sum();
        }

        public boolean fullyFused() {
            return unfusedNodes.isEmpty();
        }

        private static String opType(String key) {
            int colon = key.lastIndexOf(':');
            return colon < 0 ? key : key.substring(colon + 1);
        }
    }

    private FusionCheck() {
    }

    /**
     * Optimises {@code quantizedModel} the way evaluation runs it and inspects the result; the optimised graph is
     * written to {@code optimizedOut}, kept for inspection.
     *
     * @param exemptNodes names of nodes the recipe kept in float on purpose
     */
    public static Result check(Path quantizedModel, Path optimizedOut, Set<String> exemptNodes)
            throws IOException, OrtException {
        Files.createDirectories(optimizedOut.toAbsolutePath().getParent());
        try (OrtSession.SessionOptions options = Ort.sessionOptions(OptLevel.ALL_OPT)) {
            options.setOptimizedModelFilePath(optimizedOut.toString());
            try (OrtSession session = Ort.environment().createSession(quantizedModel.toString(), options)) {
                session.getNumInputs();
            }
        }
        return inspect(OnnxModels.load(optimizedOut), exemptNodes);
    }

    public static Result inspect(ModelProto optimized, Set<String> exemptNodes) {
        GraphIndex index = new GraphIndex(optimized.getGraph());
        Map<String, Integer> counts = new TreeMap<>();
        List<String> unfused = new ArrayList<>();
        for (NodeProto node : optimized.getGraph().getNodeList()) {
            String domain = node.getDomain();
            counts.merge(domain.isEmpty() || domain.equals("ai.onnx") ? node.getOpType() : domain + ":" + node.getOpType(),
                    1, Integer::sum);
            if (FLOAT_COMPUTE.contains(node.getOpType()) && !exemptNodes.contains(node.getName())
                    && readsDequantized(node, index)) {
                unfused.add(node.getName() + " (" + node.getOpType() + ")");
            }
        }
        return new Result(counts, unfused);
    }

    private static boolean readsDequantized(NodeProto node, GraphIndex index) {
        for (String input : node.getInputList()) {
            String current = input;
            for (int hops = 0; hops < 4 && !current.isEmpty(); hops++) {
                int producer = index.producer(current);
                if (producer < 0) {
                    break;
                }
                NodeProto p = index.node(producer);
                if (p.getOpType().equals("DequantizeLinear")) {
                    return true;
                }
                if (!LAYOUT.contains(p.getOpType()) || p.getInputCount() == 0) {
                    break;
                }
                current = p.getInput(0);
            }
        }
        return false;
    }
}
