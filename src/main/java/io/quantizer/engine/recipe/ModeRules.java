package io.quantizer.engine.recipe;

import java.util.ArrayList;
import java.util.List;

import io.quantizer.engine.recipe.QuantizationRecipe.Mode;
import io.quantizer.engine.recipe.QuantizationRecipe.QuantType;
import io.quantizer.engine.recipe.QuantizationRecipe.WeightOnly;

/** The recipe values each mode can honour; a combination it cannot is refused rather than silently ignored. */
final class ModeRules {

    static final int MIN_BLOCK = 16;
    static final int MAX_BLOCK = 1024;
    static final int MAX_ACCURACY_LEVEL = 4;

    private ModeRules() {
    }

    /** @param r a recipe with its defaults filled in */
    static List<String> problems(QuantizationRecipe r) {
        List<String> problems = new ArrayList<>();
        if (r.mode() != Mode.WEIGHT_ONLY && r.weightOnly() != null) {
            problems.add("weightOnly: applies only to mode weight-only, the recipe's mode is " + name(r.mode()));
        }
        if (r.mode() != Mode.STATIC) {
            // the accuracy search and the recovery algorithms work from calibrated activation ranges
            String mode = name(r.mode());
            if (r.accuracy() != null) {
                problems.add("accuracy: an accuracy target needs mode static (it re-quantizes from calibrated "
                        + "ranges), the recipe's mode is " + mode);
            }
            if (r.biasCorrection().enabled()) {
                problems.add("biasCorrection: needs mode static, the recipe's mode is " + mode);
            }
            if (r.crossLayerEqualization().enabled()) {
                problems.add("crossLayerEqualization: needs mode static, the recipe's mode is " + mode);
            }
            if (r.smoothQuant().enabled()) {
                problems.add("smoothQuant: needs mode static, the recipe's mode is " + mode);
            }
            if (r.target() != QuantizationRecipe.Target.CPU_VNNI) {
                // the targets place and type static Q/DQ; the other modes have no calibrated activations to place
                problems.add("target: " + r.target().value() + " needs mode static, the recipe's mode is " + mode);
            }
        }
        if (r.mode() == Mode.DYNAMIC) {
            // DynamicQuantizeLinear always produces uint8, asymmetric
            if (r.activationType() != QuantType.UINT8) {
                problems.add("activationType: mode dynamic quantizes activations at run time to uint8 only, got "
                        + name(r.activationType()));
            }
            if (r.symmetricActivations()) {
                problems.add("symmetricActivations: mode dynamic computes an asymmetric uint8 range at run time");
            }
        }
        if (r.mode() == Mode.WEIGHT_ONLY) {
            WeightOnly w = r.weightOnly();
            if (w.bits() != 4 && w.bits() != 8) {
                problems.add("weightOnly.bits: must be 4 or 8, got " + w.bits());
            }
            int b = w.blockSize();
            if (b < MIN_BLOCK || b > MAX_BLOCK || Integer.bitCount(b) != 1) {
                problems.add("weightOnly.blockSize: must be a power of two from " + MIN_BLOCK + " to " + MAX_BLOCK
                        + ", got " + b);
            }
            if (w.accuracyLevel() < 0 || w.accuracyLevel() > MAX_ACCURACY_LEVEL) {
                problems.add("weightOnly.accuracyLevel: must be 0 to " + MAX_ACCURACY_LEVEL + ", got "
                        + w.accuracyLevel());
            }
        }
        return problems;
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
