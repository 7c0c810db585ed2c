package io.quantizer.engine.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.quantizer.engine.calibration.TensorStatistics;
import io.quantizer.engine.evaluation.EvaluationResult;
import io.quantizer.engine.evaluation.OutputFidelity;
import io.quantizer.engine.evaluation.Percentiles;

/**
 * Turns the figures into sentences a user can act on. Each rule fires on its own; none hides another.
 */
final class Warnings {

    /** A top-1 drop above this (in [0, 1] units) is worth a warning: one point. */
    static final double ACCURACY_DROP = 0.01;
    static final double AGREEMENT = 0.99;
    static final double COSINE = 0.99;
    /** Calibration that clips more than this share of a tensor's values saturates it. */
    static final double CLIPPED = 0.01;
    private static final int NAMED_TENSORS = 5;

    private Warnings() {
    }

    static List<String> of(EvaluationResult e, List<Summary.KeptFloat> keptFloat, Map<String, TensorStatistics> stats) {
        return of(e, keptFloat, stats, "int8", true);
    }

    /**
     * @param label      what the quantized model is called in the sentences: int8, int4, fp16
     * @param calibrated whether activation ranges were fitted to the calibration set
     */
    static List<String> of(EvaluationResult e, List<Summary.KeptFloat> keptFloat, Map<String, TensorStatistics> stats,
                           String label, boolean calibrated) {
        List<String> w = new ArrayList<>();
        if (EvaluationResult.CALIBRATION_SET.equals(e.dataset()) && !calibrated) {
            w.add("No evaluation set was given, so the comparison ran on the calibration inputs; upload a held-out"
                    + " set to measure accuracy.");
        } else if (EvaluationResult.CALIBRATION_SET.equals(e.dataset())) {
            w.add("No evaluation set was given, so the comparison ran on the calibration inputs the ranges were "
                    + "fitted to; expect results on new data to be somewhat worse. Upload a held-out set to measure "
                    + "accuracy.");
        }
        slower(w, label, "batch 1", e.fp32().latencyMs() == null ? null : e.fp32().latencyMs().batch1(),
                e.quantized().latencyMs() == null ? null : e.quantized().latencyMs().batch1());
        slower(w, label, "the larger batch", e.fp32().latencyMs() == null ? null : e.fp32().latencyMs().batchN(),
                e.quantized().latencyMs() == null ? null : e.quantized().latencyMs().batchN());
        if (e.top1Drop() != null && e.top1Drop() > ACCURACY_DROP) {
            w.add(String.format(Locale.ROOT, "Top-1 accuracy dropped by %.2f points (fp32 %.2f %% → %s %.2f %%). "
                    + (calibrated ? "Try another calibration method, more calibration samples, or " : "Try ")
                    + "excluding the most sensitive layers.", 100 * e.top1Drop(), 100 * e.fp32().top1(), label,
                    100 * e.quantized().top1()));
        }
        if (e.argmaxAgreement() != null && e.argmaxAgreement() < AGREEMENT) {
            w.add(String.format(Locale.ROOT, "The %s model picks a different top class than fp32 on %.2f %% of the "
                    + "samples.", label, 100 * (1 - e.argmaxAgreement())));
        }
        for (OutputFidelity o : e.outputs()) {
            if (o.cosine() < COSINE) {
                w.add(String.format(Locale.ROOT, "Output '%s' of the %s model is far from fp32 (cosine %.4f%s).",
                        o.name(), label, o.cosine(), o.sqnrDb() == null ? "" : String.format(Locale.ROOT,
                                ", SQNR %.1f dB", o.sqnrDb())));
            }
        }
        if (!keptFloat.isEmpty()) {
            Map<String, Long> byOp = keptFloat.stream()
                    .collect(Collectors.groupingBy(Summary.KeptFloat::opType, TreeMap::new, Collectors.counting()));
            w.add(keptFloat.size() + " node(s) stayed in fp32 (" + byOp.entrySet().stream()
                    .map(x -> x.getValue() + " " + x.getKey()).collect(Collectors.joining(", "))
                    + "); see nodes.keptFloat for the reasons. They run at fp32 speed with conversions around them.");
        }
        saturated(w, stats);
        return w;
    }

    private static void slower(List<String> w, String label, String where, Percentiles fp32, Percentiles int8) {
        if (fp32 == null || int8 == null || int8.p50() <= fp32.p50()) {
            return;
        }
        w.add(String.format(Locale.ROOT, "The %s model ran slower than fp32 on this CPU at %s (batch %d): median "
                + "%.3f ms vs %.3f ms, %.2f× the fp32 speed. Small models, models fed one sample at a time and ops "
                + "without %s kernels spend their time outside the %s arithmetic; keep the fp32 model if speed "
                + "matters more than size.", label, where, int8.batchSize(), int8.p50(), fp32.p50(),
                fp32.p50() / int8.p50(), label, label));
    }

    private static void saturated(List<String> w, Map<String, TensorStatistics> stats) {
        List<Map.Entry<String, TensorStatistics>> clipped = stats.entrySet().stream()
                .filter(s -> s.getValue().clippedFraction() != null && s.getValue().clippedFraction() > CLIPPED)
                .sorted(Comparator.comparing((Map.Entry<String, TensorStatistics> s) -> s.getValue().clippedFraction())
                        .reversed())
                .toList();
        if (!clipped.isEmpty()) {
            w.add("Calibration saturated " + clipped.size() + " tensor(s), clipping more than 1 % of their "
                    + "calibration values: " + clipped.stream().limit(NAMED_TENSORS)
                    .map(s -> String.format(Locale.ROOT, "'%s' (%.1f %%)", s.getKey(),
                            100 * s.getValue().clippedFraction()))
                    .collect(Collectors.joining(", "))
                    + (clipped.size() > NAMED_TENSORS ? ", …" : "") + ". A wider percentile or MinMax keeps them.");
        }
        List<String> nonFinite = stats.entrySet().stream().filter(s -> s.getValue().nonFiniteCount() > 0)
                .map(Map.Entry::getKey).toList();
        if (!nonFinite.isEmpty()) {
            w.add("Calibration saw NaN or infinite values in " + nonFinite.size() + " tensor(s) (e.g. '"
                    + nonFinite.get(0) + "'); they were left out of the ranges. Check the calibration data.");
        }
    }
}
