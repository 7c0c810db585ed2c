package io.quantizer.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quantizer.engine.evaluation.EvaluationResult;
import io.quantizer.engine.evaluation.EvaluationSettings;
import io.quantizer.engine.evaluation.OutputFidelity;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.report.QuantizationReport;

/**
 * The quality bar of issue 3 on the real models of ../shared/corpus (skipped when it is absent): labelled
 * classifiers must keep their accuracy and agree with fp32; every other model must quantize and stay close to fp32
 * on inputs drawn like its calibration data. Latency is left to the benchmark.
 */
class CorpusQualityTest {

    private static final EvaluationSettings NO_LATENCY = EvaluationSettings.defaults().withoutLatency();
    private static Path corpus;

    @TempDir
    Path dir;

    @BeforeAll
    static void corpus() {
        corpus = Path.of(System.getProperty("quantizer.test.shared-dir", "../shared")).resolve("corpus");
        assumeTrue(Files.isDirectory(corpus.resolve("models")), "no corpus at " + corpus);
    }

    @Test
    void fmnistCnnKeepsItsAccuracyAndAgreesWithFp32() throws Exception {
        EvaluationResult e = labelled("fmnist_cnn.onnx", "fmnist_calib.npz", "fmnist_eval.npz", 10_000);
        assertThat(e.top1Drop()).isLessThanOrEqualTo(0.003);
        assertThat(e.argmaxAgreement()).isGreaterThanOrEqualTo(0.995);
        assertThat(e.fp32().top1()).isCloseTo(0.9232, org.assertj.core.api.Assertions.within(1e-4));
    }

    @Test
    void mnistCntkFixedBatchOneKeepsItsAccuracy() throws Exception {
        EvaluationResult e = labelled("mnist-7_cntk.onnx", "mnist_calib.npz", "mnist_test.npz", 5_000);
        assertThat(e.top1Drop()).isLessThanOrEqualTo(0.002);
        assertThat(e.argmaxAgreement()).isGreaterThanOrEqualTo(0.995);
    }

    @Test
    void mnistCntkOpset8VariantKeepsItsAccuracy() throws Exception {
        EvaluationResult e = labelled("mnist-8_cntk_emclab-variant.onnx", "mnist_calib.npz", "mnist_test.npz", 2_000);
        assertThat(e.top1Drop()).isLessThanOrEqualTo(0.002);
        assertThat(e.argmaxAgreement()).isGreaterThanOrEqualTo(0.995);
    }

    @Test
    void fashionMnistMlpKeepsItsAccuracy() throws Exception {
        EvaluationResult e = labelled("fashion_mnist_mlp.onnx", "fashion_mnist_calib_pm1.npz",
                "fashion_mnist_test_pm1.npz", 5_000);
        assertThat(e.top1Drop()).isLessThanOrEqualTo(0.005);
    }

    @Test
    void fashionMnistCnnKeepsItsAccuracyAndAgreesWithFp32() throws Exception {
        EvaluationResult e = labelled("fashion_mnist_cnn.onnx", "fashion_mnist_calib.npz", "fashion_mnist_test.npz",
                5_000);
        assertThat(e.top1Drop()).isLessThanOrEqualTo(0.005);
        assertThat(e.argmaxAgreement()).isGreaterThanOrEqualTo(0.995);
    }

    @Test
    void irisMlpQuantizesAndStaysClose() throws Exception {
        Path iris = corpus.resolve("data/iris.npz");
        assertClose(run("iris_mlp.onnx", iris, iris));
    }

    @Test
    void cifarCnnQuantizesAndStaysClose() throws Exception {
        assertClose(generated("cifar10_cnn_wml_tutorial.onnx", new long[] {3, 32, 32}, 0f, 1f, 64, 200));
    }

    @Test
    void keywordSpottingDnnQuantizesAndStaysClose() throws Exception {
        assertClose(generated("kws_dnn_s_tf2onnx.onnx", new long[] {25, 10}, -1f, 1f, 64, 200));
    }

    @Test
    void harOneDimensionalCnnQuantizesAndStaysClose() throws Exception {
        assertClose(generated("har_cnn_tf2onnx.onnx", new long[] {9, 128}, -1f, 1f, 64, 200));
    }

    @Test
    void nhwcSqueezeNetQuantizesAndStaysClose() throws Exception {
        assertClose(generated("cifar10_squeezenet_keras_tf2onnx.onnx", new long[] {32, 32, 3}, 0f, 1f, 32, 100));
    }

    @Test
    void sileroVadWithSubgraphsAndLstmQuantizesAndStaysClose() throws Exception {
        Path calib = silero(dir.resolve("silero-calib.npz"), new Random(1), 32);
        Path eval = silero(dir.resolve("silero-eval.npz"), new Random(2), 32);
        QuantizationReport report = run("silero_vad_16k_op15.onnx", calib, eval);
        assertThat(report.summary().nodes().keptFloat()).anySatisfy(k -> assertThat(k.opType()).isEqualTo("If"));
        assertClose(report);
    }

    @Test
    void candyStyleTransferQuantizesAndStaysClose() throws Exception {
        // 720×720 is heavy: two samples each way
        assertClose(generated("candy_style_transfer_opset7.onnx", new long[] {3, 720, 720}, 0f, 255f, 2, 2));
    }

    private EvaluationResult labelled(String model, String calibration, String evaluation, long samples)
            throws Exception {
        QuantizationReport report = pipeline(NO_LATENCY.withMaxSamples(samples)).run(new QuantizationPipeline.Inputs(
                corpus.resolve("models").resolve(model), corpus.resolve("data").resolve(calibration),
                corpus.resolve("data").resolve(evaluation), dir.resolve("q.onnx"), dir.resolve("work")), (s, f) -> { });
        assertThat(report.summary().nodes().quantized()).isNotEmpty();
        return report.summary().evaluation();
    }

    private QuantizationReport run(String model, Path calibration, Path evaluation) throws Exception {
        return pipeline(NO_LATENCY).run(new QuantizationPipeline.Inputs(corpus.resolve("models").resolve(model),
                calibration, evaluation, dir.resolve("q.onnx"), dir.resolve("work")), (s, f) -> { });
    }

    /** Calibration and evaluation sets drawn from the same uniform distribution with different seeds. */
    private QuantizationReport generated(String model, long[] sample, float lo, float hi, int calibration,
                                         int evaluation) throws Exception {
        Path calib = uniform(dir.resolve("calib.npz"), new Random(1), calibration, sample, lo, hi);
        Path eval = uniform(dir.resolve("eval.npz"), new Random(2), evaluation, sample, lo, hi);
        return run(model, calib, eval);
    }

    private static void assertClose(QuantizationReport report) {
        assertThat(report.summary().nodes().quantized()).as("quantized nodes").isNotEmpty();
        for (OutputFidelity o : report.summary().evaluation().outputs()) {
            assertThat(o.cosine()).as("cosine of output " + o.name()).isGreaterThanOrEqualTo(0.99);
        }
    }

    private static QuantizationPipeline pipeline(EvaluationSettings settings) {
        return new QuantizationPipeline(QuantizationRecipe.defaults(), settings);
    }

    private static Path uniform(Path file, Random random, int n, long[] sample, float lo, float hi) throws Exception {
        long elements = 1;
        long[] shape = new long[sample.length + 1];
        shape[0] = n;
        for (int i = 0; i < sample.length; i++) {
            elements *= sample[i];
            shape[i + 1] = sample[i];
        }
        return new TestData().floats("input", TestData.uniform(random, (int) (n * elements), lo, hi), shape)
                .write(file);
    }

    /**
     * Silero VAD inputs: 512-sample frames of a voiced sound (a harmonic series at a random pitch, plus a little
     * noise), the recurrent state at its start (zeros) and the rate. On frames of pure noise the speech probability
     * is around 1e-3 and int8 reproduces it with cosine 0.97 only (measured); on voiced frames, 0.99 holds.
     */
    private static Path silero(Path file, Random random, int n) throws Exception {
        float[] audio = new float[n * 512];
        for (int s = 0; s < n; s++) {
            double pitch = 100 + 150 * random.nextDouble();
            double amplitude = 0.05 + 0.3 * random.nextDouble();
            for (int i = 0; i < 512; i++) {
                double x = 0;
                for (int h = 1; h <= 10; h++) {
                    x += Math.sin(2 * Math.PI * pitch * h * i / 16_000.0) / h;
                }
                audio[s * 512 + i] = (float) (amplitude * x / 3 + 0.005 * random.nextGaussian());
            }
        }
        long[] rate = new long[n];
        java.util.Arrays.fill(rate, 16_000L);
        return new TestData().floats("input", audio, n, 1, 512).floats("state", new float[n * 256], n, 2, 1, 128)
                .longs("sr", rate, n).write(file);
    }
}
