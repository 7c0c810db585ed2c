package io.quantizer.engine.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.QuantizationPipeline;
import io.quantizer.engine.calibration.CalibrationRunner;
import io.quantizer.engine.calibration.CalibrationResult;
import io.quantizer.engine.evaluation.EvaluationResult;
import io.quantizer.engine.evaluation.EvaluationSettings;
import io.quantizer.engine.onnx.ModelPreprocessor;
import io.quantizer.engine.onnx.OnnxModels;
import io.quantizer.engine.onnx.PreparedModel;
import io.quantizer.engine.quantize.FusionCheck;
import io.quantizer.engine.quantize.QdqQuantizer;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.report.QuantizationReport;
import io.quantizer.engine.report.ReportWriter;
import io.quantizer.engine.report.Summary;

/**
 * B1 (fp32 ÷ int8 latency at batch 1 and 8/64, through the whole pipeline as a job runs it), B3 (the quantization
 * pass per million parameters, next to loading and saving the model) and B4 (ONNX Runtime's optimised int8 graph
 * keeps no float Conv/MatMul/Gemm between Q/DQ that the recipe asked to quantize).
 */
final class InferenceBench {

    private static final EvaluationSettings LATENCY = EvaluationSettings.defaults()
            .withLatency(Duration.ofSeconds(4), 20, 5000);

    private final Path work;

    InferenceBench(Path work) {
        this.work = work;
    }

    Map<String, Object> run(BenchModel m) throws Exception {
        Path dir = Files.createDirectories(work.resolve(m.name()));
        Path quantized = dir.resolve("int8.onnx");
        QuantizationReport report = new QuantizationPipeline(QuantizationRecipe.defaults(), LATENCY).run(
                new QuantizationPipeline.Inputs(m.model(), m.calibration(), m.evaluation(), quantized,
                        dir.resolve("work")), (s, f) -> { });
        ReportWriter.write(report, dir.resolve("report.json"));
        Summary s = report.summary();
        EvaluationResult e = s.evaluation();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("fp32BatchN_p50_ms", e.fp32().latencyMs().batchN() == null ? null : e.fp32().latencyMs().batchN().p50());
        out.put("batchN", e.fp32().latencyMs().batchN() == null ? null : e.fp32().latencyMs().batchN().batchSize());
        out.put("fp32Batch1_p50_ms", e.fp32().latencyMs().batch1().p50());
        out.put("int8Batch1_p50_ms", e.quantized().latencyMs().batch1().p50());
        out.put("int8BatchN_p50_ms", e.quantized().latencyMs().batchN() == null ? null
                : e.quantized().latencyMs().batchN().p50());
        out.put("speedupBatch1", e.speedup());
        out.put("speedupBatchN", e.speedupBatchN());
        out.put("sizeRatio_int8_over_fp32", 1 / e.compressionRatio());
        out.put("top1_fp32", e.fp32().top1());
        out.put("top1_int8", e.quantized().top1());
        out.put("top1Drop", e.top1Drop());
        out.put("argmaxAgreement", e.argmaxAgreement());
        out.put("minCosine", e.outputs().stream().mapToDouble(o -> o.cosine()).min().orElse(Double.NaN));
        out.put("evalSamples", e.sampleCount());
        out.put("stageSeconds", s.stageSeconds());
        out.put("quantizedNodes", s.nodes().quantized().size());
        out.put("keptFloat", s.nodes().keptFloat().stream()
                .collect(Collectors.groupingBy(Summary.KeptFloat::opType, Collectors.counting())));
        out.put("warnings", s.warnings());
        out.put("B3", quantizationPass(m, dir));
        Set<String> exempt = s.nodes().keptFloat().stream().map(Summary.KeptFloat::name).collect(Collectors.toSet());
        FusionCheck.Result fusion = FusionCheck.check(quantized, dir.resolve("int8-optimized.onnx"), exempt);
        Map<String, Object> b4 = new LinkedHashMap<>();
        b4.put("fullyFused", fusion.fullyFused());
        b4.put("int8Kernels", fusion.int8Kernels());
        b4.put("unfused", fusion.unfusedNodes());
        out.put("B4", b4);
        return out;
    }

    /** Times the quantization pass alone, next to loading and saving the same model. */
    private static Map<String, Object> quantizationPass(BenchModel m, Path dir) throws Exception {
        QuantizationRecipe recipe = QuantizationRecipe.defaults();
        PreparedModel prepared = new ModelPreprocessor().prepare(m.model(), recipe, dir.resolve("b3"));
        QdqQuantizer quantizer = new QdqQuantizer(recipe);
        CalibrationResult ranges = new CalibrationRunner(recipe).run(prepared.model(),
                quantizer.tensorsToCalibrate(prepared.model()), m.calibration(), f -> { });
        long t0 = System.nanoTime();
        ModelProto loaded = OnnxModels.load(prepared.path());
        long t1 = System.nanoTime();
        var outcome = quantizer.quantize(loaded, ranges.ranges());
        long t2 = System.nanoTime();
        OnnxModels.save(outcome.model(), dir.resolve("b3-int8.onnx"));
        long t3 = System.nanoTime();
        double millions = parameters(loaded) / 1e6;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("parametersMillions", millions);
        out.put("quantizeMs", (t2 - t1) / 1e6);
        out.put("quantizeMsPerMillionParams", (t2 - t1) / 1e6 / millions);
        out.put("loadMs", (t1 - t0) / 1e6);
        out.put("saveMs", (t3 - t2) / 1e6);
        return out;
    }

    private static long parameters(ModelProto model) {
        long n = 0;
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                long e = 1;
                for (long d : t.getDimsList()) {
                    e *= d;
                }
                n += e;
            }
        }
        return n;
    }
}
