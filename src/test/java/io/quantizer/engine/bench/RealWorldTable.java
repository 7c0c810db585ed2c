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
import io.quantizer.engine.RealWorldModels;
import io.quantizer.engine.evaluation.EvaluationResult;
import io.quantizer.engine.evaluation.EvaluationSettings;
import io.quantizer.engine.evaluation.OutputFidelity;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.recipe.QuantizationRecipe.CalibrationMethod;
import io.quantizer.engine.report.QuantizationReport;
import io.quantizer.engine.report.ReportWriter;
import io.quantizer.engine.report.Summary;

/**
 * Issue 10's closing table (not a test): for each generated real-world model (see {@link RealWorldModels}) and the
 * corpus models kws_dnn_s_tf2onnx, silero_vad_16k_op15, cifar10_squeezenet_keras_tf2onnx and har_cnn_tf2onnx
 * (fed the inputs the generator script writes for them), the whole pipeline runs with the default recipe (MinMax)
 * and with entropy calibration, and one Markdown row per model and recipe gives: nodes kept float / all nodes,
 * the worst output cosine against fp32 on the evaluation set, and fp32 ÷ int8 median latency at batch 1
 * (measured alternately in the same run; one ONNX Runtime intra-op thread). A model that fails prints its error
 * in its row. Reports land in {@code target/realworld-table/}.
 *
 * <pre>
 * ./mvnw -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx3g -cp target/classes:target/test-classes:$(cat target/cp.txt) io.quantizer.engine.bench.RealWorldTable \
 *      [--corpus ../shared/corpus] [--methods minmax,entropy] [--only ocr_rec,...] [--latency-seconds 3]
 * </pre>
 */
public final class RealWorldTable {

    private static final List<String> GENERATED = List.of("ocr_rec", "ocr_det", "ocr_cls", "vad_lstm", "wakeword");
    private static final List<String> CORPUS = List.of("kws_dnn_s_tf2onnx", "silero_vad_16k_op15",
            "cifar10_squeezenet_keras_tf2onnx", "har_cnn_tf2onnx");

    private RealWorldTable() {
    }

    public static void main(String[] args) throws Exception {
        BigStack.run("realworld-table", () -> run(args));
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        Path corpus = Path.of(a.getOrDefault("--corpus", "../shared/corpus"));
        List<String> methods = List.of(a.getOrDefault("--methods", "minmax,entropy").split(","));
        List<String> only = a.containsKey("--only") ? List.of(a.get("--only").split(",")) : null;
        long latencySeconds = Long.parseLong(a.getOrDefault("--latency-seconds", "3"));
        Path work = Files.createDirectories(Path.of("target/realworld-table"));
        io.quantizer.engine.runtime.Ort.configureThreads(1);
        String why = RealWorldModels.available();
        if (why != null) {
            System.out.println("generated models unavailable: " + why);
        }
        List<String[]> models = new ArrayList<>();
        for (String m : GENERATED) {
            models.add(new String[] {m, RealWorldModels.model(m).toString()});
        }
        for (String m : CORPUS) {
            models.add(new String[] {m, corpus.resolve("models").resolve(m + ".onnx").toString()});
        }
        EvaluationSettings settings = EvaluationSettings.defaults()
                .withLatency(Duration.ofSeconds(latencySeconds), 20, 2000);
        System.out.println("| model | recipe | float nodes kept / all | min output cosine | fp32 ÷ int8 latency, batch 1 |");
        System.out.println("|---|---|---|---|---|");
        for (String[] m : models) {
            String name = m[0];
            if (only != null && !only.contains(name)) {
                continue;
            }
            Path model = Path.of(m[1]);
            if (!Files.exists(model) || !Files.exists(RealWorldModels.calibration(name))) {
                System.out.println("| " + name + " | | absent | | |");
                continue;
            }
            for (String method : methods) {
                System.out.println(row(name, model, method, settings, work));
            }
        }
    }

    private static String row(String name, Path model, String method, EvaluationSettings settings, Path work) {
        CalibrationMethod c = CalibrationMethod.valueOf(method.toUpperCase(Locale.ROOT));
        QuantizationRecipe recipe = new QuantizationRecipe(null, null, null, null, null, null,
                new QuantizationRecipe.Calibration(c, null, null, null, null), null, null).withDefaults();
        String label = c == CalibrationMethod.MINMAX ? "default (minmax)" : method;
        try {
            Path dir = Files.createDirectories(work.resolve(name + "-" + method));
            QuantizationReport report = new QuantizationPipeline(recipe, settings).run(
                    new QuantizationPipeline.Inputs(model, RealWorldModels.calibration(name),
                            RealWorldModels.evaluation(name), dir.resolve("int8.onnx"), dir.resolve("work")),
                    (s, f) -> { });
            ReportWriter.write(report, dir.resolve("report.json"));
            Summary s = report.summary();
            EvaluationResult e = s.evaluation();
            int kept = s.nodes().keptFloat().size();
            int all = kept + s.nodes().quantized().size();
            double cosine = e.outputs().stream().mapToDouble(OutputFidelity::cosine).min().orElse(Double.NaN);
            return String.format(Locale.ROOT, "| %s | %s | %d / %d | %.4f | %s |", name, label, kept, all, cosine,
                    e.speedup() == null ? "n/a" : String.format(Locale.ROOT, "%.2f", e.speedup()));
        } catch (Exception | Error e) {
            String message = String.valueOf(e.getMessage()).replace('|', '/').replace('\n', ' ');
            return "| " + name + " | " + label + " | failed: " + e.getClass().getSimpleName() + ": "
                    + message.substring(0, Math.min(160, message.length())) + " | | |";
        }
    }
}
