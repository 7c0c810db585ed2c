package io.quantizer.engine.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.quantizer.engine.ClassifierModels;
import io.quantizer.engine.QuantizationPipeline;
import io.quantizer.engine.RealWorldModels;
import io.quantizer.engine.evaluation.EvaluationResult;
import io.quantizer.engine.evaluation.EvaluationSettings;
import io.quantizer.engine.evaluation.OutputFidelity;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.recipe.QuantizationRecipe.BiasCorrection;
import io.quantizer.engine.recipe.QuantizationRecipe.Calibration;
import io.quantizer.engine.recipe.QuantizationRecipe.CalibrationMethod;
import io.quantizer.engine.recipe.QuantizationRecipe.CrossLayerEqualization;
import io.quantizer.engine.recipe.QuantizationRecipe.SmoothQuant;

/**
 * The before/after table of the accuracy-recovery switches (bias correction, cross-layer equalization,
 * SmoothQuant, per-tensor auto calibration), each alone against the default recipe, on the corpus classifiers,
 * the generated MobileNet-style and ViT classifiers, and the generated real-world models: int8 top-1 where there
 * are labels, argmax agreement with fp32, and the lowest output cosine.
 *
 * <pre>
 * ./mvnw -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx2g -cp target/classes:target/test-classes:$(cat target/cp.txt) io.quantizer.engine.bench.RecoveryTable \
 *      [--corpus ../shared/corpus] [--only fmnist_vit,...] [--variants default,bc,cle,sq,auto,auto/x:Softmax] [--samples 2000]
 * </pre>
 */
public final class RecoveryTable {

    private RecoveryTable() {
    }

    public static void main(String[] args) throws Exception {
        BigStack.run("recovery-table", () -> run(args));
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        Path corpus = Path.of(a.getOrDefault("--corpus", "../shared/corpus"));
        List<String> only = a.containsKey("--only") ? List.of(a.get("--only").split(",")) : null;
        List<String> variants = List.of(a.getOrDefault("--variants", "default,bc,cle,sq,auto").split(","));
        long samples = Long.parseLong(a.getOrDefault("--samples", "2000"));
        Path work = Files.createDirectories(Path.of("target/recovery-table"));
        io.quantizer.engine.runtime.Ort.configureThreads(1);
        Path data = corpus.resolve("data");
        Path models = corpus.resolve("models");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"fmnist_cnn", models.resolve("fmnist_cnn.onnx").toString(),
                data.resolve("fmnist_calib.npz").toString(), data.resolve("fmnist_eval.npz").toString()});
        rows.add(new String[] {"fashion_mnist_cnn", models.resolve("fashion_mnist_cnn.onnx").toString(),
                data.resolve("fashion_mnist_calib.npz").toString(), data.resolve("fashion_mnist_test.npz").toString()});
        rows.add(new String[] {"mnist-7_cntk", models.resolve("mnist-7_cntk.onnx").toString(),
                data.resolve("mnist_calib.npz").toString(), data.resolve("mnist_test.npz").toString()});
        if (ClassifierModels.available() == null) {
            for (String m : ClassifierModels.NAMES) {
                rows.add(new String[] {m, ClassifierModels.model(m).toString(), ClassifierModels.calibration(m).toString(),
                        ClassifierModels.evaluation(m).toString()});
            }
        }
        if (RealWorldModels.available() == null) {
            for (String m : List.of("ocr_rec", "ocr_det", "ocr_cls", "vad_lstm", "wakeword")) {
                rows.add(new String[] {m, RealWorldModels.model(m).toString(), RealWorldModels.calibration(m).toString(),
                        RealWorldModels.evaluation(m).toString()});
            }
        }
        EvaluationSettings settings = EvaluationSettings.defaults().withoutLatency().withMaxSamples(samples);
        System.out.println("| model | recipe | int8 top-1 (fp32) | argmax agreement | min output cosine |");
        System.out.println("|---|---|---|---|---|");
        for (String[] r : rows) {
            if ((only != null && !only.contains(r[0])) || !Files.exists(Path.of(r[1]))) {
                continue;
            }
            for (String variant : variants) {
                System.out.println(row(r, variant, settings, work));
            }
        }
    }

    /**
     * A variant: "default", or switches joined by '/': bc, cle, sq, auto, all (bc/cle/sq), and x:OpA+OpB to keep
     * those op types in float (to see which ones cost agreement), per-tensor for per-tensor weights.
     */
    static QuantizationRecipe recipe(String variant) {
        List<String> parts = List.of(variant.split("/"));
        boolean all = parts.contains("all");
        List<String> excluded = parts.stream().filter(p -> p.startsWith("x:"))
                .flatMap(p -> List.of(p.substring(2).split("\\+")).stream()).toList();
        Calibration calibration = new Calibration(parts.contains("auto") ? CalibrationMethod.AUTO : null, null, null,
                null, null);
        Boolean perChannel = parts.contains("per-tensor") ? Boolean.FALSE : null;
        return new QuantizationRecipe(null, null, null, null, perChannel, null, calibration, null, excluded, null, null,
                null).withRecovery(
                new BiasCorrection(all || parts.contains("bc"), null),
                new CrossLayerEqualization(all || parts.contains("cle"), null),
                new SmoothQuant(all || parts.contains("sq"), null)).withDefaults();
    }

    private static String row(String[] r, String variant, EvaluationSettings settings, Path work) {
        try {
            Path dir = Files.createDirectories(work.resolve(r[0] + "-" + variant));
            long t0 = System.nanoTime();
            EvaluationResult e = new QuantizationPipeline(recipe(variant), settings).run(
                    new QuantizationPipeline.Inputs(Path.of(r[1]), Path.of(r[2]), Path.of(r[3]),
                            dir.resolve("int8.onnx"), dir.resolve("work")), (s, f) -> { }).summary().evaluation();
            double cosine = e.outputs().stream().mapToDouble(OutputFidelity::cosine).min().orElse(Double.NaN);
            String top1 = e.quantized().top1() == null ? "n/a"
                    : String.format(Locale.ROOT, "%.4f (%.4f)", e.quantized().top1(), e.fp32().top1());
            String agreement = e.argmaxAgreement() == null ? "n/a"
                    : String.format(Locale.ROOT, "%.4f", e.argmaxAgreement());
            return String.format(Locale.ROOT, "| %s | %s | %s | %s | %.5f |  <!-- %d samples, %.0f s -->", r[0],
                    variant, top1, agreement, cosine, e.sampleCount(), (System.nanoTime() - t0) / 1e9);
        } catch (Exception | Error e) {
            String message = String.valueOf(e.getMessage()).replace('|', '/').replace('\n', ' ');
            return "| " + r[0] + " | " + variant + " | failed: " + e.getClass().getSimpleName() + ": "
                    + message.substring(0, Math.min(160, message.length())) + " | | |";
        }
    }
}
