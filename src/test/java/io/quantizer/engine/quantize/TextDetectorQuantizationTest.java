package io.quantizer.engine.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.quantizer.engine.onnx.ModelPreprocessor;
import io.quantizer.engine.onnx.OnnxModels;
import io.quantizer.engine.onnx.OrtTestRunner.Input;
import io.quantizer.engine.onnx.PreparedModel;
import io.quantizer.engine.recipe.QuantizationRecipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PP-OCRv4-detector-like model ({@link TextDetectorModel}) through preprocessing and quantization as a job runs
 * it: the decomposed hardswish, the constant Add/Mul and the SE gating no longer stay float (before this coverage
 * 63 of its 136 nodes did, with 45 DequantizeLinear and 41 QuantizeLinear left after ONNX Runtime's fusions), every
 * Conv fuses into QLinearConv, and the output keeps cosine >= 0.99. {@link TextDetectorBench} times it.
 */
class TextDetectorQuantizationTest {

    private static final int SIZE = 64;
    private static final int CONVS = 34;
    private static final int HARDSWISH = 17;
    private static final int SQUEEZE_EXCITE = 4;

    @TempDir
    Path dir;

    @Test
    void theDetectorStaysInt8AroundItsHardActivations() throws Exception {
        ModelProto fp32 = TextDetectorModel.build(14, SIZE);
        Path file = dir.resolve("detector.onnx");
        OnnxModels.save(fp32, file);
        PreparedModel prepared = new ModelPreprocessor().prepare(file, QuantizationRecipe.defaults(), dir.resolve("prep"));
        assertThat(prepared.notes()).anyMatch(n -> n.contains("fused " + HARDSWISH + " decomposed hardswish"));
        assertThat(prepared.model().getGraph().getNodeList()).noneMatch(n -> n.getOpType().equals("Clip")
                || n.getOpType().equals("Div"));

        QuantizationOutcome outcome = QuantizeTestSupport.quantize(prepared.model(), QuantizationRecipe.defaults(),
                QuantizeTestSupport.samples(TextDetectorModel.INPUT, 8, -2f, 2f, 1, 3, SIZE, SIZE));
        assertThat(outcome.nodes()).allMatch(NodeDecision::quantized);
        Map<String, Double> cosines = QuantizeTestSupport.cosines(fp32, outcome.model(),
                Map.of(TextDetectorModel.INPUT, Input.random(4242, -2f, 2f, 1, 3, SIZE, SIZE)));
        assertThat(cosines.get(TextDetectorModel.OUTPUT)).isGreaterThanOrEqualTo(0.99);

        FusionCheck.Result fusion = QuantizeTestSupport.fusion(outcome.model(), Files.createDirectories(dir.resolve("fused")));
        assertThat(fusion.unfusedNodes()).isEmpty();
        assertThat(fusion.count("QLinearConv")).isEqualTo(CONVS);
        assertThat(fusion.count("QLinearGlobalAveragePool")).isEqualTo(SQUEEZE_EXCITE);
        // hardswish as x * HardSigmoid(x) and the SE gates: one QLinearMul each; FPN sums: QLinearAdd
        assertThat(fusion.count("QLinearMul")).isEqualTo(HARDSWISH + SQUEEZE_EXCITE);
        assertThat(fusion.count("QLinearAdd")).isEqualTo(3);
        // what still converts: the HardSigmoid islands, the two float ConvTranspose, the graph input and output
        assertThat(fusion.count("QuantizeLinear")).isLessThanOrEqualTo(HARDSWISH + SQUEEZE_EXCITE + 3);
        assertThat(fusion.count("Add") + fusion.count("Clip") + fusion.count("Div") + fusion.count("Mul")).isZero();
    }
}
