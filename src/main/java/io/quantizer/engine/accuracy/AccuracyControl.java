package io.quantizer.engine.accuracy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtException;
import io.quantizer.engine.EngineInputException;
import io.quantizer.engine.analysis.LayerAnalyzer;
import io.quantizer.engine.calibration.TensorRange;
import io.quantizer.engine.evaluation.EvaluationResult;
import io.quantizer.engine.evaluation.EvaluationSettings;
import io.quantizer.engine.evaluation.Evaluator;
import io.quantizer.engine.onnx.ExternalData;
import io.quantizer.engine.quantize.QuantizationOutcome;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.report.AccuracySearch;
import io.quantizer.engine.report.LayerAnalysis;

/**
 * What runs after the plain quantization is evaluated: the per-layer analysis, and with an accuracy target the
 * search that returns groups to float. The result names the model that is the artifact (already moved to the
 * output path) and its evaluation, so the summary describes the model the user downloads.
 */
public final class AccuracyControl {

    /**
     * @param evaluationSeconds how long the plain evaluation took (trial 0's time)
     * @param reference         the fp32 model evaluations compare against
     * @param data              the data evaluations run on, and {@code dataset} which set it is
     */
    public record Start(ModelProto prepared, Map<String, TensorRange> ranges, QuantizationOutcome outcome,
                        EvaluationResult evaluation, double evaluationSeconds, Path reference, long fp32SizeBytes,
                        Path outputModel, Path data, String dataset, Path workDir) {
    }

    /** The returned model's quantization and evaluation, the analysis and the search (each null when not run). */
    public record Result(QuantizationOutcome outcome, EvaluationResult evaluation, LayerAnalysis layers,
                         AccuracySearch search, List<String> warnings) {

        /** The model as quantized, with neither an analysis nor a search. */
        public static Result unchanged(QuantizationOutcome outcome, EvaluationResult evaluation) {
            return new Result(outcome, evaluation, null, null, List.of());
        }
    }

    /** Share of this step's progress the analysis takes when a search follows it. */
    private static final double ANALYSIS_SHARE = 0.3;

    private final QuantizationRecipe recipe;
    private final EvaluationSettings settings;

    public AccuracyControl(QuantizationRecipe recipe, EvaluationSettings settings) {
        this.recipe = recipe.withDefaults();
        this.settings = settings;
    }

    /** Whether {@link #run} reads the in-memory int8 graph of this model: the analysis or a search will run. */
    public boolean readsQuantizedModel(ModelProto prepared) {
        return recipe.accuracy() != null || recipe.analysis().enabled() && !analysisLeftOut(prepared);
    }

    private static boolean analysisLeftOut(ModelProto prepared) {
        return ExternalData.any(prepared);
    }

    public Result run(Start s, DoubleConsumer progress) throws IOException, OrtException {
        boolean search = recipe.accuracy() != null;
        EvaluationResult e = s.evaluation();
        TargetCheck check = search ? new TargetCheck(recipe.accuracy()) : null;
        if (search) {
            List<String> problems = recipe.problemsWithData(e.top1Drop() != null);
            if (!problems.isEmpty()) {
                throw new EngineInputException(String.join("; ", problems));
            }
        }
        double metric = search ? check.metric(e) : Double.NaN;
        // NNCF's first step: a plain quantization that meets the target ends the search, and the job costs what a
        // plain one does; only a miss pays for ranking every group the recipe allows
        boolean rank = search && !check.meets(metric);
        LayerAnalysis layers = null;
        List<String> warnings = new ArrayList<>();
        List<io.quantizer.engine.quantize.QuantGroup> order = List.of();
        // A model with external data is one too large for a second in-memory copy of its int8 weights, which every
        // analysis session holds: unasked, its heap stays flat and the analysis is left out, saying so
        if (!rank && recipe.analysis().enabled() && analysisLeftOut(s.prepared())) {
            warnings.add("The per-layer analysis was left out: the model keeps its weights in external data files, "
                    + "and the analysis would hold a second copy of the int8 weights in memory. An accuracy target "
                    + "in the recipe runs it when the plain model misses the target.");
        } else if (rank || recipe.analysis().enabled()) {
            // alone, the analysis adds at most the forward passes of the evaluation's accuracy pass (fp32 and int8
            // over every sample); a ranking for the search, whose trials cost a whole evaluation each, gets the
            // recipe's bounds only
            LayerAnalyzer.Inputs inputs = new LayerAnalyzer.Inputs(s.prepared(), s.ranges(), s.outcome(), s.data(),
                    recipe.constantInputs(), e.classificationOutput(), rank ? 0 : 2 * e.sampleCount());
            try {
                LayerAnalyzer.Outcome analysis = new LayerAnalyzer(recipe).analyze(inputs,
                        f -> progress.accept(f * (rank ? ANALYSIS_SHARE : 1)));
                layers = analysis.report();
                order = analysis.searchOrder();
            } catch (OrtException | IllegalStateException failure) {
                if (rank) {
                    throw failure;
                }
                // the analysis is extra evidence: a model it cannot take apart still gets its evaluated int8 model
                warnings.add("The per-layer analysis could not run on this model (" + failure.getMessage()
                        + "); the evaluation above is unaffected.");
            }
        }
        if (!search) {
            return new Result(s.outcome(), e, layers, null, warnings);
        }
        TrialModel plain = new TrialModel(s.outcome(), s.outputModel(), e, new AccuracySearch.Trial(0, List.of(),
                metric, e.top1Drop(), TrialModel.minCosine(e), TrialModel.latencyBatch1(e), check.meets(metric),
                AccuracySearchRunner.round(s.evaluationSeconds())));
        Evaluator evaluator = new Evaluator(trialSettings(), recipe.constantInputs());
        AccuracySearchRunner.Result found = new AccuracySearchRunner(recipe).run(s.prepared(), s.ranges(), plain,
                order, file -> evaluator.evaluate(s.reference(), s.fp32SizeBytes(), file, s.data(),
                        s.dataset(), f -> { }), s.workDir(),
                f -> progress.accept(ANALYSIS_SHARE + f * (1 - ANALYSIS_SHARE)));
        TrialModel returned = found.returned();
        if (returned != plain) {
            Files.move(returned.file(), s.outputModel(), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!found.search().met()) {
            warnings.add(notMet(found.search()));
        }
        progress.accept(1.0);
        return new Result(returned.outcome(), returned.evaluation(), layers, found.search(), warnings);
    }

    /** Trials time their model with a quarter of the plain evaluation's latency budget. */
    private EvaluationSettings trialSettings() {
        return settings.latency() ? settings.withLatency(settings.latencyBudget().dividedBy(4),
                Math.min(settings.minRuns(), 10), settings.maxRuns()) : settings;
    }

    static String notMet(AccuracySearch search) {
        AccuracySearch.Trial returned = search.trials().get(search.returnedTrial());
        boolean drop = "top1Drop".equals(search.target().metric());
        String target = drop ? String.format(java.util.Locale.ROOT, "top-1 drop at most %.2f points",
                100 * search.target().threshold())
                : String.format(java.util.Locale.ROOT, "cosine at least %.4f", search.target().threshold());
        String got = drop ? String.format(java.util.Locale.ROOT, "%.2f points", 100 * returned.metric())
                : String.format(java.util.Locale.ROOT, "%.4f", returned.metric());
        return "The accuracy target was NOT met (" + target + "): the best model found, trial "
                + search.returnedTrial() + " with " + returned.floatGroups().size() + " group(s) in float, reaches "
                + got + ". The search stopped after " + (search.trials().size() - 1) + " trial(s) ("
                + search.stopReason() + "). Raise accuracy.maxTrials or accuracy.timeLimit, or try another "
                + "calibration method.";
    }
}
