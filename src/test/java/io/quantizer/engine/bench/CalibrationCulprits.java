package io.quantizer.engine.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.quantizer.engine.calibration.CalibrationResult;
import io.quantizer.engine.calibration.CalibrationRunner;
import io.quantizer.engine.calibration.TensorRange;
import io.quantizer.engine.calibration.TensorStatistics;
import io.quantizer.engine.evaluation.EvaluationResult;
import io.quantizer.engine.evaluation.EvaluationSettings;
import io.quantizer.engine.evaluation.Evaluator;
import io.quantizer.engine.evaluation.OutputFidelity;
import io.quantizer.engine.onnx.ModelPreprocessor;
import io.quantizer.engine.onnx.OnnxModels;
import io.quantizer.engine.onnx.PreparedModel;
import io.quantizer.engine.quantize.QdqQuantizer;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.recipe.QuantizationRecipe.CalibrationMethod;

/**
 * Which tensors a calibration method loses accuracy on (not a test): calibrates a model with MinMax and with the
 * method under study, then quantizes with MinMax ranges everywhere except one tensor at a time, which takes the
 * method's range, and prints the output cosine each such model gets (worst first), next to the tensor's observed
 * and chosen ranges.
 *
 * <pre>
 * ./mvnw -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) io.quantizer.engine.bench.CalibrationCulprits \
 *      MODEL.onnx CALIB.npz EVAL.npz [entropy|percentile|mse] [top-N]
 * </pre>
 */
public final class CalibrationCulprits {

    private CalibrationCulprits() {
    }

    public static void main(String[] args) throws Exception {
        BigStack.run("culprits", () -> run(args));
    }

    private static void run(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path calibration = Path.of(args[1]);
        Path evaluation = Path.of(args[2]);
        CalibrationMethod method = CalibrationMethod.valueOf(
                (args.length > 3 ? args[3] : "entropy").toUpperCase(java.util.Locale.ROOT));
        int top = args.length > 4 ? Integer.parseInt(args[4]) : 15;
        Path work = Files.createTempDirectory("culprits");
        QuantizationRecipe minmax = QuantizationRecipe.defaults();
        QuantizationRecipe studied = withMethod(method);
        PreparedModel prepared = new ModelPreprocessor().prepare(model, minmax, work);
        QdqQuantizer quantizer = new QdqQuantizer(minmax);
        Set<String> tensors = quantizer.tensorsToCalibrate(prepared.model());
        CalibrationResult base = new CalibrationRunner(minmax).run(prepared.model(), tensors, calibration, f -> { });
        CalibrationResult other = new CalibrationRunner(studied).run(prepared.model(), tensors, calibration,
                f -> { });
        Evaluator evaluator = new Evaluator(EvaluationSettings.defaults().withoutLatency());
        System.out.printf("all minmax: %.4f%n", cosine(evaluator, prepared, quantizer, base.ranges(), evaluation, work));
        System.out.printf("all %s: %.4f%n", method, cosine(evaluator, prepared, quantizer, other.ranges(), evaluation,
                work));
        List<String[]> rows = new ArrayList<>();
        List<Double> cos = new ArrayList<>();
        for (String t : base.ranges().keySet()) {
            TensorRange a = base.ranges().get(t);
            TensorRange b = other.ranges().get(t);
            if (b == null || a.equals(b)) {
                continue;
            }
            Map<String, TensorRange> mixed = new HashMap<>(base.ranges());
            mixed.put(t, b);
            double c = cosine(evaluator, prepared, quantizer, mixed, evaluation, work);
            TensorStatistics s = other.statistics().get(t);
            cos.add(c);
            rows.add(new String[] {String.format("%.4f", c), t, String.format("observed [%.3g, %.3g] chosen [%.3g, %.3g]"
                    + " clipped %.2g%%", a.min(), a.max(), b.min(), b.max(),
                    s.clippedFraction() == null ? Double.NaN : 100 * s.clippedFraction())});
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            order.add(i);
        }
        order.sort((i, j) -> Double.compare(cos.get(i), cos.get(j)));
        for (int i = 0; i < Math.min(top, order.size()); i++) {
            String[] r = rows.get(order.get(i));
            System.out.println(r[0] + "  " + r[1] + "  " + r[2]);
        }
    }

    static QuantizationRecipe withMethod(CalibrationMethod method) {
        return new QuantizationRecipe(null, null, null, null, null, null,
                new QuantizationRecipe.Calibration(method, null, null, null, null), null, null).withDefaults();
    }

    private static double cosine(Evaluator evaluator, PreparedModel prepared, QdqQuantizer quantizer,
                                 Map<String, TensorRange> ranges, Path evaluation, Path work) throws Exception {
        Path out = work.resolve("q.onnx");
        OnnxModels.save(quantizer.quantize(prepared.model(), ranges).model(), out);
        EvaluationResult e = evaluator.evaluate(prepared.path(), Files.size(prepared.path()), out, evaluation,
                EvaluationResult.EVALUATION_SET, f -> { });
        return e.outputs().stream().mapToDouble(OutputFidelity::cosine).min().orElse(Double.NaN);
    }
}
