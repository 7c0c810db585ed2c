package io.quantizer.engine.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.quantizer.engine.calibration.CalibrationRunner;
import io.quantizer.engine.calibration.TensorRange;
import io.quantizer.engine.data.NumpyDataset;
import io.quantizer.engine.onnx.CorpusModels;
import io.quantizer.engine.onnx.ModelPreprocessor;
import io.quantizer.engine.onnx.OnnxModels;
import io.quantizer.engine.onnx.PreparedModel;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.runtime.FeedReader;
import io.quantizer.engine.runtime.ModelFeed;
import io.quantizer.engine.runtime.Ort;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every corpus model is prepared, calibrated (MinMax) and quantized; the result must load in ONNX Runtime, have
 * quantized nodes, and give outputs with cosine >= 0.99 against fp32 on samples drawn like the calibration data.
 * Models without data in the corpus get generated inputs in a plausible range.
 */
class CorpusQuantizationTest {

    private static final int EVAL_SAMPLES = 64;

    @TempDir
    Path dir;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("fmnist_cnn.onnx", "fmnist_calib.npz"),
                Arguments.of("mnist-7_cntk.onnx", "mnist_calib.npz"),
                Arguments.of("mnist-8_cntk_emclab-variant.onnx", "mnist_calib.npz"),
                Arguments.of("fashion_mnist_mlp.onnx", "fashion_mnist_calib_pm1.npz"),
                Arguments.of("fashion_mnist_cnn.onnx", "fashion_mnist_calib.npz"),
                Arguments.of("iris_mlp.onnx", "iris.npz"),
                Arguments.of("cifar10_cnn_wml_tutorial.onnx", null),
                Arguments.of("kws_dnn_s_tf2onnx.onnx", null),
                Arguments.of("har_cnn_tf2onnx.onnx", null),
                Arguments.of("cifar10_squeezenet_keras_tf2onnx.onnx", null),
                Arguments.of("silero_vad_16k_op15.onnx", null),
                Arguments.of("candy_style_transfer_opset7.onnx", null));
    }

    @ParameterizedTest
    @MethodSource("models")
    void quantizesAndStaysFaithful(String modelFile, String dataFile) throws Exception {
        Path model = CorpusModels.dir().resolve(modelFile);
        Calibrated calibrated = calibrate(modelFile, dataFile);
        PreparedModel prepared = calibrated.prepared();
        Path data = calibrated.data();
        QuantizationOutcome outcome = new QdqQuantizer(QuantizationRecipe.defaults()).quantize(prepared.model(),
                calibrated.ranges());
        Path quantized = dir.resolve("int8.onnx");
        OnnxModels.save(outcome.model(), quantized);

        assertThat(outcome.nodes()).as("some node quantized").anyMatch(NodeDecision::quantized);
        Map<String, Double> cosines = compare(prepared.path(), quantized, data);
        FusionCheck.Result fusion = FusionCheck.check(quantized, dir.resolve("int8.optimized.onnx"), Set.of());
        long quantizedNodes = outcome.nodes().stream().filter(NodeDecision::quantized).count();
        System.err.printf("%s: %d/%d nodes quantized, cosines %s, int8 kernels %d, unfused %s, notes %s, size %d -> %d%n",
                modelFile, quantizedNodes, outcome.nodes().size(), cosines, fusion.int8Kernels(), fusion.unfusedNodes(),
                outcome.notes(), Files.size(model), Files.size(quantized));
        assertThat(cosines.values()).as("cosines").isNotEmpty().allMatch(c -> c >= 0.99);
        assertThat(fusion.unfusedNodes()).as("float Conv/MatMul/Gemm fed by DequantizeLinear").isEmpty();
        assertThat(fusion.int8Kernels()).isPositive();
        if (Files.size(model) >= (1 << 20)) {
            assertThat(Files.size(quantized)).as("size").isLessThanOrEqualTo((long) (Files.size(model) * 0.30));
        }
    }

    /**
     * MinMax reduces tensors inside the graph, pooled in ONNX Runtime's blocked layout where it can, with bounds
     * standing in for the minimum of clamped tensors, and falls back to plain reductions when the shapes it was built
     * from do not hold. On every corpus model (wrong declared shapes included), the quantization range it gives each
     * tensor, widened to hold 0 as quantization does, must equal the one computed from the whole activations.
     */
    @ParameterizedTest
    @MethodSource("models")
    void inGraphMinMaxEqualsTheExtremesOfTheWholeActivations(String modelFile, String dataFile) throws Exception {
        Calibrated c = calibrate(modelFile, dataFile);

        Map<String, float[]> whole = wholeActivationExtremes(c.prepared().model(), c.tensors(), c.data());
        assertThat(whole).isNotEmpty();
        whole.forEach((tensor, extremes) -> {
            TensorRange range = c.ranges().get(tensor);
            assertThat(Math.min(range.min(), 0f)).as(tensor + " min").isEqualTo(Math.min(extremes[0], 0f));
            assertThat(Math.max(range.max(), 0f)).as(tensor + " max").isEqualTo(Math.max(extremes[1], 0f));
        });
    }

    private record Calibrated(Path data, PreparedModel prepared, Set<String> tensors, Map<String, TensorRange> ranges) {
    }

    /** The model prepared and calibrated (MinMax) on its corpus data, or on generated inputs when it has none. */
    private Calibrated calibrate(String modelFile, String dataFile) throws Exception {
        Path data = dataFile != null ? CorpusModels.sharedDir().resolve("corpus/data").resolve(dataFile)
                : generatedData(modelFile);
        QuantizationRecipe recipe = QuantizationRecipe.defaults();
        PreparedModel prepared = new ModelPreprocessor().prepare(CorpusModels.dir().resolve(modelFile), recipe,
                dir.resolve("work"));
        Set<String> tensors = new QdqQuantizer(recipe).tensorsToCalibrate(prepared.model());
        Map<String, TensorRange> ranges = new CalibrationRunner(recipe).run(prepared.model(), tensors, data, p -> { })
                .ranges();
        return new Calibrated(data, prepared, tensors, ranges);
    }

    /** {min, max} of each node-output tensor over all of {@code data}, fetched whole from ONNX Runtime. */
    private static Map<String, float[]> wholeActivationExtremes(ModelProto model,
            Set<String> tensors, Path data) throws Exception {
        Set<String> produced = new HashSet<>();
        model.getGraph().getNodeList().forEach(n -> produced.addAll(n.getOutputList()));
        GraphProto.Builder graph = model.getGraph().toBuilder();
        Set<String> outputs = new HashSet<>();
        graph.getOutputList().forEach(o -> outputs.add(o.getName()));
        List<String> observed = tensors.stream().filter(produced::contains).toList();
        for (String t : observed) {
            if (outputs.add(t)) {
                graph.addOutput(ValueInfoProto.newBuilder().setName(t));
            }
        }
        byte[] augmented = model.toBuilder().setGraph(graph).build().toByteArray();
        Map<String, float[]> extremes = new LinkedHashMap<>();
        try (NumpyDataset dataset = NumpyDataset.open(data);
                OrtSession.SessionOptions options = Ort.sessionOptions(OptLevel.ALL_OPT);
                OrtSession session = Ort.environment().createSession(augmented, options)) {
            ModelFeed feed = ModelFeed.bind(session.getInputInfo(), dataset.description());
            try (FeedReader reader = new FeedReader(dataset, feed, 8, Long.MAX_VALUE, null)) {
                while (reader.remaining() > 0) {
                    try (FeedReader.Batch batch = reader.next(8);
                            OrtSession.Result result = session.run(batch.inputs(), new HashSet<>(observed))) {
                        for (String t : observed) {
                            FloatBuffer values = ((OnnxTensor) result.get(t).orElseThrow()).getFloatBuffer();
                            float[] e = extremes.computeIfAbsent(t,
                                    k -> new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY});
                            while (values.hasRemaining()) {
                                float v = values.get();
                                e[0] = Math.min(e[0], v);
                                e[1] = Math.max(e[1], v);
                            }
                        }
                    }
                }
            }
        }
        return extremes;
    }

    /** Cosine of each float output of the two models over up to {@link #EVAL_SAMPLES} samples of {@code data}. */
    static Map<String, Double> compare(Path fp32, Path int8, Path data) throws Exception {
        Map<String, double[]> sums = new LinkedHashMap<>();
        try (NumpyDataset dataset = NumpyDataset.open(data);
                OrtSession.SessionOptions options = Ort.sessionOptions(OptLevel.ALL_OPT);
                OrtSession a = Ort.environment().createSession(fp32.toString(), options);
                OrtSession b = Ort.environment().createSession(int8.toString(), options)) {
            ModelFeed feed = ModelFeed.bind(a.getInputInfo(), dataset.description());
            long total = Math.min(EVAL_SAMPLES, dataset.description().sampleCount());
            try (FeedReader reader = new FeedReader(dataset, feed, 16, total, null)) {
                while (reader.remaining() > 0) {
                    try (FeedReader.Batch batch = reader.next(16);
                            OrtSession.Result ra = a.run(batch.inputs());
                            OrtSession.Result rb = b.run(batch.inputs())) {
                        for (Map.Entry<String, OnnxValue> e : ra) {
                            if (e.getValue() instanceof OnnxTensor t && t.getFloatBuffer() != null) {
                                FloatBuffer x = t.getFloatBuffer();
                                FloatBuffer y = ((OnnxTensor) rb.get(e.getKey()).orElseThrow()).getFloatBuffer();
                                double[] s = sums.computeIfAbsent(e.getKey(), k -> new double[3]);
                                while (x.hasRemaining()) {
                                    double u = x.get();
                                    double v = y.get();
                                    s[0] += u * v;
                                    s[1] += u * u;
                                    s[2] += v * v;
                                }
                            }
                        }
                    }
                }
            }
        }
        Map<String, Double> cosines = new HashMap<>();
        sums.forEach((name, s) -> cosines.put(name, s[1] == 0 && s[2] == 0 ? 1.0 : s[0] / Math.sqrt(s[1] * s[2])));
        return cosines;
    }

    /** Inputs in the range each data-less model was trained on (pixels, MFCCs, sensor signals, audio). */
    Path generatedData(String modelFile) throws Exception {
        Random random = new Random(7);
        Map<String, Object> arrays = new LinkedHashMap<>();
        Map<String, long[]> shapes = new HashMap<>();
        switch (modelFile) {
            case "cifar10_cnn_wml_tutorial.onnx" -> put(arrays, shapes, "modelInput", uniform(random, 32 * 3 * 32 * 32, -1, 1), 32, 3, 32, 32);
            case "kws_dnn_s_tf2onnx.onnx" -> put(arrays, shapes, "Mfcc:0", normal(random, 32 * 25 * 10, 10), 32, 25, 10);
            case "har_cnn_tf2onnx.onnx" -> put(arrays, shapes, "inputs:0", normal(random, 32 * 9 * 128, 1), 32, 9, 128);
            case "cifar10_squeezenet_keras_tf2onnx.onnx" -> put(arrays, shapes, "input_1", uniform(random, 32 * 32 * 32 * 3, 0, 1), 32, 32, 32, 3);
            case "silero_vad_16k_op15.onnx" -> {
                put(arrays, shapes, "input", voiced(random, 16, 512), 16, 1, 512);
                put(arrays, shapes, "state", new float[16 * 2 * 128], 16, 2, 1, 128);
                arrays.put("sr", new long[16]);
                java.util.Arrays.fill((long[]) arrays.get("sr"), 16000L);
                shapes.put("sr", new long[] {16});
            }
            case "candy_style_transfer_opset7.onnx" -> put(arrays, shapes, "inputImage", uniform(random, 2 * 3 * 720 * 720, 0, 255), 2, 3, 720, 720);
            default -> throw new IllegalArgumentException("no generator for " + modelFile);
        }
        Path file = dir.resolve(modelFile + ".npz");
        NpzTestWriter.write(file, arrays, shapes);
        return file;
    }

    private static void put(Map<String, Object> arrays, Map<String, long[]> shapes, String name, float[] values, long... shape) {
        arrays.put(name, values);
        shapes.put(name, shape);
    }

    /** Voice-like chunks at 16 kHz: a random pitch with decaying harmonics and a little noise. */
    private static float[] voiced(Random random, int samples, int length) {
        float[] v = new float[samples * length];
        for (int s = 0; s < samples; s++) {
            double f0 = 100 + random.nextDouble() * 150;
            double amplitude = 0.05 + random.nextDouble() * 0.3;
            for (int i = 0; i < length; i++) {
                double x = 0;
                for (int h = 1; h <= 10; h++) {
                    x += Math.sin(2 * Math.PI * f0 * h * i / 16000.0) / h;
                }
                v[s * length + i] = (float) (amplitude * x / 3 + random.nextGaussian() * 0.005);
            }
        }
        return v;
    }

    private static float[] uniform(Random random, int n, float low, float high) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = low + random.nextFloat() * (high - low);
        }
        return v;
    }

    private static float[] normal(Random random, int n, double sigma) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * sigma);
        }
        return v;
    }

}
