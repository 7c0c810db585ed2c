package io.quantizer.engine.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtSession;
import io.quantizer.engine.fp16.Float16Conversion;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.ModelBuilder;
import io.quantizer.engine.onnx.OnnxModels;
import io.quantizer.engine.onnx.OrtTestRunner;
import io.quantizer.engine.onnx.TensorData;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.recipe.QuantizationRecipe.Mode;
import io.quantizer.engine.recipe.QuantizationRecipe.WeightOnly;
import io.quantizer.engine.recipe.QuantizationRecipe.WeightOnlyAlgorithm;
import io.quantizer.engine.runtime.Ort;

/** The dynamic, weight-only and fp16 rewrites on tiny models, checked by running them in ONNX Runtime. */
class CalibrationFreeModesTest {

    private static final int K = 80; // not a multiple of the block: the last block is padded
    private static final int N = 6;

    @TempDir
    Path dir;

    /** x[3, 80] → MatMul(W[80, 6]) → Gemm(transB, bias) → Softmax. */
    private static ModelProto linear() {
        return new ModelBuilder().input("x", 3, K).output("y", 3, 5)
                .random("w", 1, 0.2f, K, N).random("g", 2, 0.3f, 5, N).random("c", 3, 0.1f, 5)
                .node("mm", "MatMul", List.of("x", "w"), List.of("h"))
                .node("gemm", "Gemm", List.of("h", "g", "c"), List.of("z"), Attributes.ofInt("transB", 1))
                .node("softmax", "Softmax", List.of("z"), List.of("y"), Attributes.ofInt("axis", 1)).build();
    }

    private static Map<String, OrtTestRunner.Input> input() {
        return Map.of("x", OrtTestRunner.Input.random(4, -1f, 1f, 3, K));
    }

    private static QuantizationRecipe recipe(Mode mode, WeightOnly weightOnly) {
        return new QuantizationRecipe(mode, null, null, null, null, null, null, null, null, null, null, null)
                .withWeightOnly(weightOnly).withDefaults();
    }

    @Test
    void dynamicQuantizesWeightsAndOnnxRuntimeFusesItsDynamicMatMul() throws Exception {
        ModelProto model = linear();
        QuantizationOutcome outcome = new DynamicQuantizer(recipe(Mode.DYNAMIC, null)).quantize(model);

        assertThat(opTypes(outcome.model())).contains("DynamicQuantizeLinear", "MatMulInteger")
                .doesNotContain("MatMul", "Gemm");
        assertThat(outcome.nodes()).filteredOn(NodeDecision::quantized).extracting(NodeDecision::nodeName)
                .containsExactly("mm", "gemm");
        assertThat(outcome.nodes()).filteredOn(n -> n.nodeName().equals("softmax"))
                .singleElement().satisfies(n -> assertThat(n.reason()).contains("computed in float"));
        assertThat(outcome.tensors()).extracting(QuantizedTensor::elementType).containsOnly("int8");
        float[] fp32 = OrtTestRunner.run(model, input()).get("y");
        float[] int8 = OrtTestRunner.run(outcome.model(), input()).get("y");
        assertThat(OrtTestRunner.cosine(fp32, int8)).isGreaterThan(0.999);

        assertThat(opTypes(optimized(outcome.model()))).contains("DynamicQuantizeMatMul")
                .doesNotContain("MatMulInteger");
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 8})
    void matMulNBitsComputesWhatItsPackedBlocksSay(int bits) throws Exception {
        ModelProto model = linear();
        QuantizationOutcome outcome = new WeightOnlyQuantizer(recipe(Mode.WEIGHT_ONLY,
                new WeightOnly(bits, 32, WeightOnlyAlgorithm.RTN, null))).quantize(model);
        ModelProto q = outcome.model();
        NodeProto nbits = q.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("MatMulNBits"))
                .filter(n -> n.getInput(0).equals("x")).findFirst().orElseThrow();
        assertThat(Attributes.getInt(nbits, "K", 0)).isEqualTo(K);
        assertThat(Attributes.getInt(nbits, "N", 0)).isEqualTo(N);
        assertThat(Attributes.getInt(nbits, "bits", 0)).isEqualTo(bits);
        assertThat(Attributes.getInt(nbits, "block_size", 0)).isEqualTo(32);

        // dequantize the packed tensors by the layout the contrib operator documents, then multiply in Java
        float[] w = unpack(q, nbits, bits);
        ModelProto reference = new ModelBuilder().input("x", 3, K).output("h", 3, N).floats("w", new long[] {K, N}, w)
                .node("MatMul", List.of("x", "w"), List.of("h")).build();
        ModelProto upToH = q.toBuilder().setGraph(q.getGraph().toBuilder().clearOutput()
                .addOutput(ModelBuilder.valueInfo("h", TensorProto.DataType.FLOAT_VALUE, 3, N))).build();
        float[] expected = OrtTestRunner.run(reference, input()).get("h");
        float[] actual = OrtTestRunner.run(upToH, input()).get("h");
        assertThat(OrtTestRunner.maxAbsDiff(expected, actual)).isLessThan(1e-4f);

        float[] original = TensorData.floats(model.getGraph().getInitializer(0));
        double error = 0;
        double norm = 0;
        for (int i = 0; i < w.length; i++) {
            error += (w[i] - original[i]) * (w[i] - original[i]);
            norm += original[i] * original[i];
        }
        WeightError reported = outcome.weightErrors().get(0);
        assertThat(reported.weight()).isEqualTo("w");
        assertThat(reported.relativeError()).isCloseTo(Math.sqrt(error / norm), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(reported.relativeError()).isLessThan(bits == 4 ? 0.15 : 0.01);
        float[] fp32 = OrtTestRunner.run(model, input()).get("y");
        assertThat(OrtTestRunner.cosine(fp32, OrtTestRunner.run(q, input()).get("y"))).isGreaterThan(0.99);
    }

    @Test
    void hqqLeavesLessWeightErrorThanRoundToNearest() {
        ModelProto model = new ModelBuilder().input("x", 1, 256).output("y", 1, 64).random("w", 9, 1f, 256, 64)
                .node("mm", "MatMul", List.of("x", "w"), List.of("y")).build();
        double rtn = new WeightOnlyQuantizer(recipe(Mode.WEIGHT_ONLY, new WeightOnly(4, 64, WeightOnlyAlgorithm.RTN,
                null))).quantize(model).weightErrors().get(0).sqnrDb();
        double hqq = new WeightOnlyQuantizer(recipe(Mode.WEIGHT_ONLY, new WeightOnly(4, 64, WeightOnlyAlgorithm.HQQ,
                null))).quantize(model).weightErrors().get(0).sqnrDb();
        assertThat(hqq).isGreaterThan(rtn + 0.25); // measured 21.2 dB against 20.9
    }

    @Test
    void fp16KeepsTheInterfaceAndTheSensitiveOperatorsInFloat32() throws Exception {
        ModelProto model = linear();
        QuantizationOutcome outcome = new Float16Conversion(recipe(Mode.FP16, null)).convert(model);
        ModelProto half = outcome.model();

        assertThat(half.getGraph().getInput(0).getType().getTensorType().getElemType())
                .isEqualTo(TensorProto.DataType.FLOAT_VALUE);
        assertThat(half.getGraph().getOutput(0).getType().getTensorType().getElemType())
                .isEqualTo(TensorProto.DataType.FLOAT_VALUE);
        assertThat(half.getGraph().getInitializerList()).extracting(TensorProto::getDataType)
                .containsOnly(TensorProto.DataType.FLOAT16_VALUE);
        assertThat(outcome.nodes()).filteredOn(NodeDecision::quantized).extracting(NodeDecision::nodeName)
                .containsExactly("mm", "gemm");
        assertThat(outcome.nodes()).filteredOn(n -> n.nodeName().equals("softmax")).singleElement()
                .satisfies(n -> assertThat(n.reason()).startsWith("kept in float32: exponentials"));
        float[] fp32 = OrtTestRunner.run(model, input()).get("y");
        float[] fp16 = OrtTestRunner.run(half, input()).get("y");
        assertThat(OrtTestRunner.cosine(fp32, fp16)).isGreaterThan(0.9999);
        Path file = dir.resolve("half.onnx");
        OnnxModels.save(half, file);
        Path original = dir.resolve("full.onnx");
        OnnxModels.save(model, original);
        assertThat((double) Files.size(file) / Files.size(original)).isBetween(0.45, 0.65); // a tiny graph: its structure weighs next to its weights
    }

    @Test
    void fp16KeepsANodeWhoseConstantFloat16CannotHold() throws Exception {
        ModelProto model = new ModelBuilder().input("x", 2, 4).output("y", 2, 4)
                .floats("big", new long[0], new float[] {1e6f})
                .node("scale", "Mul", List.of("x", "big"), List.of("s"))
                .node("relu", "Relu", List.of("s"), List.of("y")).build();
        QuantizationOutcome outcome = new Float16Conversion(recipe(Mode.FP16, null)).convert(model);
        assertThat(outcome.nodes()).filteredOn(n -> n.nodeName().equals("scale")).singleElement()
                .satisfies(n -> assertThat(n.reason()).contains("beyond float16's range"));
        Map<String, OrtTestRunner.Input> in = Map.of("x", OrtTestRunner.Input.random(1, -1f, 1f, 2, 4));
        assertThat(OrtTestRunner.run(outcome.model(), in).get("y")).containsExactly(OrtTestRunner.run(model, in)
                .get("y"), org.assertj.core.data.Offset.offset(1e6f * 1e-3f));
    }

    private static float[] unpack(ModelProto q, NodeProto nbits, int bits) {
        Map<String, TensorProto> init = new java.util.HashMap<>();
        q.getGraph().getInitializerList().forEach(t -> init.put(t.getName(), t));
        byte[] b = init.get(nbits.getInput(1)).getRawData().toByteArray();
        float[] scales = TensorData.floats(init.get(nbits.getInput(2)));
        byte[] zeros = init.get(nbits.getInput(3)).getRawData().toByteArray();
        int blockSize = 32;
        int blocks = (K + blockSize - 1) / blockSize;
        int blob = blockSize * bits / 8;
        int zpPerColumn = (blocks * bits + 7) / 8;
        float[] w = new float[K * N];
        for (int n = 0; n < N; n++) {
            for (int k = 0; k < K; k++) {
                int block = k / blockSize;
                int within = k % blockSize;
                int q8;
                int zp;
                if (bits == 8) {
                    q8 = b[(n * blocks + block) * blob + within] & 0xFF;
                    zp = zeros[n * zpPerColumn + block] & 0xFF;
                } else {
                    int byteValue = b[(n * blocks + block) * blob + within / 2] & 0xFF;
                    q8 = within % 2 == 0 ? byteValue & 0xF : byteValue >> 4;
                    int zpByte = zeros[n * zpPerColumn + block / 2] & 0xFF;
                    zp = block % 2 == 0 ? zpByte & 0xF : zpByte >> 4;
                }
                w[k * N + n] = (q8 - zp) * scales[n * blocks + block];
            }
        }
        return w;
    }

    private static List<String> opTypes(ModelProto model) {
        return model.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    }

    private ModelProto optimized(ModelProto model) throws Exception {
        Path in = dir.resolve("in.onnx");
        Path out = dir.resolve("optimized.onnx");
        OnnxModels.save(model, in);
        try (OrtSession.SessionOptions options = Ort.sessionOptions(OrtSession.SessionOptions.OptLevel.ALL_OPT)) {
            options.setOptimizedModelFilePath(out.toString());
            Ort.environment().createSession(in.toString(), options).close();
        }
        return OnnxModels.load(out);
    }
}
