package io.quantizer.engine.analysis;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtException;
import io.quantizer.engine.calibration.TensorRange;
import io.quantizer.engine.quantize.QdqQuantizer;
import io.quantizer.engine.quantize.QuantGroup;
import io.quantizer.engine.quantize.QuantizationOutcome;
import io.quantizer.engine.recipe.Analysis;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.report.LayerAnalysis;

/**
 * The per-layer analysis: the error of each quantized activation, then the sensitivity of the output to each group,
 * measured by returning only that group to float. Only the {@code maxGroups} groups whose own quantization adds the
 * most activation error are measured (data-movement groups never: they reuse their input's parameters); they are
 * ranked by the metric's gain, ties broken by the cosine gain.
 */
public final class LayerAnalyzer {

    /**
     * What the analysis runs on.
     *
     * @param passBudget most forward passes (one model, one sample) it may add, or 0 for no bound beyond the recipe's
     */
    public record Inputs(ModelProto prepared, Map<String, TensorRange> ranges, QuantizationOutcome outcome,
                         Path data, Map<String, BigDecimal> constants, String classificationOutput, long passBudget) {
    }

    /**
     * @param report      the analysis as the summary shows it
     * @param searchOrder every group worth returning to float, most promising first: the ranked measured groups,
     *                    then the unmeasured ones by the error their own quantization adds
     */
    public record Outcome(LayerAnalysis report, List<QuantGroup> searchOrder) {
    }

    private record Measured(QuantGroup group, double sensitivity, double cosineGain, double metricIfFloat) {
    }

    /** Samples a pass budget keeps before it cuts the groups measured. */
    static final long MIN_SAMPLES = 8;

    private final QuantizationRecipe recipe;

    public LayerAnalyzer(QuantizationRecipe recipe) {
        this.recipe = recipe.withDefaults();
    }

    public Outcome analyze(Inputs in, DoubleConsumer progress) throws IOException, OrtException {
        Analysis settings = recipe.analysis();
        QdqQuantizer quantizer = new QdqQuantizer(recipe);
        List<QuantGroup> groups = quantizer.groups(in.prepared(), in.ranges());
        int measuredCount = (int) Math.min(settings.maxGroups(), groups.stream().filter(g -> !g.movesDataOnly())
                .count());
        long samples = settings.samples();
        if (in.passBudget() > 0) {
            // within the budget, measure fewer groups before going below a few samples: each group also costs a
            // session, and a ranking on one or two samples says little
            long fewest = Math.min(MIN_SAMPLES, samples);
            measuredCount = (int) Math.max(0, Math.min(measuredCount, in.passBudget() / fewest - 2));
            samples = Math.max(1, Math.min(samples, in.passBudget() / (2 + measuredCount)));
        }
        AnalysisSubset subset = new AnalysisSubset(in.data(), in.constants(), samples);
        ActivationErrorPass.Result errors = ActivationErrorPass.run(in.prepared(), in.outcome().model(),
                in.outcome().tensors(), subset, in.classificationOutput());
        SubsetScore base = errors.quantized();
        boolean top1 = base.top1() != null;
        List<QuantGroup> candidates = byOwnError(groups, errors.ownSqnr());
        progress.accept(1.0 / (measuredCount + 1));
        CandidateScorer scorer = new CandidateScorer(recipe, in.prepared(), in.ranges(), subset, errors.reference(),
                in.classificationOutput());
        List<Measured> measured = new ArrayList<>();
        for (QuantGroup group : candidates.subList(0, measuredCount)) {
            SubsetScore s = scorer.withFloat(group);
            double cosineGain = s.minCosine() - base.minCosine();
            measured.add(top1 ? new Measured(group, s.top1() - base.top1(), cosineGain, s.top1())
                    : new Measured(group, cosineGain, cosineGain, s.minCosine()));
            progress.accept((measured.size() + 1.0) / (measuredCount + 1));
        }
        measured.sort(Comparator.comparingDouble(Measured::sensitivity).thenComparingDouble(Measured::cosineGain)
                .reversed());
        List<LayerAnalysis.Group> ranked = new ArrayList<>();
        List<QuantGroup> order = new ArrayList<>();
        for (Measured m : measured) {
            ranked.add(new LayerAnalysis.Group(ranked.size() + 1, m.group().id(), m.group().opType(),
                    m.group().nodes(), m.sensitivity(), m.metricIfFloat()));
            order.add(m.group());
        }
        order.addAll(candidates.subList(measuredCount, candidates.size()));
        long passes = (2L + measuredCount) * errors.samples();
        return new Outcome(new LayerAnalysis(top1 ? "top1" : "cosine", (int) errors.samples(), passes,
                errors.errors(), ranked), order);
    }

    /**
     * Groups that compute in int8, worst first by the lowest SQNR their own quantization adds to any of their
     * tensors; groups with no measured tensor last, in graph order.
     */
    static List<QuantGroup> byOwnError(List<QuantGroup> groups, Map<String, Double> ownSqnr) {
        return groups.stream().filter(g -> !g.movesDataOnly())
                .sorted(Comparator.comparingDouble(g -> worstOwnSqnr(g, ownSqnr))).toList();
    }

    private static double worstOwnSqnr(QuantGroup group, Map<String, Double> ownSqnr) {
        double worst = Double.POSITIVE_INFINITY;
        for (String t : group.tensors()) {
            if (ownSqnr.containsKey(t)) {
                Double s = ownSqnr.get(t);
                worst = Math.min(worst, s == null ? Double.MAX_VALUE : s);
            }
        }
        return worst;
    }
}
