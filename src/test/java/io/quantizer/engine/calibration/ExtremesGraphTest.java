package io.quantizer.engine.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.quantizer.engine.data.NumpyDataset;
import io.quantizer.engine.runtime.FeedReader;
import io.quantizer.engine.runtime.ModelFeed;
import io.quantizer.engine.TestData;
import io.quantizer.engine.TinyModels;
import io.quantizer.engine.onnx.OrtTestRunner;
import io.quantizer.engine.recipe.QuantizationRecipe.CalibrationMethod;

/** MinMax through the reduced graph: pooled for image activations, bounds for clamped tensors, exact either way. */
class ExtremesGraphTest {

    private static final int SAMPLES = 50;
    private static final Set<String> OBSERVED = Set.of("a", "r", "c", "k", "flat");

    @TempDir
    Path dir;

    /**
     * x [N, 2, 6, 6] → Conv 3×3 (a, signed) → Relu (r, ≥ 0) → Conv 1×1 (c, signed) → Clip [0.25, 6] (k, ≥ 0.25)
     * → Flatten (flat, rank 2).
     */
    static ModelProto convChain() {
        Random random = new Random(11);
        NodeProto conv1 = TinyModels.node("Conv", "x", "w1", "a").toBuilder().addInput("b1")
                .addAttribute(TinyModels.ints("pads", 1, 1, 1, 1)).build();
        NodeProto clip = TinyModels.node("Clip", "c", "lo", "k").toBuilder().addInput("hi").build();
        GraphProto graph = GraphProto.newBuilder().setName("conv_chain")
                .addInput(TinyModels.floatValue("x", -1, 2, 6, 6))
                .addOutput(TinyModels.floatValue("flat", -1, 144))
                .addInitializer(TinyModels.floats("w1", random, 0.6f, 3, 2, 3, 3))
                .addInitializer(TinyModels.floats("b1", random, 0.2f, 3))
                .addInitializer(TinyModels.floats("w2", random, 0.8f, 4, 3, 1, 1))
                .addInitializer(scalar("lo", 0.25f))
                .addInitializer(scalar("hi", 6f))
                .addNode(conv1)
                .addNode(TinyModels.node("Relu", "a", null, "r"))
                .addNode(TinyModels.node("Conv", "r", "w2", "c"))
                .addNode(clip)
                .addNode(TinyModels.node("Flatten", "k", null, "flat"))
                .build();
        return TinyModels.model(graph, 13);
    }

    @Test
    void imageActivationsArePooledAndOnlySignedOnesAreNegated() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("a", new long[] {1, 3, 6, 6});
        shapes.put("r", new long[] {1, 3, 6, 6});
        shapes.put("flat", new long[] {1, 144});
        Map<String, ExtremesGraph.Readout> readouts = new HashMap<>();

        ModelProto built = ExtremesGraph.build(convChain(), shapes.keySet(), shapes, readouts);

        List<NodeProto> added = built.getGraph().getNodeList().subList(convChain().getGraph().getNodeCount(),
                built.getGraph().getNodeCount());
        assertThat(opsReading(added, "a")).containsExactlyInAnyOrder("GlobalMaxPool", "Conv");
        assertThat(opsReading(added, "r")).containsExactly("GlobalMaxPool");
        assertThat(opsReading(added, "flat")).containsExactlyInAnyOrder("ReduceMax", "Size", "ReduceMin");
        assertThat(readouts.get("a").minNegated()).isTrue();
        assertThat(readouts.get("a").countFactor()).isEqualTo(36);
        assertThat(readouts.get("r").min()).isNull();
        assertThat(readouts.get("r").lowerBound()).isEqualTo(0f);
        assertThat(readouts.get("flat").min()).isNotNull();
        assertThat(readouts.get("flat").countFactor()).isEqualTo(1);
    }

    @Test
    void clipLowerBoundsComeFromConstantsOnlyAndMustBeNonNegative() {
        Map<String, TensorProto> constants = Map.of("lo", scalar("lo", 0.25f), "neg", scalar("neg", -1f));
        NodeProto clip = TinyModels.node("Clip", "c", "lo", "k");
        assertThat(ExtremesGraph.lowerBound(clip, constants)).isEqualTo(0.25f);
        assertThat(ExtremesGraph.lowerBound(TinyModels.node("Clip", "c", "neg", "k"), constants)).isNull();
        assertThat(ExtremesGraph.lowerBound(TinyModels.node("Clip", "c", "computed", "k"), constants)).isNull();
        assertThat(ExtremesGraph.lowerBound(TinyModels.node("Clip", "c", null, "k"), constants)).isNull();
        assertThat(ExtremesGraph.lowerBound(TinyModels.node("Relu", "c", null, "k"), constants)).isEqualTo(0f);
        assertThat(ExtremesGraph.lowerBound(TinyModels.node("LeakyRelu", "c", null, "k"), constants)).isNull();
        assertThat(ExtremesGraph.lowerBound(null, constants)).isNull();
    }

    /** MinMax reads only the reductions; percentile 100 bins whole activations with the reductions as bounds. */
    @ParameterizedTest
    @EnumSource(value = CalibrationMethod.class, names = {"MINMAX", "PERCENTILE"})
    void rangesFromTheReducedGraphEqualTheExtremesOfTheWholeActivations(CalibrationMethod method) throws Exception {
        float[] x = TestData.uniform(new Random(5), SAMPLES * 72, -2f, 2f);
        Path data = new TestData().floats("x", x, SAMPLES, 2, 6, 6).write(dir.resolve("d.npz"));

        // MinMax knows the activation size beforehand and runs batches of 32 and 18; the histogram path probes
        // with one sample first, then 32 and 17
        Double percentile = method == CalibrationMethod.PERCENTILE ? 100.0 : null;
        CalibrationResult result = new CalibrationRunner(CalibrationRunnerTest.recipe(method, percentile))
                .run(convChain(), OBSERVED, data, p -> { });

        Map<String, float[]> all = OrtTestRunner.run(GraphAugmenter.withOutputs(convChain(), OBSERVED),
                Map.of("x", new OrtTestRunner.Input(new long[] {SAMPLES, 2, 6, 6}, x)));
        for (String t : OBSERVED) {
            float[] v = all.get(t);
            assertThat(result.ranges().get(t).min()).as(t + " min").isCloseTo(CalibrationRunnerTest.min(v), within(1e-5f));
            assertThat(result.ranges().get(t).max()).as(t + " max").isCloseTo(CalibrationRunnerTest.max(v), within(1e-5f));
            assertThat(result.statistics().get(t).valueCount()).as(t + " count").isEqualTo(v.length);
        }
        assertThat(CalibrationRunnerTest.min(all.get("a"))).isNegative();
        assertThat(CalibrationRunnerTest.min(all.get("c"))).isNegative();
        assertThat(result.batchSize()).isEqualTo(CalibrationRunner.MAX_BATCH);
    }

    /**
     * Shapes that do not fit: a channel count the negating Conv cannot take. ONNX Runtime loads the graph anyway
     * (its shape inference only warns) and fails on the first run, which falls back to plain reductions.
     */
    @Test
    void aWrongChannelCountFallsBackToPlainReductions() throws Exception {
        Map<String, long[]> wrong = new HashMap<>();
        wrong.put("a", new long[] {-1, 7, 6, 6});
        float[] x = TestData.uniform(new Random(6), 20 * 72, -2f, 2f);
        Path data = new TestData().floats("x", x, 20, 2, 6, 6).write(dir.resolve("d.npz"));

        Map<String, float[]> observed = observeWith(convChain(), Set.of("a", "c"), wrong, data);

        Map<String, float[]> all = OrtTestRunner.run(GraphAugmenter.withOutputs(convChain(), Set.of("a", "c")),
                Map.of("x", new OrtTestRunner.Input(new long[] {20, 2, 6, 6}, x)));
        assertExtremes(observed, all);
    }

    /** The same where the channel count is symbolic, so that nothing can be checked before the first run. */
    @Test
    void aWrongSymbolicChannelCountFallsBackToPlainReductions() throws Exception {
        GraphProto graph = GraphProto.newBuilder().setName("scaled")
                .addInput(ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)
                                .setShape(TensorShapeProto.newBuilder()
                                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("channels"))
                                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(4))
                                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(4))))))
                .addOutput(TinyModels.floatValue("m", -1, 2, 4, 4))
                .addInitializer(scalar("three", 3f))
                .addNode(TinyModels.node("Mul", "x", "three", "m"))
                .build();
        ModelProto model = TinyModels.model(graph, 13);
        float[] x = TestData.uniform(new Random(8), 10 * 32, -1f, 1f);
        Path data = new TestData().floats("x", x, 10, 2, 4, 4).write(dir.resolve("d.npz"));

        Map<String, float[]> observed = observeWith(model, Set.of("m"), Map.of("m", new long[] {-1, 5, 4, 4}), data);

        assertExtremes(observed, OrtTestRunner.run(GraphAugmenter.withOutputs(model, Set.of("m")),
                Map.of("x", new OrtTestRunner.Input(new long[] {10, 2, 4, 4}, x))));
    }

    /** Runs {@code data} through an {@link ExtremesObservation} built on {@code shapes}; returns {min, max}. */
    private static Map<String, float[]> observeWith(ModelProto model, Set<String> tensors,
            Map<String, long[]> shapes, Path data) throws Exception {
        Map<String, Calibrator> calibrators = new HashMap<>();
        tensors.forEach(t -> calibrators.put(t, new MinMaxCalibrator()));
        try (ExtremesObservation observation = ExtremesObservation.open(model, tensors, calibrators, shapes);
             NumpyDataset dataset = NumpyDataset.open(data)) {
            ModelFeed feed = ModelFeed.bind(observation.inputs(), dataset.description());
            try (FeedReader reader = new FeedReader(dataset, feed, 4, Long.MAX_VALUE, null)) {
                while (reader.remaining() > 0) {
                    try (FeedReader.Batch batch = reader.next(4)) {
                        observation.observe(batch);
                    }
                }
            }
        }
        Map<String, float[]> out = new HashMap<>();
        calibrators.forEach((t, c) -> out.put(t, new float[] {c.range().min(), c.range().max()}));
        return out;
    }

    private static void assertExtremes(Map<String, float[]> observed, Map<String, float[]> whole) {
        observed.forEach((t, e) -> {
            assertThat(e[0]).as(t + " min").isEqualTo(CalibrationRunnerTest.min(whole.get(t)));
            assertThat(e[1]).as(t + " max").isEqualTo(CalibrationRunnerTest.max(whole.get(t)));
        });
    }

    private static List<String> opsReading(List<NodeProto> nodes, String tensor) {
        return nodes.stream().filter(n -> n.getInputList().contains(tensor)).map(NodeProto::getOpType).toList();
    }

    private static TensorProto scalar(String name, float value) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addFloatData(value).build();
    }
}
