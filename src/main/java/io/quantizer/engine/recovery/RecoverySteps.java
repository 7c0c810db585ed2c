package io.quantizer.engine.recovery;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtException;
import io.quantizer.engine.quantize.QuantizationOutcome;
import io.quantizer.engine.recipe.QuantizationRecipe;

/**
 * Runs the recovery algorithms the recipe switches on, around quantization: cross-layer equalization and
 * SmoothQuant rewrite the float graph that calibration and quantization then see (in that order: equalized conv
 * weights first, then activation smoothing, which reads the model's activations), and bias correction adjusts the
 * quantized graph. The user's model stays the evaluation baseline, so the report's fp32-vs-int8 comparison also
 * covers the (float-exact) rewrites.
 */
public final class RecoverySteps {

    /** The float graph to calibrate and quantize, and what was done to it. */
    public record Prepared(ModelProto model, List<String> notes) {
    }

    private RecoverySteps() {
    }

    public static Prepared beforeCalibration(ModelProto model, QuantizationRecipe recipe, Path calibration)
            throws IOException, OrtException {
        QuantizationRecipe r = recipe.withDefaults();
        List<String> notes = new ArrayList<>();
        if (r.crossLayerEqualization().enabled()) {
            CrossLayerEqualization.Result cle = CrossLayerEqualization.apply(model, r.crossLayerEqualization()
                    .iterations());
            model = cle.model();
            notes.addAll(cle.notes());
        }
        if (r.smoothQuant().enabled()) {
            Integer max = r.calibration().maxSamples();
            SmoothQuant.Result smooth = SmoothQuant.apply(model, r.smoothQuant().alpha(), calibration,
                    r.constantInputs(), max == null ? Long.MAX_VALUE : max);
            model = smooth.model();
            notes.addAll(smooth.notes());
        }
        return new Prepared(model, notes);
    }

    /**
     * @param floatModel the float graph that was quantized (after {@link #beforeCalibration})
     * @param before     what {@link #beforeCalibration} did, reported with the outcome
     */
    public static QuantizationOutcome afterQuantization(ModelProto floatModel, Prepared before,
            QuantizationOutcome outcome, QuantizationRecipe recipe, Path calibration) throws IOException, OrtException {
        QuantizationRecipe r = recipe.withDefaults();
        List<String> notes = new ArrayList<>(outcome.notes());
        notes.addAll(before.notes());
        ModelProto model = outcome.model();
        if (r.biasCorrection().enabled()) {
            BiasCorrection.Result corrected = BiasCorrection.apply(floatModel, model, calibration, r.constantInputs(),
                    r.biasCorrection().maxSamples());
            model = corrected.model();
            notes.addAll(corrected.notes());
        }
        if (notes.equals(outcome.notes())) {
            return outcome;
        }
        return new QuantizationOutcome(model, outcome.tensors(), outcome.nodes(), notes);
    }
}
