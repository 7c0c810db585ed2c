package io.quantizer.engine.report;

import java.util.List;

import io.quantizer.engine.evaluation.EvaluationResult;
import io.quantizer.engine.evaluation.MachineInfo;

/**
 * The job's {@code result}: see {@link io.quantizer.engine.report the package documentation} for every field.
 */
public record Summary(QuantizedModel quantizedModel, Quality quality, EvaluationResult evaluation, Nodes nodes,
                      StageSeconds stageSeconds, MachineInfo machine, List<String> warnings) {

    public Summary {
        warnings = List.copyOf(warnings);
    }

    public record QuantizedModel(String sha256, long sizeBytes) {
    }

    /** Names of the nodes that run in int8, and the ones that stayed fp32 with the reason. */
    public record Nodes(List<String> quantized, List<KeptFloat> keptFloat) {
        public Nodes {
            quantized = List.copyOf(quantized);
            keptFloat = List.copyOf(keptFloat);
        }
    }

    public record KeptFloat(String name, String opType, String reason) {
    }

    /** Wall-clock seconds of each stage; {@code preparation} is loading and optimising the fp32 model. */
    public record StageSeconds(double preparation, double calibration, double quantization, double evaluation) {
    }
}
