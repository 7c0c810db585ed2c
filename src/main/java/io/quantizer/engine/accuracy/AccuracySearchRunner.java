package io.quantizer.engine.accuracy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtException;
import io.quantizer.engine.calibration.TensorRange;
import io.quantizer.engine.evaluation.EvaluationResult;
import io.quantizer.engine.onnx.OnnxModels;
import io.quantizer.engine.quantize.QdqQuantizer;
import io.quantizer.engine.quantize.QuantGroup;
import io.quantizer.engine.quantize.QuantizationOutcome;
import io.quantizer.engine.recipe.Accuracy;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.report.AccuracySearch;

/**
 * NNCF-style accuracy-driven fallback: trial k returns the first k groups of the analysis' order to float
 * (re-quantized from the cached ranges, no new calibration) and evaluates the model on the whole evaluation set,
 * until one meets the target or the trials, the time or the groups run out. The returned model is the first that
 * met the target, else the best seen; trial 0, the plain quantization, is a candidate, so it is never worse.
 */
final class AccuracySearchRunner {

    /** Evaluates a saved candidate model. */
    @FunctionalInterface
    interface Evaluation {
        EvaluationResult of(Path model) throws IOException, OrtException;
    }

    record Result(TrialModel returned, AccuracySearch search) {
    }

    private final QuantizationRecipe recipe;
    private final Accuracy accuracy;
    private final TargetCheck check;

    AccuracySearchRunner(QuantizationRecipe recipe) {
        this.recipe = recipe.withDefaults();
        this.accuracy = this.recipe.accuracy();
        this.check = new TargetCheck(accuracy);
    }

    /**
     * @param plain the plain quantization, evaluated (trial 0)
     * @param order the groups to return to float, most promising first
     */
    Result run(ModelProto prepared, Map<String, TensorRange> ranges, TrialModel plain, List<QuantGroup> order,
               Evaluation evaluation, Path workDir, DoubleConsumer progress) throws IOException, OrtException {
        List<AccuracySearch.Trial> trials = new ArrayList<>(List.of(plain.trial()));
        TrialModel best = plain;
        String stop = null;
        long start = System.nanoTime();
        double slowest = 0;
        int k = 1;
        while (!check.meets(best.trial().metric())) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            if (k > accuracy.maxTrials()) {
                stop = "max-trials";
            } else if (k > order.size()) {
                stop = "no-groups-left";
            } else if (elapsed + slowest > accuracy.timeLimit()) {
                stop = "time-limit";
            }
            if (stop != null) {
                break;
            }
            long t0 = System.nanoTime();
            List<QuantGroup> reverted = order.subList(0, k);
            QuantizationOutcome outcome = new QdqQuantizer(recipe.withExcludedNodes(
                    reverted.stream().flatMap(g -> g.nodes().stream()).toList())).quantize(prepared, ranges);
            Path file = workDir.resolve("accuracy-trial-" + k + ".onnx");
            OnnxModels.save(outcome.model(), file);
            EvaluationResult result = evaluation.of(file);
            double metric = check.metric(result);
            double seconds = (System.nanoTime() - t0) / 1e9;
            slowest = Math.max(slowest, seconds);
            AccuracySearch.Trial trial = new AccuracySearch.Trial(k, reverted.stream().map(QuantGroup::id).toList(),
                    metric, result.top1Drop(), TrialModel.minCosine(result), TrialModel.latencyBatch1(result),
                    check.meets(metric), round(seconds));
            trials.add(trial);
            if (check.better(trial, best.trial()) || trial.meetsTarget()) {
                if (best != plain) {
                    Files.deleteIfExists(best.file());
                }
                best = new TrialModel(outcome, file, result, trial);
            } else {
                Files.deleteIfExists(file);
            }
            progress.accept(Math.min(1.0, (double) k / Math.max(1, Math.min(accuracy.maxTrials(), order.size()))));
            k++;
        }
        if (stop == null) {
            stop = "target-met";
        }
        AccuracySearch search = new AccuracySearch(check.target(), best.trial().meetsTarget(), best.trial().index(),
                stop, trials);
        return new Result(best, search);
    }

    static double round(double seconds) {
        return Math.round(seconds * 1e3) / 1e3;
    }
}
