package io.quantizer.engine.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.quantizer.engine.QuantizationPipeline;
import io.quantizer.engine.evaluation.EvaluationResult;
import io.quantizer.engine.evaluation.EvaluationSettings;
import io.quantizer.engine.evaluation.MachineInfo;
import io.quantizer.engine.evaluation.OutputFidelity;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.recipe.QuantizationRecipe.Target;
import io.quantizer.engine.report.QuantizationReport;
import io.quantizer.engine.report.ReportWriter;
import io.quantizer.engine.report.Summary;

/**
 * Issue 14's target table (not a test): every target on the corpus classifiers (labelled held-out sets) and on
 * ResNet-50 from {@code ../shared/bench/make_bench_models.py} (random weights, no labels: cosine on its calibration
 * images), in one run. One Markdown row per model and target: top-1 fp32 → quantized and the drop, the worst output
 * cosine, batch-1 median latency fp32 and quantized and their ratio, and whether the machine is the target (it
 * never is for tensorrt and npu-a16w8: ONNX Runtime's CPU provider runs their Q/DQ graphs). Reports land in
 * {@code target/target-bench/}.
 *
 * <pre>
 * /usr/bin/python3 ../shared/bench/make_bench_models.py /tmp/quantizer-bench
 * ./mvnw -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx3g -cp target/classes:target/test-classes:$(cat target/cp.txt) io.quantizer.engine.bench.TargetBench \
 *      [--corpus ../shared/corpus] [--bench /tmp/quantizer-bench] [--targets cpu-vnni,...] [--only fmnist_cnn,...]
 *      [--latency-seconds 2] [--eval-samples 2000]
 * </pre>
 */
public final class TargetBench {

    /** name, model, calibration, evaluation (null: compare on the calibration set). */
    private static final List<String[]> CORPUS = List.of(
            new String[] {"fmnist_cnn", "models/fmnist_cnn.onnx", "data/fmnist_calib.npz", "data/fmnist_eval.npz"},
            new String[] {"mnist-7_cntk", "models/mnist-7_cntk.onnx", "data/mnist_calib.npz", "data/mnist_test.npz"},
            new String[] {"fashion_mnist_mlp", "models/fashion_mnist_mlp.onnx", "data/fashion_mnist_calib_pm1.npz",
                    "data/fashion_mnist_test_pm1.npz"},
            new String[] {"fashion_mnist_cnn", "models/fashion_mnist_cnn.onnx", "data/fashion_mnist_calib.npz",
                    "data/fashion_mnist_test.npz"},
            new String[] {"iris_mlp", "models/iris_mlp.onnx", "data/iris.npz", "data/iris.npz"});

    private TargetBench() {
    }

    public static void main(String[] args) throws Exception {
        BigStack.run("target-bench", () -> run(args));
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        Path corpus = Path.of(a.getOrDefault("--corpus", "../shared/corpus"));
        Path bench = Path.of(a.getOrDefault("--bench", "/tmp/quantizer-bench"));
        List<Target> targets = new ArrayList<>();
        for (String t : a.getOrDefault("--targets", "cpu-vnni,cpu-avx2,tensorrt,npu-a16w8").split(",")) {
            targets.add(java.util.Arrays.stream(Target.values()).filter(x -> x.value().equals(t)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown target " + t)));
        }
        List<String> only = a.containsKey("--only") ? List.of(a.get("--only").split(",")) : null;
        EvaluationSettings settings = EvaluationSettings.defaults()
                .withLatency(Duration.ofSeconds(Long.parseLong(a.getOrDefault("--latency-seconds", "2"))), 20, 2000)
                .withMaxSamples(Long.parseLong(a.getOrDefault("--eval-samples", "2000")));
        Path work = Files.createDirectories(Path.of("target/target-bench"));
        io.quantizer.engine.runtime.Ort.configureThreads(1);
        MachineInfo machine = MachineInfo.detect();
        System.out.println("machine: " + machine.cpuModel() + ", flags " + machine.flags() + "; ONNX Runtime CPU"
                + " provider, 1 intra-op thread");
        System.out.println("| model | target | top-1 fp32 → quantized (change, points) | min cosine | batch-1 p50 fp32 / "
                + "quantized ms (fp32 ÷ q) | on target? |");
        System.out.println("|---|---|---|---|---|---|");
        List<String[]> models = new ArrayList<>();
        for (String[] m : CORPUS) {
            models.add(new String[] {m[0], corpus.resolve(m[1]).toString(), corpus.resolve(m[2]).toString(),
                    corpus.resolve(m[3]).toString(), null});
        }
        models.add(new String[] {"resnet50 (random weights)", bench.resolve("resnet50.onnx").toString(),
                bench.resolve("imagenet_like_calib.npz").toString(), null, "32"});
        for (String[] m : models) {
            if (only != null && only.stream().noneMatch(m[0]::startsWith)) {
                continue;
            }
            if (!Files.exists(Path.of(m[1])) || !Files.exists(Path.of(m[2]))) {
                System.out.println("| " + m[0] + " | | absent | | | |");
                continue;
            }
            for (Target target : targets) {
                System.out.println(row(m, target, settings, work));
            }
        }
    }

    private static String row(String[] m, Target target, EvaluationSettings settings, Path work) {
        QuantizationRecipe.Calibration calibration = m[4] == null ? null
                : new QuantizationRecipe.Calibration(null, null, Integer.parseInt(m[4]), null, null);
        QuantizationRecipe recipe = new QuantizationRecipe(null, null, null, null, null, null, calibration, null, null,
                null, null, null).withTarget(target);
        String name = m[0];
        try {
            Path dir = Files.createDirectories(work.resolve(name.split(" ")[0] + "-" + target.value()));
            long started = System.nanoTime();
            QuantizationReport report = new QuantizationPipeline(recipe, settings).run(
                    new QuantizationPipeline.Inputs(Path.of(m[1]), Path.of(m[2]), m[3] == null ? null : Path.of(m[3]),
                            dir.resolve("model.int8.onnx"), dir.resolve("work")), (s, f) -> { });
            ReportWriter.write(report, dir.resolve("report.json"));
            Summary s = report.summary();
            EvaluationResult e = s.evaluation();
            double cosine = e.outputs().stream().mapToDouble(OutputFidelity::cosine).min().orElse(Double.NaN);
            String top1 = e.top1Drop() == null ? "n/a (no labels)" : String.format(Locale.ROOT,
                    "%.4f → %.4f (%+.2f)", e.fp32().top1(), e.quantized().top1(), -100 * e.top1Drop());
            String latency = e.fp32().latencyMs() == null || e.quantized().latencyMs() == null ? "n/a"
                    : String.format(Locale.ROOT, "%.3f / %.3f (%.2f×)", e.fp32().latencyMs().batch1().p50(),
                            e.quantized().latencyMs().batch1().p50(), e.speedup());
            return String.format(Locale.ROOT, "| %s | %s | %s | %.5f | %s | %s (%.0f s) |", name, target.value(), top1,
                    cosine, latency, s.target().evaluatedOnTarget() ? "yes" : "no", (System.nanoTime() - started) / 1e9);
        } catch (Exception | Error e) {
            String message = String.valueOf(e.getMessage()).replace('|', '/').replace('\n', ' ');
            return "| " + name + " | " + target.value() + " | failed: " + e.getClass().getSimpleName() + ": "
                    + message.substring(0, Math.min(160, message.length())) + " | | | |";
        }
    }
}
