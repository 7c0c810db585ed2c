package io.quantizer.engine.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import io.quantizer.engine.QuantizationPipeline;
import io.quantizer.engine.calibration.CalibrationResult;
import io.quantizer.engine.calibration.CalibrationRunner;
import io.quantizer.engine.evaluation.EvaluationResult;
import io.quantizer.engine.evaluation.EvaluationSettings;
import io.quantizer.engine.evaluation.Evaluator;
import io.quantizer.engine.onnx.ModelPreprocessor;
import io.quantizer.engine.onnx.OnnxModels;
import io.quantizer.engine.onnx.PreparedModel;
import io.quantizer.engine.quantize.QdqQuantizer;
import io.quantizer.engine.quantize.QuantGroup;
import io.quantizer.engine.recipe.Accuracy;
import io.quantizer.engine.recipe.Analysis;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.report.AccuracySearch;
import io.quantizer.engine.report.LayerAnalysis;
import io.quantizer.engine.report.Summary;

/**
 * Issue 11's accuracy-control figures (not a test). For each model given as {@code name=model.onnx,calib.npz,eval.npz}:
 * <ol>
 *   <li>a plain job (analysis off): its evaluation time is the unit of the cost bound;</li>
 *   <li>the ranking's use: the whole evaluation set with only the analysis' top group in float, against each of
 *       {@code --random} random groups (seeded) that compute in int8, each alone in float;</li>
 *   <li>an accuracy-controlled job with the target given ({@code --target maxTop1Drop=0.001} or
 *       {@code minCosine=0.99}): met or not, trials, Conv/MatMul/Gemm still int8, and its evaluation-stage time
 *       (plain evaluation + analysis + trials) against (1 + trials) × the plain evaluation time.</li>
 * </ol>
 * <pre>
 * ./mvnw -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx3g -cp target/classes:target/test-classes:$(cat target/cp.txt) io.quantizer.engine.bench.AccuracyControlBench \
 *   --target maxTop1Drop=0.001 --random 5 \
 *   fmnist_cnn=../shared/corpus/models/fmnist_cnn.onnx,../shared/corpus/data/fmnist_calib.npz,../shared/corpus/data/fmnist_eval.npz
 * </pre>
 */
public final class AccuracyControlBench {

    private static final Set<String> COMPUTE_OPS = Set.of("Conv", "MatMul", "Gemm", "ConvTranspose");

    private AccuracyControlBench() {
    }

    public static void main(String[] args) throws Exception {
        BigStack.run("accuracy-control-bench", () -> run(args));
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        List<String[]> models = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                options.put(args[i], args[++i]);
            } else {
                String[] nameAndFiles = args[i].split("=", 2);
                String[] files = nameAndFiles[1].split(",");
                models.add(new String[] {nameAndFiles[0], files[0], files[1], files[2]});
            }
        }
        String[] target = options.getOrDefault("--target", "maxTop1Drop=0.001").split("=");
        double threshold = Double.parseDouble(target[1]);
        Accuracy accuracy = target[0].equals("minCosine") ? new Accuracy(null, threshold, 10, 1200)
                : new Accuracy(threshold, null, 10, 1200);
        int random = Integer.parseInt(options.getOrDefault("--random", "5"));
        io.quantizer.engine.runtime.Ort.configureThreads(1);
        EvaluationSettings settings = EvaluationSettings.defaults().withLatency(Duration.ofSeconds(1), 10, 1000);
        for (String[] m : models) {
            Path work = Files.createDirectories(Path.of("target/accuracy-bench", m[0]));
            Path model = Path.of(m[1]);
            Path calibration = Path.of(m[2]);
            Path evaluation = Path.of(m[3]);
            System.out.println("## " + m[0]);
            Summary plain = pipeline(recipe(new Analysis(false, null, null), null), settings, model, calibration,
                    evaluation, work.resolve("plain.onnx"), work);
            double plainEval = plain.stageSeconds().evaluation();
            System.out.printf(Locale.ROOT, "plain: top1Drop %s, min cosine %.5f, evaluation %.2f s%n",
                    fmt(plain.evaluation().top1Drop()), minCosine(plain.evaluation()), plainEval);

            ranking(m[0], model, calibration, evaluation, work, random);

            Summary controlled = pipeline(recipe(new Analysis(true, null, null), accuracy), settings, model,
                    calibration, evaluation, work.resolve("controlled.onnx"), work);
            AccuracySearch search = controlled.accuracySearch();
            int trials = search.trials().size() - 1;
            long compute = plain.nodes().quantized().size();
            long keptCompute = controlled.nodes().keptFloat().stream().filter(k -> COMPUTE_OPS.contains(k.opType()))
                    .count() - plain.nodes().keptFloat().stream().filter(k -> COMPUTE_OPS.contains(k.opType())).count();
            long allCompute = countCompute(model);
            System.out.printf(Locale.ROOT, "target %s %s: met %s, stop %s, trials %d, returned %d (float groups %s), "
                    + "top1Drop %s, min cosine %.5f, Conv/MatMul/Gemm returned to float %d of %d (quantized nodes "
                    + "in plain job %d)%n", target[0], target[1], search.met(), search.stopReason(), trials,
                    search.returnedTrial(), search.trials().get(search.returnedTrial()).floatGroups(),
                    fmt(controlled.evaluation().top1Drop()), minCosine(controlled.evaluation()), keptCompute,
                    allCompute, compute);
            for (AccuracySearch.Trial t : search.trials()) {
                System.out.printf(Locale.ROOT, "  trial %d: groups %s metric %.5f cosine %.5f latency %s ms, %.2f s%n",
                        t.index(), t.floatGroups(), t.metric(), t.cosine(), fmt(t.latencyMsBatch1()), t.seconds());
            }
            System.out.printf(Locale.ROOT, "cost: evaluation stage %.2f s (analysis %d extra passes) vs (1 + %d) × "
                    + "plain evaluation %.2f s = %.2f s: ratio %.2f%n", controlled.stageSeconds().evaluation(),
                    controlled.layers().extraForwardPasses(), trials, plainEval, (1 + trials) * plainEval,
                    controlled.stageSeconds().evaluation() / ((1 + trials) * plainEval));
        }
    }

    /** Top group alone in float vs random computing groups alone in float, on the whole evaluation set. */
    private static void ranking(String name, Path model, Path calibration, Path evaluation, Path work, int random)
            throws Exception {
        QuantizationRecipe base = recipe(new Analysis(true, 64, 16), null).withDefaults();
        PreparedModel prepared = new ModelPreprocessor().prepare(model, base, work.resolve("prep"));
        QdqQuantizer quantizer = new QdqQuantizer(base);
        CalibrationResult ranges = new CalibrationRunner(base).run(prepared.model(),
                quantizer.tensorsToCalibrate(prepared.model()), calibration, f -> { });
        Summary analysed = pipeline(base, EvaluationSettings.defaults().withoutLatency(), model, calibration,
                evaluation, work.resolve("analysed.onnx"), work);
        LayerAnalysis layers = analysed.layers();
        System.out.printf(Locale.ROOT, "analysis: metric %s, %d samples, %d extra forward passes, %d groups measured; "
                + "top 3: %s%n", layers.metric(), layers.samples(), layers.extraForwardPasses(), layers.groups().size(),
                layers.groups().stream().limit(3).map(g -> String.format(Locale.ROOT, "%s (%s, %.4f)", g.id(),
                        g.opType(), g.sensitivity())).toList());
        List<QuantGroup> groups = quantizer.groups(prepared.model(), ranges.ranges()).stream()
                .filter(g -> !g.movesDataOnly()).toList();
        QuantGroup top = groups.stream().filter(g -> g.id().equals(layers.groups().get(0).id())).findFirst()
                .orElseThrow();
        double[] topScore = floatScore(top, base, prepared, ranges, evaluation, work);
        Random seeded = new Random(11);
        double dropSum = 0;
        double cosSum = 0;
        int beaten = 0;
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < random; i++) {
            QuantGroup g = groups.get(seeded.nextInt(groups.size()));
            double[] s = floatScore(g, base, prepared, ranges, evaluation, work);
            picked.add(String.format(Locale.ROOT, "%s: drop %s cos %.5f", g.id(), fmt(Double.isNaN(s[0]) ? null : s[0]), s[1]));
            dropSum += s[0];
            cosSum += s[1];
            beaten += better(topScore, s) ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "ranking (%s): top group %s in float: top1Drop %s, min cosine %.5f; random "
                + "groups mean: top1Drop %s, min cosine %.5f; top beats %d of %d random; %s%n", name, top.id(),
                fmt(Double.isNaN(topScore[0]) ? null : topScore[0]), topScore[1],
                fmt(Double.isNaN(dropSum) ? null : dropSum / random), cosSum / random, beaten, random, picked);
    }

    private static boolean better(double[] a, double[] b) {
        if (!Double.isNaN(a[0]) && a[0] != b[0]) {
            return a[0] < b[0];
        }
        return a[1] > b[1];
    }

    private static double[] floatScore(QuantGroup group, QuantizationRecipe base,
                                       PreparedModel prepared, CalibrationResult ranges, Path evaluation, Path work)
            throws Exception {
        Path file = work.resolve("ranking.onnx");
        OnnxModels.save(new QdqQuantizer(base.withExcludedNodes(group.nodes())).quantize(prepared.model(),
                ranges.ranges()).model(), file);
        EvaluationResult e = new Evaluator(EvaluationSettings.defaults().withoutLatency()).evaluate(prepared.path(),
                Files.size(prepared.path()), file, evaluation, EvaluationResult.EVALUATION_SET, f -> { });
        return new double[] {e.top1Drop() == null ? Double.NaN : e.top1Drop(), minCosine(e)};
    }

    private static long countCompute(Path model) throws Exception {
        return OnnxModels.load(model).getGraph().getNodeList().stream()
                .filter(n -> COMPUTE_OPS.contains(n.getOpType())).count();
    }

    private static Summary pipeline(QuantizationRecipe recipe, EvaluationSettings settings, Path model,
                                    Path calibration, Path evaluation, Path out, Path work) throws Exception {
        return new QuantizationPipeline(recipe, settings).run(new QuantizationPipeline.Inputs(model, calibration,
                evaluation, out, work.resolve("run")), (s, f) -> { }).summary();
    }

    private static QuantizationRecipe recipe(Analysis analysis, Accuracy accuracy) {
        return new QuantizationRecipe(null, null, null, null, null, null, null, null, null, null, null, null)
                .withAnalysis(analysis).withAccuracy(accuracy);
    }

    private static double minCosine(EvaluationResult e) {
        return e.outputs().stream().mapToDouble(o -> o.cosine()).min().orElse(1.0);
    }

    private static String fmt(Double d) {
        return d == null ? "n/a" : String.format(Locale.ROOT, "%.5f", d);
    }
}
