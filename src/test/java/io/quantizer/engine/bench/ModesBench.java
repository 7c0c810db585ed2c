package io.quantizer.engine.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;

import io.quantizer.engine.DecoderModels;
import io.quantizer.engine.QuantizationPipeline;
import io.quantizer.engine.TestData;
import io.quantizer.engine.evaluation.EvaluationResult;
import io.quantizer.engine.evaluation.EvaluationSettings;
import io.quantizer.engine.onnx.OnnxModels;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.recipe.QuantizationRecipe.Mode;
import io.quantizer.engine.recipe.QuantizationRecipe.WeightOnly;
import io.quantizer.engine.recipe.QuantizationRecipe.WeightOnlyAlgorithm;
import io.quantizer.engine.report.QuantizationReport;

/**
 * The modes of issue 14 side by side, each through the whole pipeline as a job runs it, so every ratio is fp32
 * against the quantized model measured alternately in one evaluation:
 * <ol>
 *   <li>bert_mini (random weights, speed only): static int8 against dynamic int8 (latency at batch 1 and 8,
 *       speedup over fp32, output cosine);</li>
 *   <li>fp16 on the corpus classifiers: top-1 drop and size ratio;</li>
 *   <li>weight-only int4 on the generated decoder: RTN against HQQ (size ratio, logits cosine).</li>
 * </ol>
 * Run: {@code java -cp target/classes:target/test-classes:$(cat cp.txt) io.quantizer.engine.bench.ModesBench
 * ../shared/bench ../shared/corpus /tmp/modes-bench} (either folder may be absent; its section is skipped).
 */
public final class ModesBench {

    private static final EvaluationSettings LATENCY = EvaluationSettings.defaults()
            .withLatency(Duration.ofSeconds(4), 20, 5000);
    private static final EvaluationSettings QUICK = EvaluationSettings.defaults()
            .withLatency(Duration.ofSeconds(1), 10, 500);

    private ModesBench() {
    }

    public static void main(String[] args) throws Exception {
        Path bench = Path.of(args[0]);
        Path corpus = Path.of(args[1]);
        Path work = Files.createDirectories(Path.of(args[2]));
        if (Files.exists(bench.resolve("bert_mini.onnx"))) {
            bert(bench, work);
        }
        if (Files.exists(corpus.resolve("models"))) {
            fp16(corpus, work);
        }
        decoder(work);
    }

    private static void bert(Path bench, Path work) throws Exception {
        Path model = bench.resolve("bert_mini.onnx");
        Path data = bench.resolve("bert_like_calib.npz");
        System.out.println("## bert_mini: static against dynamic int8 (fp32 ÷ quantized, measured alternately)");
        System.out.println("| mode | fp32 b1 ms | int8 b1 ms | speedup b1 | fp32 b8 ms | int8 b8 ms | speedup b8 |"
                + " cosine | size ratio |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Mode mode : new Mode[] {Mode.STATIC, Mode.DYNAMIC}) {
            QuantizationReport r = run(recipe(mode, null), model, mode == Mode.STATIC ? data : null, data,
                    work.resolve("bert-" + mode + ".onnx"), LATENCY);
            EvaluationResult e = r.summary().evaluation();
            System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.2f | %s | %s | %s | %.5f | %.3f |%n",
                    mode.name().toLowerCase(Locale.ROOT), e.fp32().latencyMs().batch1().p50(),
                    e.quantized().latencyMs().batch1().p50(), e.speedup(),
                    e.fp32().latencyMs().batchN() == null ? "-" : fmt(e.fp32().latencyMs().batchN().p50()),
                    e.quantized().latencyMs().batchN() == null ? "-" : fmt(e.quantized().latencyMs().batchN().p50()),
                    e.speedupBatchN() == null ? "-" : fmt(e.speedupBatchN()), minCosine(e), 1 / e.compressionRatio());
        }
    }

    private static void fp16(Path corpus, Path work) throws Exception {
        System.out.println("## fp16 on the corpus classifiers");
        System.out.println("| model | samples | fp32 top-1 | fp16 top-1 | drop (points) | size ratio | cosine |"
                + " kept float32 |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        String[][] classifiers = {
                {"fmnist_cnn.onnx", "fmnist_eval.npz"}, {"mnist-7_cntk.onnx", "mnist_test.npz"},
                {"mnist-8_cntk_emclab-variant.onnx", "mnist_test.npz"},
                {"fashion_mnist_mlp.onnx", "fashion_mnist_test_pm1.npz"},
                {"fashion_mnist_cnn.onnx", "fashion_mnist_test.npz"}, {"iris_mlp.onnx", "iris.npz"}};
        for (String[] c : classifiers) {
            Path model = corpus.resolve("models").resolve(c[0]);
            QuantizationReport r = run(recipe(Mode.FP16, null), model, null, corpus.resolve("data").resolve(c[1]),
                    work.resolve("fp16-" + c[0]), QUICK);
            EvaluationResult e = r.summary().evaluation();
            System.out.printf(Locale.ROOT, "| %s | %d | %.4f | %.4f | %.2f | %.3f | %.6f | %d |%n", c[0],
                    e.sampleCount(), e.fp32().top1(), e.quantized().top1(), 100 * e.top1Drop(),
                    1 / e.compressionRatio(), minCosine(e), r.summary().nodes().keptFloat().size());
        }
    }

    private static void decoder(Path work) throws Exception {
        Path model = work.resolve("decoder.onnx");
        int vocab = 512;
        int sequence = 32;
        OnnxModels.save(DecoderModels.decoder(vocab, 256, 4, sequence, 5), model);
        Random random = new Random(3);
        long[] ids = new long[16 * sequence];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(vocab);
        }
        Path data = new TestData().longs("ids", ids, 16, sequence).write(work.resolve("ids.npz"));
        System.out.println("## weight-only int4 on the generated decoder (4 layers, width 256, vocab 512)");
        System.out.println("| algorithm | block | size ratio | logits cosine | mean weight rel. error |"
                + " b1 speedup |");
        System.out.println("|---|---|---|---|---|---|");
        for (int block : new int[] {32, 128}) {
            for (WeightOnlyAlgorithm a : WeightOnlyAlgorithm.values()) {
                QuantizationReport r = run(recipe(Mode.WEIGHT_ONLY, new WeightOnly(4, block, a, null)), model, null,
                        data, work.resolve("decoder-" + a + block + ".onnx"), QUICK);
                EvaluationResult e = r.summary().evaluation();
                double meanError = r.details().weightErrors().stream().mapToDouble(w -> w.relativeError()).average()
                        .orElse(Double.NaN);
                System.out.printf(Locale.ROOT, "| %s | %d | %.3f | %.5f | %.4f | %.2f |%n",
                        a.name().toLowerCase(Locale.ROOT), block, 1 / e.compressionRatio(), minCosine(e), meanError,
                        e.speedup());
            }
        }
    }

    private static QuantizationRecipe recipe(Mode mode, WeightOnly weightOnly) {
        return new QuantizationRecipe(mode, null, null, null, null, null, null, null, null, null, null, null)
                .withWeightOnly(weightOnly);
    }

    private static QuantizationReport run(QuantizationRecipe recipe, Path model, Path calibration, Path evaluation,
                                          Path out, EvaluationSettings settings) throws Exception {
        return new QuantizationPipeline(recipe, settings).run(new QuantizationPipeline.Inputs(model, calibration,
                evaluation, out, Files.createTempDirectory(out.getParent(), "work")), (s, f) -> { });
    }

    private static double minCosine(EvaluationResult e) {
        return e.outputs().stream().mapToDouble(o -> o.cosine()).min().orElse(Double.NaN);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
