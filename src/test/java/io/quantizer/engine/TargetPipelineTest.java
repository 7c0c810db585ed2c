package io.quantizer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.quantizer.engine.cli.EngineProtocol;
import io.quantizer.engine.evaluation.MachineInfo;
import io.quantizer.engine.onnx.OnnxModels;
import io.quantizer.engine.onnx.Opsets;
import io.quantizer.engine.quantize.TensorRtCalibrationCache;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.recipe.QuantizationRecipe.Target;
import io.quantizer.engine.report.QuantizationReport;
import io.quantizer.engine.report.Summary;
import io.quantizer.engine.report.TargetFit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each target through the whole pipeline: its artifact, its report, and what the report says about the machine. */
class TargetPipelineTest {

    private static final int SAMPLES = 96;

    @TempDir
    Path dir;
    private Path model;
    private Path calibration;
    private Path evaluation;

    @BeforeEach
    void files() throws Exception {
        model = dir.resolve("classifier.onnx");
        Files.write(model, TinyModels.classifier().toByteArray());
        Random random = new Random(3);
        calibration = new TestData().floats("x", TestData.uniform(random, SAMPLES * 64, 0f, 1f), SAMPLES, 1, 8, 8)
                .write(dir.resolve("calib.npz"));
        float[] x = TestData.uniform(random, SAMPLES * 64, 0f, 1f);
        evaluation = new TestData().floats("x", x, SAMPLES, 1, 8, 8)
                .longs("label", TinyModels.classifierLabels(model, x), SAMPLES).write(dir.resolve("eval.npz"));
    }

    private QuantizationReport run(Target target, Path out) throws Exception {
        QuantizationRecipe recipe = new QuantizationRecipe(null, null, null, null, null, null, null, null, null, null,
                null, null).withTarget(target);
        return new QuantizationPipeline(recipe, QuantizationPipelineTest.FAST)
                .run(new QuantizationPipeline.Inputs(model, calibration, evaluation, out, dir.resolve("work")),
                        (stage, f) -> { });
    }

    @Test
    void tensorRtWritesItsCalibrationCacheBesideTheModelAndSaysTensorRtDidNotRun() throws Exception {
        Path out = dir.resolve("out/model.int8.onnx");
        Files.createDirectories(out.getParent());
        Summary s = run(Target.TENSORRT, out).summary();

        Path cache = dir.resolve("out/model.int8.calibration.cache");
        assertThat(EngineProtocol.calibrationCacheFor(out)).isEqualTo(cache);
        assertThat(cache).exists();
        Map<String, Float> scales = TensorRtCalibrationCache.read(cache);
        assertThat(scales).containsKeys("x", "conv", "relu", "pool", "flat", "logits");
        assertThat(s.calibrationCache().fileName()).isEqualTo("model.int8.calibration.cache");
        assertThat(s.calibrationCache().entries()).isEqualTo(scales.size());
        assertThat(s.calibrationCache().sizeBytes()).isEqualTo(Files.size(cache));
        assertThat(s.calibrationCache().sha256()).isEqualTo(QuantizationPipeline.sha256(cache));
        assertThat(s.target().target()).isEqualTo("tensorrt");
        assertThat(s.target().evaluatedOnTarget()).isFalse();
        assertThat(s.warnings()).anyMatch(w -> w.contains("not on the target tensorrt")
                && w.contains("TensorRT, which did not run here"));
        assertThat(s.evaluation().outputs().get(0).cosine()).isGreaterThan(0.99);
    }

    @Test
    void a16w8RaisesTheOpsetTo21AndReportsFidelityNotSpeed() throws Exception {
        Path out = dir.resolve("a16w8.onnx");
        QuantizationReport report = run(Target.NPU_A16W8, out);
        ModelProto quantized = OnnxModels.load(out);

        assertThat(Opsets.defaultDomainVersion(quantized)).isEqualTo(21);
        assertThat(report.details().preprocessingNotes()).anyMatch(n -> n.contains("from 13 to 21"));
        assertThat(report.details().tensors()).anyMatch(t -> t.elementType().equals("uint16"));
        assertThat(report.summary().evaluation().outputs().get(0).cosine()).isGreaterThan(0.999);
        assertThat(report.summary().calibrationCache()).isNull();
        assertThat(report.summary().warnings()).anyMatch(w -> w.contains("fidelity is the figure to read"));
    }

    @Test
    void theDefaultTargetOnAVnniCpuIsEvaluatedOnTargetAndOtherwiseSaysSo() {
        MachineInfo vnni = machine(true, true);
        MachineInfo avx2 = machine(true, false);
        assertThat(TargetFit.of(Target.CPU_VNNI, vnni).evaluatedOnTarget()).isTrue();
        assertThat(TargetFit.of(Target.CPU_VNNI, vnni).note()).isNull();
        assertThat(TargetFit.of(Target.CPU_VNNI, avx2).evaluatedOnTarget()).isFalse();
        assertThat(TargetFit.of(Target.CPU_VNNI, avx2).note()).contains("has none").contains("cpu-avx2");
        assertThat(TargetFit.of(Target.CPU_AVX2, avx2).evaluatedOnTarget()).isTrue();
        assertThat(TargetFit.of(Target.CPU_AVX2, vnni).evaluatedOnTarget()).isFalse();
        assertThat(TargetFit.of(Target.CPU_AVX2, vnni).note()).contains("has VNNI");
        assertThat(TargetFit.of(Target.TENSORRT, vnni).evaluatedOnTarget()).isFalse();
        assertThat(TargetFit.of(Target.NPU_A16W8, vnni).measuredOn()).contains("CPU execution provider")
                .contains("with VNNI");
    }

    private static MachineInfo machine(boolean avx2, boolean vnni) {
        return new MachineInfo("Test CPU", 2, 2, "Linux", avx2, vnni, false, false,
                vnni ? List.of("avx2", "avx512_vnni") : List.of("avx2"));
    }
}
