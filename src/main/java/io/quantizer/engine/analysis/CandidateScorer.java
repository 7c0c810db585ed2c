package io.quantizer.engine.analysis;

import java.io.IOException;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.quantizer.engine.calibration.TensorRange;
import io.quantizer.engine.quantize.QdqQuantizer;
import io.quantizer.engine.quantize.QuantGroup;
import io.quantizer.engine.recipe.QuantizationRecipe;

/**
 * Scores the model with one group returned to float: re-quantized from the cached calibration ranges with the
 * group's nodes excluded (no new calibration), then run alone over the subset against the held fp32 outputs.
 */
final class CandidateScorer {

    private final QuantizationRecipe recipe;
    private final ModelProto prepared;
    private final Map<String, TensorRange> ranges;
    private final AnalysisSubset subset;
    private final ReferenceOutputs reference;
    private final String classificationOutput;

    CandidateScorer(QuantizationRecipe recipe, ModelProto prepared, Map<String, TensorRange> ranges,
                    AnalysisSubset subset, ReferenceOutputs reference, String classificationOutput) {
        this.recipe = recipe;
        this.prepared = prepared;
        this.ranges = ranges;
        this.subset = subset;
        this.reference = reference;
        this.classificationOutput = classificationOutput;
    }

    SubsetScore withFloat(QuantGroup group) throws IOException, OrtException {
        ModelProto model = new QdqQuantizer(recipe.withExcludedNodes(group.nodes())).quantize(prepared, ranges)
                .model();
        SubsetScore score = new SubsetScore(reference, classificationOutput);
        try (OrtSession session = Sessions.open(model)) {
            subset.forEachBatch(session, 0, (offset, batch) -> {
                try (OrtSession.Result result = session.run(batch.inputs())) {
                    score.add(offset, batch.size(), result);
                }
            });
        }
        return score;
    }
}
