package io.quantizer.engine.calibration;

import static io.quantizer.engine.onnx.ModelBuilder.names;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.quantizer.engine.onnx.ModelBuilder;

/**
 * The cause of entropy calibration wrecking a text recognizer, reproduced on a synthetic CTC head: thousands of
 * losing logits per time step and one winner that towers over them, winners being well under 1 % of the values.
 */
class ClippingRuleTest {

    private static final int CLASSES = 6625;
    private static final int STEPS = 240;

    /**
     * Per time step, as a trained CTC head's logits: losers around −9.5 (σ 1.5), one winner in [16, 22] and a
     * runner-up 3 to 5 below it (a look-alike glyph), so the winner's probability is 0.95 to 0.99.
     */
    private static float[] ctcLogits() {
        Random random = new Random(3);
        float[] logits = new float[STEPS * CLASSES];
        for (int t = 0; t < STEPS; t++) {
            for (int c = 0; c < CLASSES; c++) {
                logits[t * CLASSES + c] = (float) (-9.5 + 1.5 * random.nextGaussian());
            }
            float winner = 16 + 6 * random.nextFloat();
            logits[t * CLASSES + random.nextInt(CLASSES)] = winner - 3 - 2 * random.nextFloat();
            logits[t * CLASSES + random.nextInt(CLASSES)] = winner;
        }
        return logits;
    }

    /** Cosine between the softmax of the logits and the softmax of the logits on the uint8 grid over {@code r}. */
    private static double softmaxCosine(float[] logits, TensorRange r) {
        double lo = Math.min(0, r.min());
        double hi = Math.max(0, r.max());
        double scale = (hi - lo) / 255;
        long zero = Math.round(-lo / scale);
        double dot = 0;
        double a2 = 0;
        double b2 = 0;
        for (int t = 0; t < STEPS; t++) {
            double[] p = softmax(logits, t, x -> x);
            double[] q = softmax(logits, t, x -> (Math.max(0, Math.min(255, Math.round(x / scale) + zero)) - zero) * scale);
            for (int c = 0; c < CLASSES; c++) {
                dot += p[c] * q[c];
                a2 += p[c] * p[c];
                b2 += q[c] * q[c];
            }
        }
        return dot / Math.sqrt(a2 * b2);
    }

    private static double[] softmax(float[] logits, int t, java.util.function.DoubleUnaryOperator f) {
        double[] e = new double[CLASSES];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < CLASSES; c++) {
            e[c] = f.applyAsDouble(logits[t * CLASSES + c]);
            max = Math.max(max, e[c]);
        }
        double sum = 0;
        for (int c = 0; c < CLASSES; c++) {
            e[c] = Math.exp(e[c] - max);
            sum += e[c];
        }
        for (int c = 0; c < CLASSES; c++) {
            e[c] /= sum;
        }
        return e;
    }

    private static TensorRange calibrate(Supplier<Calibrator> make, Clipping clipping, float[] logits) {
        Calibrator c = make.get().limitedTo(clipping);
        for (int t = 0; t < STEPS; t += 40) {
            c.update(FloatBuffer.wrap(logits, t * CLASSES, 40 * CLASSES).slice());
        }
        return c.range();
    }

    @Test
    void aDistributionCalibratorClipsTheRareWinnersOfAWideSoftmaxAndFlattensIt() {
        float[] logits = ctcLogits();
        // winners and runners-up are 2 in 6,625 values: 99.9 % of |x| ends inside the losers' crowd, so winners
        // and runners-up saturate together and the softmax can no longer tell them apart
        TensorRange free = calibrate(() -> new PercentileCalibrator(99.9), Clipping.BOTH_TAILS, logits);
        assertThat(free.max()).isLessThan(16f);
        assertThat(softmaxCosine(logits, free)).isLessThan(0.95);
        assertThat(softmaxCosine(logits, new TensorRange(min(logits), max(logits)))).isGreaterThan(0.999);
        TensorRange kept = calibrate(() -> new PercentileCalibrator(99.9), Clipping.LOWER_TAIL, logits);
        assertThat(softmaxCosine(logits, kept)).isGreaterThan(0.999);
    }

    @Test
    void everyClippingMethodKeepsTheWinnersOfATensorThatDecidesASoftmax() {
        float[] logits = ctcLogits();
        for (Supplier<Calibrator> make : java.util.List.<Supplier<Calibrator>>of(() -> new EntropyCalibrator(false),
                () -> new EntropyCalibrator(true), () -> new PercentileCalibrator(99.99), () -> new MseCalibrator(false))) {
            TensorRange r = calibrate(make, Clipping.LOWER_TAIL, logits);
            assertThat(r.max()).as(make.get().statistics().method()).isEqualTo(max(logits));
            assertThat(softmaxCosine(logits, r)).as(make.get().statistics().method()).isGreaterThan(0.999);
        }
    }

    @Test
    void aLowerTailOnlyRuleStillClipsBelowAndNoneClipsNothing() {
        float[] logits = ctcLogits();
        logits[5] = -1000f;  // a sentinel, as an attention mask puts in the scores before their softmax
        TensorRange lower = calibrate(() -> new PercentileCalibrator(99.99), Clipping.LOWER_TAIL, logits);
        assertThat(lower.min()).isGreaterThan(-100f);
        TensorRange none = calibrate(() -> new PercentileCalibrator(99.99), Clipping.NONE, logits);
        assertThat(none).isEqualTo(new TensorRange(-1000f, max(logits)));
    }

    @Test
    void theRuleFollowsValuesToTheOperatorsTheirMaximumDecides() {
        ModelProto model = new ModelBuilder()
                .input("x", 1, 8)
                .random("w", 1, 1f, 8, 8).random("w2", 2, 1f, 8, 8)
                .floats("bias", new long[] {8}, new float[8])
                .floats("two", new long[] {}, new float[] {2f})
                .floats("minusOne", new long[] {}, new float[] {-1f})
                .int64s("shape", 1, 2, 4)
                .node("MatMul", names("x", "w"), names("logits"))
                .node("Add", names("logits", "bias"), names("biased"))
                .node("Div", names("biased", "two"), names("scaled"))
                .node("Reshape", names("scaled", "shape"), names("grouped"))
                .node("Softmax", names("grouped"), names("probs"))
                .node("Mul", names("logits", "minusOne"), names("flipped"))
                .node("Relu", names("flipped"), names("rectified"))
                .node("Softmax", names("rectified"), names("probs2"))
                .node("MatMul", names("x", "w2"), names("hidden"))
                .node("Relu", names("hidden"), names("features"))
                .output("probs").output("probs2").output("features")
                .build();
        Map<String, Clipping> rule = ClippingRule.forTensors(model.getGraph(),
                Set.of("x", "logits", "biased", "flipped", "rectified", "hidden", "features"));
        assertThat(rule).containsEntry("logits", Clipping.LOWER_TAIL)     // through Add, Div by 2, Reshape
                .containsEntry("biased", Clipping.LOWER_TAIL)
                .containsEntry("rectified", Clipping.LOWER_TAIL)           // read by a Softmax itself
                .containsEntry("flipped", Clipping.BOTH_TAILS)             // Relu changes which values win
                .containsEntry("hidden", Clipping.BOTH_TAILS)
                .containsEntry("features", Clipping.NONE)                  // the user reads it
                .containsEntry("x", Clipping.BOTH_TAILS);
    }

    private static float max(float[] v) {
        float m = Float.NEGATIVE_INFINITY;
        for (float x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    private static float min(float[] v) {
        float m = Float.POSITIVE_INFINITY;
        for (float x : v) {
            m = Math.min(m, x);
        }
        return m;
    }
}
