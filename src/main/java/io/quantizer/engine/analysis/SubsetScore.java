package io.quantizer.engine.analysis;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.onnxruntime.OrtSession;
import io.quantizer.engine.evaluation.OutputComparison;

/**
 * How close one candidate model's outputs on the subset are to fp32, in running sums: the lowest output cosine, and
 * top-1 accuracy on the classification output when the subset is labelled.
 */
final class SubsetScore {

    private final ReferenceOutputs reference;
    private final String classificationOutput;
    private final Map<String, OutputComparison> outputs = new LinkedHashMap<>();
    private long hits;
    private long rows;

    SubsetScore(ReferenceOutputs reference, String classificationOutput) {
        this.reference = reference;
        this.classificationOutput = classificationOutput;
    }

    void add(long offset, int batch, OrtSession.Result candidate) {
        for (String name : reference.names()) {
            FloatBuffer values = ReferenceOutputs.floats(candidate.get(name).orElse(null));
            if (values == null) {
                continue;
            }
            outputs.computeIfAbsent(name, OutputComparison::new).add(reference.slice(name, offset, batch), values);
            if (name.equals(classificationOutput) && reference.labelled()) {
                int classes = reference.perSample(name);
                for (int row = 0; row < batch; row++) {
                    hits += argmax(values, values.position() + row * classes, classes)
                            == reference.label(offset + row) ? 1 : 0;
                }
                rows += batch;
            }
        }
    }

    /** The lowest cosine to fp32 over the outputs (1 with no float output). */
    double minCosine() {
        return outputs.values().stream().mapToDouble(c -> c.result().cosine()).min().orElse(1.0);
    }

    /** Top-1 accuracy on the subset, null without labels or a classification output. */
    Double top1() {
        return rows == 0 ? null : (double) hits / rows;
    }

    private static int argmax(FloatBuffer b, int start, int classes) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (b.get(start + c) > b.get(start + best)) {
                best = c;
            }
        }
        return best;
    }
}
