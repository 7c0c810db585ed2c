package io.quantizer.engine.report;

import java.util.List;

import io.quantizer.engine.evaluation.EvaluationResult;
import io.quantizer.engine.evaluation.MachineInfo;

/**
 * The job's {@code result}: see {@link io.quantizer.engine.report the package documentation} for every field.
 */
public record Summary(QuantizedModel quantizedModel, Quality quality, EvaluationResult evaluation, Nodes nodes,
                      StageSeconds stageSeconds, MachineInfo machine, List<String> warnings, LayerAnalysis layers,
                      AccuracySearch accuracySearch, TargetFit target, CalibrationCache calibrationCache) {

    public Summary {
        warnings = List.copyOf(warnings);
    }

    /** A summary without a target statement and without a calibration cache. */
    public Summary(QuantizedModel quantizedModel, Quality quality, EvaluationResult evaluation, Nodes nodes,
                   StageSeconds stageSeconds, MachineInfo machine, List<String> warnings, LayerAnalysis layers,
                   AccuracySearch accuracySearch) {
        this(quantizedModel, quality, evaluation, nodes, stageSeconds, machine, warnings, layers, accuracySearch, null,
                null);
    }

    /** A summary without the per-layer analysis and without an accuracy search. */
    public Summary(QuantizedModel quantizedModel, Quality quality, EvaluationResult evaluation, Nodes nodes,
                   StageSeconds stageSeconds, MachineInfo machine, List<String> warnings) {
        this(quantizedModel, quality, evaluation, nodes, stageSeconds, machine, warnings, null, null, null, null);
    }

    public record QuantizedModel(String sha256, long sizeBytes) {
    }

    /**
     * A further file the run produced beside the model.
     *
     * @param fileName its name in the engine's output directory
     * @param format   what it is, e.g. {@code tensorrt-calibration-cache}
     * @param entries  how many entries it holds (tensors, for a calibration cache)
     */
    public record CalibrationCache(String fileName, String format, String sha256, long sizeBytes, int entries) {
    }

    /**
     * Names of the nodes that run in int8, the ones that stayed fp32 with the reason, and the ones with no float
     * arithmetic to quantize (shape and integer math: Shape, Gather of indices, Concat of dims...), which are
     * counted in neither of the first two.
     */
    public record Nodes(List<String> quantized, List<KeptFloat> keptFloat, List<String> noFloatMath) {
        public Nodes {
            quantized = List.copyOf(quantized);
            keptFloat = List.copyOf(keptFloat);
            noFloatMath = List.copyOf(noFloatMath);
        }
    }

    public record KeptFloat(String name, String opType, String reason) {
    }

    /** Wall-clock seconds of each stage; {@code preparation} is loading and optimising the fp32 model. */
    public record StageSeconds(double preparation, double calibration, double quantization, double evaluation) {
    }
}
