package io.quantizer.engine.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.calibration.CalibrationResult;
import io.quantizer.engine.calibration.CalibrationRunner;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.onnx.ModelBuilder;
import io.quantizer.engine.onnx.OrtTestRunner;
import io.quantizer.engine.onnx.OrtTestRunner.Input;
import io.quantizer.engine.onnx.TensorData;
import io.quantizer.engine.quantize.NpzTestWriter;
import io.quantizer.engine.quantize.QdqQuantizer;
import io.quantizer.engine.recipe.QuantizationRecipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cross-layer equalization, SmoothQuant and bias correction on tiny models built here. */
class RecoveryAlgorithmsTest {

    @TempDir
    Path dir;

    /** Conv (4 channels, ranges 0.01 to 5) → ReLU → 1×1 Conv: the first conv's channels have wildly unequal ranges. */
    private static ModelProto convPair() {
        Random random = new Random(3);
        float[] w1 = new float[4 * 2 * 3 * 3];
        float[] channelRange = {0.01f, 0.2f, 1f, 5f};
        for (int i = 0; i < w1.length; i++) {
            w1[i] = channelRange[i / 18] * (2 * random.nextFloat() - 1);
        }
        float[] w2 = new float[3 * 4];
        for (int i = 0; i < w2.length; i++) {
            w2[i] = 2 * random.nextFloat() - 1;
        }
        return new ModelBuilder().input("x", -1, 2, 6, 6).output("y")
                .floats("w1", new long[] {4, 2, 3, 3}, w1).floats("b1", new long[] {4}, new float[] {0.1f, -0.2f, 0.3f, 0.05f})
                .floats("w2", new long[] {3, 4, 1, 1}, w2)
                .node("first", "Conv", List.of("x", "w1", "b1"), List.of("a"), Attributes.ofInts("pads", List.of(1L, 1L, 1L, 1L)))
                .node("relu", "Relu", List.of("a"), List.of("r"))
                .node("second", "Conv", List.of("r", "w2"), List.of("y"))
                .build();
    }

    private static double[] outputChannelRanges(TensorProto w) {
        float[] v = TensorData.floats(w);
        int channels = (int) w.getDims(0);
        double[] r = new double[channels];
        for (int i = 0; i < v.length; i++) {
            r[i / (v.length / channels)] = Math.max(r[i / (v.length / channels)], Math.abs(v[i]));
        }
        return r;
    }

    private static double[] inputChannelRanges(TensorProto w) {
        float[] v = TensorData.floats(w);
        int out = (int) w.getDims(0);
        int in = (int) w.getDims(1);
        int kernel = v.length / (out * in);
        double[] r = new double[in];
        for (int i = 0; i < v.length; i++) {
            int c = (i / kernel) % in;
            r[c] = Math.max(r[c], Math.abs(v[i]));
        }
        return r;
    }

    @Test
    void crossLayerEqualizationKeepsTheFloatOutputAndEqualizesTheRanges() throws Exception {
        ModelProto model = convPair();
        CrossLayerEqualization.Result result = CrossLayerEqualization.apply(model, 1);
        assertThat(result.pairs()).isEqualTo(1);

        Map<String, Input> sample = Map.of("x", Input.random(5, -1, 1, 2, 2, 6, 6));
        float[] before = OrtTestRunner.run(model, sample).get("y");
        float[] after = OrtTestRunner.run(result.model(), sample).get("y");
        float largest = 0;
        for (float v : before) {
            largest = Math.max(largest, Math.abs(v));
        }
        assertThat(OrtTestRunner.maxAbsDiff(before, after)).isLessThan(1e-5f * largest);

        GraphIndex index = new GraphIndex(result.model().getGraph());
        double[] r1 = outputChannelRanges(index.constant("w1"));
        double[] r2 = inputChannelRanges(index.constant("w2"));
        for (int c = 0; c < 4; c++) {
            assertThat(r1[c]).as("channel " + c).isCloseTo(r2[c], org.assertj.core.data.Percentage.withPercentage(0.1));
        }
        double[] original = outputChannelRanges(new GraphIndex(model.getGraph()).constant("w1"));
        assertThat(spread(r1)).isLessThan(spread(original) / 10);
    }

    @Test
    void crossLayerEqualizationStopsAtAClippedActivation() {
        ModelProto model = convPair().toBuilder().build();
        ModelProto clipped = model.toBuilder().setGraph(model.getGraph().toBuilder().setNode(1,
                model.getGraph().getNode(1).toBuilder().setOpType("Sigmoid"))).build();
        CrossLayerEqualization.Result result = CrossLayerEqualization.apply(clipped, 1);
        assertThat(result.pairs()).isZero();
        assertThat(result.model()).isEqualTo(clipped);
    }

    private static double spread(double[] ranges) {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (double r : ranges) {
            min = Math.min(min, r);
            max = Math.max(max, r);
        }
        return max / min;
    }

    @Test
    void smoothQuantIsExactInFloatAndShrinksTheOutlierChannel() throws Exception {
        // a LayerNorm-like affine (Mul by gamma, Add beta) whose channel 3 has a 40x scale, feeding a MatMul
        float[] gamma = {1, 0.8f, 1.2f, 40, 0.9f, 1, 1.1f, 1};
        float[] beta = {0.1f, 0, -0.1f, 2, 0, 0.05f, 0, 0};
        Random random = new Random(9);
        float[] w = new float[8 * 6];
        for (int i = 0; i < w.length; i++) {
            w[i] = 2 * random.nextFloat() - 1;
        }
        ModelProto model = new ModelBuilder().input("x", -1, 5, 8).output("y").output("h")
                .floats("gamma", new long[] {8}, gamma).floats("beta", new long[] {8}, beta)
                .floats("w", new long[] {8, 6}, w)
                .node("Mul", List.of("x", "gamma"), List.of("g"))
                .node("Add", List.of("g", "beta"), List.of("h0"))
                .node("Identity", List.of("h0"), List.of("h"))
                .node("MatMul", List.of("h0", "w"), List.of("y"))
                .build();
        // h0 is also read by the Identity: not smoothable; read only by the MatMul it is
        ModelProto single = new ModelBuilder().input("x", -1, 5, 8).output("y")
                .floats("gamma", new long[] {8}, gamma).floats("beta", new long[] {8}, beta)
                .floats("w", new long[] {8, 6}, w)
                .node("Mul", List.of("x", "gamma"), List.of("g"))
                .node("Add", List.of("g", "beta"), List.of("h0"))
                .node("MatMul", List.of("h0", "w"), List.of("y"))
                .build();
        Path data = dir.resolve("calib.npz");
        Input calib = Input.random(1, -2, 2, 16, 5, 8);
        NpzTestWriter.write(data, Map.of("x", calib.values()), Map.of("x", calib.shape()));

        assertThat(SmoothQuant.apply(model, 0.5, data, Map.of(), 16).smoothed()).isZero();
        SmoothQuant.Result result = SmoothQuant.apply(single, 0.5, data, Map.of(), 16);
        assertThat(result.smoothed()).isEqualTo(1);

        Map<String, Input> sample = Map.of("x", Input.random(2, -2, 2, 3, 5, 8));
        ModelProto probeBefore = withOutput(single, "h0");
        ModelProto probeAfter = withOutput(result.model(), "h0");
        Map<String, float[]> before = OrtTestRunner.run(probeBefore, sample);
        Map<String, float[]> after = OrtTestRunner.run(probeAfter, sample);
        assertThat(OrtTestRunner.maxAbsDiff(before.get("y"), after.get("y"))).isLessThan(1e-3f);
        double outlierBefore = channelMax(before.get("h0"), 8, 3);
        double outlierAfter = channelMax(after.get("h0"), 8, 3);
        double typicalAfter = channelMax(after.get("h0"), 8, 0);
        assertThat(outlierAfter).isLessThan(outlierBefore / 4);
        // the outlier no longer dominates the tensor's range as it did (40x)
        assertThat(outlierAfter / typicalAfter).isLessThan(outlierBefore / channelMax(before.get("h0"), 8, 0) / 4);
    }

    private static ModelProto withOutput(ModelProto model, String tensor) {
        return model.toBuilder().setGraph(model.getGraph().toBuilder()
                .addOutput(ModelBuilder.valueInfo(tensor, TensorProto.DataType.FLOAT_VALUE))).build();
    }

    private static double channelMax(float[] values, int channels, int channel) {
        double max = 0;
        for (int i = channel; i < values.length; i += channels) {
            max = Math.max(max, Math.abs(values[i]));
        }
        return max;
    }

    @Test
    void biasCorrectionRemovesAPlantedMeanError() throws Exception {
        // each output channel has one large weight and many just under half an int8 step: per-channel int8 rounds
        // them all to zero, so on positive inputs every channel loses the same positive amount: a bias
        int in = 64;
        int out = 4;
        float[] w = new float[out * in];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                w[o * in + i] = i == o ? 1f : 0.49f / 127;
            }
        }
        ModelProto model = new ModelBuilder().input("x", -1, in).output("y")
                .floats("w", new long[] {out, in}, w).floats("b", new long[] {out}, new float[] {0.1f, 0, -0.1f, 0.2f})
                .node("gemm", "Gemm", List.of("x", "w", "b"), List.of("y"), Attributes.ofInt("transB", 1))
                .build();
        Path data = dir.resolve("gemm.npz");
        Input calib = Input.random(4, 0, 1, 64, in);
        NpzTestWriter.write(data, Map.of("x", calib.values()), Map.of("x", calib.shape()));
        QuantizationRecipe recipe = QuantizationRecipe.defaults();
        QdqQuantizer quantizer = new QdqQuantizer(recipe);
        Set<String> tensors = quantizer.tensorsToCalibrate(model);
        CalibrationResult ranges = new CalibrationRunner(recipe).run(model, tensors, data, f -> { });
        ModelProto quantized = quantizer.quantize(model, ranges.ranges()).model();

        BiasCorrection.Result corrected = BiasCorrection.apply(model, quantized, data, Map.of(), 64);
        assertThat(corrected.corrected()).isEqualTo(1);

        Map<String, Input> sample = Map.of("x", Input.random(8, 0, 1, 32, in));
        float[] reference = OrtTestRunner.run(model, sample).get("y");
        double before = meanError(OrtTestRunner.run(quantized, sample).get("y"), reference);
        double after = meanError(OrtTestRunner.run(corrected.model(), sample).get("y"), reference);
        assertThat(before).as("the planted bias").isGreaterThan(0.05);
        assertThat(after).isLessThan(before / 5);
    }

    /** The largest |mean error| over the output channels (last axis of 4). */
    private static double meanError(float[] int8, float[] fp32) {
        double[] sum = new double[4];
        for (int i = 0; i < fp32.length; i++) {
            sum[i % 4] += int8[i] - fp32[i];
        }
        double worst = 0;
        for (double s : sum) {
            worst = Math.max(worst, Math.abs(s / (fp32.length / 4)));
        }
        return worst;
    }

}
