package io.quantizer.engine.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quantizer.engine.calibration.TensorStatistics;
import io.quantizer.engine.evaluation.EvaluationResult;
import io.quantizer.engine.evaluation.OutputFidelity;
import io.quantizer.engine.recipe.QuantizationRecipe;

/**
 * The verdict on the int8 model, for pipelines to branch on without parsing warnings.
 * {@code unusable}: some output's cosine to fp32 is below {@link #UNUSABLE_COSINE} or top-1 dropped by more than
 * {@link #UNUSABLE_TOP1_DROP}; {@code degraded}: some output's cosine is below {@link Warnings#COSINE}, top-1 dropped
 * by more than {@link Warnings#ACCURACY_DROP} or the top class differs on more than 1 − {@link Warnings#AGREEMENT}
 * of the samples; {@code good} otherwise.
 *
 * @param verdict {@code good}, {@code degraded} or {@code unusable}
 * @param reasons the thresholds crossed, empty when good
 */
public record Quality(Verdict verdict, List<String> reasons) {

    /** An enum, so the contract lists the three values and generated clients get a type to switch on. */
    public enum Verdict {
        @JsonProperty("good") GOOD,
        @JsonProperty("degraded") DEGRADED,
        @JsonProperty("unusable") UNUSABLE
    }

    public static final Verdict GOOD = Verdict.GOOD;
    public static final Verdict DEGRADED = Verdict.DEGRADED;
    public static final Verdict UNUSABLE = Verdict.UNUSABLE;
    static final double UNUSABLE_COSINE = 0.9;
    static final double UNUSABLE_TOP1_DROP = 0.05;
    private static final int NAMED = 3;

    public Quality {
        reasons = List.copyOf(reasons);
    }

    public boolean unusable() {
        return verdict == UNUSABLE;
    }

    static Quality of(EvaluationResult e) {
        List<String> unusable = new ArrayList<>();
        List<String> degraded = new ArrayList<>();
        for (OutputFidelity o : e.outputs()) {
            String line = String.format(Locale.ROOT, "output '%s' has cosine %.4f to fp32", o.name(), o.cosine());
            if (!(o.cosine() >= UNUSABLE_COSINE)) { // NaN counts as unusable
                unusable.add(line + String.format(Locale.ROOT, " (below %.2f)", UNUSABLE_COSINE));
            } else if (o.cosine() < Warnings.COSINE) {
                degraded.add(line + String.format(Locale.ROOT, " (below %.2f)", Warnings.COSINE));
            }
        }
        if (e.top1Drop() != null) {
            String line = String.format(Locale.ROOT, "top-1 accuracy dropped by %.2f points", 100 * e.top1Drop());
            if (e.top1Drop() > UNUSABLE_TOP1_DROP) {
                unusable.add(line + String.format(Locale.ROOT, " (more than %.0f)", 100 * UNUSABLE_TOP1_DROP));
            } else if (e.top1Drop() > Warnings.ACCURACY_DROP) {
                degraded.add(line + String.format(Locale.ROOT, " (more than %.0f)", 100 * Warnings.ACCURACY_DROP));
            }
        }
        if (e.argmaxAgreement() != null && e.argmaxAgreement() < Warnings.AGREEMENT) {
            degraded.add(String.format(Locale.ROOT, "the top class differs from fp32 on %.2f %% of the samples",
                    100 * (1 - e.argmaxAgreement())));
        }
        if (!unusable.isEmpty()) {
            unusable.addAll(degraded);
            return new Quality(UNUSABLE, unusable);
        }
        return degraded.isEmpty() ? new Quality(GOOD, List.of()) : new Quality(DEGRADED, degraded);
    }

    /**
     * The warning that must come first for an unusable model: what is wrong, the recipe settings that likely
     * caused it with the change that avoids each, or where to look when the recipe is the default one.
     */
    String warning(QuantizationRecipe recipe, Map<String, TensorStatistics> stats, List<TensorReport> tensors,
                   List<String> quantizedOpTypes) {
        List<String> causes = new ArrayList<>();
        String label = ModeLabel.of(recipe);
        if (recipe.mode() != null && recipe.mode() != QuantizationRecipe.Mode.STATIC) {
            causes.add(ModeLabel.remedy(recipe) + "; exclude the op types converted here one at a time"
                    + " (excludeOpTypes) to find the sensitive one: " + String.join(", ", countByType(quantizedOpTypes)));
            return "The " + label + " model is unusable: " + String.join("; ", reasons) + ". Do not deploy it. Likely"
                    + " cause: " + String.join("; ", causes) + ".";
        }
        if (Boolean.TRUE.equals(recipe.symmetricActivations())) {
            causes.add("symmetric activations (a range centred on 0 wastes half the levels of every non-negative"
                    + " tensor): set symmetricActivations to false");
        }
        QuantizationRecipe.CalibrationMethod method = recipe.calibration() == null ? null
                : recipe.calibration().method();
        long saturated = stats.values().stream()
                .filter(s -> s.clippedFraction() != null && s.clippedFraction() > Warnings.CLIPPED).count();
        if (method != null && method != QuantizationRecipe.CalibrationMethod.MINMAX && saturated > 0) {
            causes.add(String.format(Locale.ROOT, "%s calibration, which saturated %d tensor(s): set "
                    + "calibration.method to minmax", method.name().toLowerCase(Locale.ROOT), saturated));
        }
        if (Boolean.FALSE.equals(recipe.perChannel())) {
            causes.add("per-tensor weights, which give a depthwise convolution's small channels a handful of levels:"
                    + " set perChannel to true");
        }
        if (recipe.activationType() == QuantizationRecipe.QuantType.INT8
                && recipe.target() != QuantizationRecipe.Target.TENSORRT) {
            causes.add("int8 activations: set activationType to uint8 (the default)");
        }
        if (causes.isEmpty()) {
            causes.add(widestActivations(tensors) + "; exclude the op types quantized here one at a time"
                    + " (excludeOpTypes) to find the sensitive one: " + String.join(", ", countByType(quantizedOpTypes)));
        }
        return "The int8 model is unusable: " + String.join("; ", reasons) + ". Do not deploy it. Likely cause: "
                + String.join("; ", causes) + ".";
    }

    private static String widestActivations(List<TensorReport> tensors) {
        List<TensorReport> widest = tensors.stream().filter(t -> "activation".equals(t.kind()))
                .sorted(Comparator.comparingDouble((TensorReport t) -> t.rangeMax() - t.rangeMin()).reversed())
                .limit(NAMED).toList();
        if (widest.isEmpty()) {
            return "no activation was quantized, so the int8 weights are the error";
        }
        return "the activations with the widest ranges (coarsest 8-bit steps) are " + widest.stream()
                .map(t -> String.format(Locale.ROOT, "'%s' [%.4g, %.4g]", t.name(), t.rangeMin(), t.rangeMax()))
                .collect(Collectors.joining(", ")) + "; an outlier or sentinel value there crushes the rest";
    }

    private static List<String> countByType(List<String> opTypes) {
        Map<String, Long> counts = opTypes.stream()
                .collect(Collectors.groupingBy(t -> t, TreeMap::new, Collectors.counting()));
        return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(c -> c.getKey() + " ×" + c.getValue()).toList();
    }
}
