package io.quantizer.engine.calibration;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.TensorData;

/**
 * The MinMax graph: each observed tensor reduced inside ONNX Runtime to a few scalars, so that no activation is
 * copied out. The reductions are chosen to keep ONNX Runtime's fast paths:
 * <ul>
 *   <li>A rank-4 activation (N, C, H, W) starts with GlobalMaxPool, which runs in ONNX Runtime's blocked NCHWc
 *       layout. A plain ReduceMax would make ONNX Runtime convert the tensor out of that layout first: measured on
 *       MobileNetV2 (63 observed tensors), ReduceMin + ReduceMax cost 1.9–2.2× a forward pass, the pooled form
 *       1.4–1.5×. Its minimum is the maximum of its negation, made by a 1×1 depthwise Conv of weight −1, which
 *       stays in that layout too.</li>
 *   <li>A tensor that cannot be negative (the output of Relu, or of Clip with a constant minimum ≥ 0) skips the
 *       minimum: the op's lower bound stands in for it. The range is widened to hold 0 anyway, so the result is
 *       the same as observing it.</li>
 *   <li>Any other tensor gets ReduceMin and ReduceMax over all axes.</li>
 * </ul>
 */
final class ExtremesGraph {

    private static final String PREFIX = "quantizer_extremes_";

    /**
     * Where one tensor's batch extremes come out.
     *
     * @param max         scalar output holding the maximum
     * @param min         scalar output holding the minimum, or its negation when {@code minNegated}; null when
     *                    {@code lowerBound} stands in for it
     * @param lowerBound  the producer's constant lower bound, when the minimum is not observed
     * @param count       int64 scalar output: how many elements the reduced tensor had
     * @param countFactor what {@code count} is multiplied by to give the tensor's element count (H·W when the count
     *                    is taken of the pooled tensor)
     */
    record Readout(String max, String min, boolean minNegated, Float lowerBound, String count, long countFactor) {

        /** How many values the tensor held in the run. */
        long count(OrtSession.Result result) throws OrtException {
            return (Long) value(result, count) * countFactor;
        }

        /** The tensor's {min, max} in the run. */
        float[] extremes(OrtSession.Result result) throws OrtException {
            float maximum = (Float) value(result, max);
            if (min == null) {
                return new float[] {lowerBound, maximum};
            }
            float reduced = (Float) value(result, min);
            return new float[] {minNegated ? -reduced : reduced, maximum};
        }

        private static Object value(OrtSession.Result result, String name) throws OrtException {
            return ((OnnxTensor) result.get(name).orElseThrow()).getValue();
        }
    }

    /** The outputs a run must fetch for {@code readouts}; counts only when asked for. */
    static Set<String> outputs(Collection<Readout> readouts, boolean counts) {
        Set<String> names = new LinkedHashSet<>();
        for (Readout r : readouts) {
            names.add(r.max());
            if (r.min() != null) {
                names.add(r.min());
            }
            if (counts) {
                names.add(r.count());
            }
        }
        return names;
    }

    /**
     * The shapes ONNX Runtime infers for {@code tensors} from the model's declarations (−1 for each dimension it
     * cannot tell), read from an unoptimised session created only to ask.
     */
    static Map<String, long[]> inferShapes(ModelProto model, Set<String> tensors) throws OrtException {
        Map<String, long[]> shapes = new HashMap<>();
        if (tensors.isEmpty()) {
            return shapes;
        }
        OrtSession probe = CalibrationRunner.createSession(GraphAugmenter.withOutputs(model, tensors),
                OrtSession.SessionOptions.OptLevel.NO_OPT);
        try {
            for (Map.Entry<String, NodeInfo> e : probe.getOutputInfo().entrySet()) {
                if (tensors.contains(e.getKey()) && e.getValue().getInfo() instanceof TensorInfo info) {
                    shapes.put(e.getKey(), info.getShape());
                }
            }
        } finally {
            CalibrationRunner.closeSession(probe);
        }
        return shapes;
    }

    private ExtremesGraph() {
    }

    /**
     * @param shapes each tensor's shape as ONNX Runtime infers it (−1 where unknown), or null for all: a rank-4
     *               tensor with known channels, height and width is pooled, any other reduced plainly
     * @param out    receives each tensor's readout
     */
    static ModelProto build(ModelProto model, Set<String> tensors, Map<String, long[]> shapes,
                            Map<String, Readout> out) {
        GraphProto source = model.getGraph();
        Map<String, NodeProto> producers = new HashMap<>();
        source.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producers.put(o, n)));
        Map<String, TensorProto> initializers = new HashMap<>();
        source.getInitializerList().forEach(t -> initializers.put(t.getName(), t));

        GraphProto.Builder graph = source.toBuilder();
        Map<String, Readout> added = new LinkedHashMap<>();
        int i = 0;
        for (String tensor : tensors) {
            long[] shape = shapes == null ? null : shapes.get(tensor);
            String p = PREFIX + i++ + "_";
            Float bound = lowerBound(producers.get(tensor), initializers);
            Readout readout = shape != null && pooled(shape)
                    ? addPooled(graph, tensor, shape, bound, p)
                    : addReduced(graph, tensor, bound, p);
            GraphAugmenter.addOutput(graph, readout.max(), false);
            if (readout.min() != null) {
                GraphAugmenter.addOutput(graph, readout.min(), false);
            }
            GraphAugmenter.addOutput(graph, readout.count(), true);
            added.put(tensor, readout);
        }
        out.putAll(added);
        return model.toBuilder().setGraph(graph).build();
    }

    /** Rank 4 with a known channel count and spatial size: what GlobalMaxPool and the negating Conv need. */
    private static boolean pooled(long[] shape) {
        return shape.length == 4 && shape[1] > 0 && shape[2] > 0 && shape[3] > 0
                && shape[1] <= Integer.MAX_VALUE;
    }

    private static Readout addPooled(GraphProto.Builder graph, String tensor, long[] shape, Float bound, String p) {
        graph.addNode(node("GlobalMaxPool", tensor, p + "pooled_max"));
        graph.addNode(reduce("ReduceMax", p + "pooled_max", p + "max"));
        graph.addNode(node("Size", p + "pooled_max", p + "count"));
        String min = null;
        if (bound == null) {
            int channels = (int) shape[1];
            float[] minusOne = new float[channels];
            java.util.Arrays.fill(minusOne, -1f);
            graph.addInitializer(TensorData.floatTensor(p + "minus_one", new long[] {channels, 1, 1, 1}, minusOne));
            graph.addNode(NodeProto.newBuilder().setOpType("Conv").setName(p + "negate")
                    .addInput(tensor).addInput(p + "minus_one").addOutput(p + "negated")
                    .addAttribute(Attributes.ofInt("group", channels)));
            graph.addNode(node("GlobalMaxPool", p + "negated", p + "pooled_negated"));
            graph.addNode(reduce("ReduceMax", p + "pooled_negated", p + "negated_min"));
            min = p + "negated_min";
        }
        return new Readout(p + "max", min, true, bound, p + "count", shape[2] * shape[3]);
    }

    private static Readout addReduced(GraphProto.Builder graph, String tensor, Float bound, String p) {
        graph.addNode(reduce("ReduceMax", tensor, p + "max"));
        graph.addNode(node("Size", tensor, p + "count"));
        String min = null;
        if (bound == null) {
            graph.addNode(reduce("ReduceMin", tensor, p + "min"));
            min = p + "min";
        }
        return new Readout(p + "max", min, false, bound, p + "count", 1);
    }

    /**
     * The constant lower bound of what {@code producer} outputs, when it clamps below at 0 or above: Relu, or a Clip
     * whose minimum is a constant (attribute before opset 11, initializer after). Null otherwise.
     */
    static Float lowerBound(NodeProto producer, Map<String, TensorProto> initializers) {
        if (producer == null || !producer.getDomain().isEmpty() && !producer.getDomain().equals("ai.onnx")) {
            return null;
        }
        if (producer.getOpType().equals("Relu")) {
            return 0f;
        }
        if (!producer.getOpType().equals("Clip")) {
            return null;
        }
        float min = Attributes.getFloat(producer, "min", Float.NEGATIVE_INFINITY);
        if (producer.getInputCount() > 1 && !producer.getInput(1).isEmpty()) {
            TensorProto constant = initializers.get(producer.getInput(1));
            if (constant == null || !TensorData.isFloating(constant) || TensorData.elementCount(constant) != 1) {
                return null;
            }
            min = TensorData.floats(constant)[0];
        }
        return min >= 0f ? min : null;
    }

    private static NodeProto node(String op, String input, String output) {
        return NodeProto.newBuilder().setOpType(op).setName(output + "_node").addInput(input).addOutput(output).build();
    }

    /** Reduces over every axis (no axes given, the default in every opset) to a scalar. */
    private static NodeProto reduce(String op, String input, String output) {
        return NodeProto.newBuilder().setOpType(op).setName(output + "_node").addInput(input).addOutput(output)
                .addAttribute(AttributeProto.newBuilder().setName("keepdims").setType(AttributeProto.AttributeType.INT)
                        .setI(0))
                .build();
    }
}
