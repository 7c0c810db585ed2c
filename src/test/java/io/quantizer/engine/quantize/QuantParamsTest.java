package io.quantizer.engine.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.quantizer.engine.calibration.TensorRange;
import io.quantizer.engine.quantize.QuantParams.ElementType;
import org.junit.jupiter.api.Test;

class QuantParamsTest {

    @Test
    void asymmetricUint8MapsTheRangeOntoZeroTo255WithZeroExact() {
        QuantParams p = QuantParams.activation(new TensorRange(-1f, 3f), ElementType.UINT8, false);
        assertThat(p.scales()[0]).isCloseTo(4f / 255f, within(1e-9f));
        assertThat(p.zeroPoints()[0]).isEqualTo(64); // rint(255 / 4 = 63.75)
        assertThat(p.quantize(new float[] {0f, -1f, 3f, 10f}, new int[] {4})).containsExactly(64, 0, 255, 255);
        assertThat(p.axis()).isNull();
    }

    @Test
    void rangesAreWidenedToIncludeZero() {
        QuantParams positive = QuantParams.activation(new TensorRange(0.5f, 2f), ElementType.UINT8, false);
        assertThat(positive.scales()[0]).isCloseTo(2f / 255f, within(1e-9f));
        assertThat(positive.zeroPoints()[0]).isZero();
        QuantParams negative = QuantParams.activation(new TensorRange(-2f, -1f), ElementType.UINT8, false);
        assertThat(negative.zeroPoints()[0]).isEqualTo(255);
        QuantParams int8 = QuantParams.activation(new TensorRange(0f, 2.55f), ElementType.INT8, false);
        assertThat(int8.zeroPoints()[0]).isEqualTo(-128);
        assertThat(int8.scales()[0]).isCloseTo(0.01f, within(1e-7f));
    }

    @Test
    void degenerateRangeGetsATinyScaleAndStillRepresentsZero() {
        QuantParams p = QuantParams.activation(new TensorRange(0f, 0f), ElementType.UINT8, false);
        assertThat(p.scales()[0]).isEqualTo(QuantParams.DEGENERATE_SCALE).isPositive().isLessThan(1e-6f);
        assertThat(p.dequantize(p.quantize(new float[] {0f}, new int[] {1})[0], 0)).isZero();
    }

    @Test
    void symmetricActivationsCentreTheZeroPoint() {
        QuantParams int8 = QuantParams.activation(new TensorRange(-0.5f, 2f), ElementType.INT8, true);
        assertThat(int8.scales()[0]).isCloseTo(2f / 127f, within(1e-9f));
        assertThat(int8.zeroPoints()[0]).isZero();
        QuantParams uint8 = QuantParams.activation(new TensorRange(-0.5f, 2f), ElementType.UINT8, true);
        assertThat(uint8.zeroPoints()[0]).isEqualTo(128);
    }

    @Test
    void roundingIsHalfToEvenAndSaturates() {
        assertThat(QuantParams.quantize(2.5f, 1f, 0, -128, 127)).isEqualTo(2);
        assertThat(QuantParams.quantize(3.5f, 1f, 0, -128, 127)).isEqualTo(4);
        assertThat(QuantParams.quantize(-2.5f, 1f, 0, -128, 127)).isEqualTo(-2);
        assertThat(QuantParams.quantize(1000f, 1f, 0, -128, 127)).isEqualTo(127);
        assertThat(QuantParams.quantize(-1000f, 1f, 10, 0, 255)).isZero();
    }

    @Test
    void weightsAreSymmetricInt8PerChannelAlongTheAxisKeepingMinus128Unused() {
        // 2 output channels x 2 values: channel 0 = {1, -2}, channel 1 = {0.5, 0.25}
        float[] w = {1f, -2f, 0.5f, 0.25f};
        QuantParams p = QuantParams.symmetricWeight(w, new int[] {2, 2}, 0);
        assertThat(p.scales()).containsExactly(2f / 127f, 0.5f / 127f);
        assertThat(p.zeroPoints()).containsExactly(0, 0);
        assertThat(p.quantize(w, new int[] {2, 2})).containsExactly(64, -127, 127, 64); // 63.5 -> 64 (even)

        QuantParams lastAxis = QuantParams.symmetricWeight(w, new int[] {2, 2}, 1);
        assertThat(lastAxis.scales()).containsExactly(1f / 127f, 2f / 127f);
        QuantParams perTensor = QuantParams.symmetricWeight(w, new int[] {2, 2}, null);
        assertThat(perTensor.scales()).containsExactly(2f / 127f);
        assertThat(perTensor.quantize(new float[] {-2.1f}, new int[] {1})).containsExactly(-127);
    }

    @Test
    void aChannelOfZerosGetsScaleOneSoItsBiasCannotOverflow() {
        QuantParams p = QuantParams.symmetricWeight(new float[] {0f, 0f, 3f, -1f}, new int[] {2, 2}, 0);
        assertThat(p.scales()[0]).isEqualTo(1f);
        assertThat(p.quantize(new float[] {0f, 0f, 3f, -1f}, new int[] {2, 2})).containsExactly(0, 0, 127, -42);
    }

    @Test
    void bytesFromAWeightReadInChunksEqualQuantizeLinearInFloat32() {
        java.util.Random random = new java.util.Random(3);
        int[] dims = {3, 5000, 2}; // channel runs of 10,000 values cross the 8192-value chunks
        float[] w = new float[3 * 5000 * 2];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian() * (1 + i % 3);
        }
        QuantParams p = QuantParams.symmetricWeight(w, dims, 0);
        w[7] = 2.5f * p.scales()[0]; // at or next to a tie
        w[12_345] = Float.NaN;
        byte[] bytes = p.quantizeToBytes(java.nio.FloatBuffer.wrap(w), dims);
        assertThat(bytes).hasSize(w.length);
        for (int i = 0; i < w.length; i++) {
            // ONNX QuantizeLinear on float32: the quotient is a float, rounded half to even
            float quotient = w[i] / p.scales()[i / 10_000];
            int expected = (int) Math.max(-127, Math.min(127, Math.rint(quotient)));
            assertThat((int) bytes[i]).as("element " + i).isEqualTo(expected);
        }
        assertThat(w[7] / p.scales()[0]).as("an exact tie in float32").isEqualTo(2.5f);
        assertThat(bytes[7]).as("a tie rounds to even").isEqualTo((byte) 2);

        QuantParams activation = QuantParams.activation(new io.quantizer.engine.calibration.TensorRange(-1f, 3f),
                QuantParams.ElementType.UINT8, false);
        byte[] unsigned = activation.quantizeToBytes(java.nio.FloatBuffer.wrap(new float[] {0f, -1f, 3f, 10f}),
                new int[] {4});
        assertThat(new int[] {unsigned[0] & 0xff, unsigned[1] & 0xff, unsigned[2] & 0xff, unsigned[3] & 0xff})
                .containsExactly(64, 0, 255, 255);
    }

    @Test
    void channelExtremesGiveTheWeightScales() {
        float[] w = {1f, -4f, 0.5f, 2f, 0f, 0f};
        float[][] e = QuantParams.channelExtremes(java.nio.FloatBuffer.wrap(w), new int[] {3, 2}, 0);
        assertThat(e[0]).containsExactly(-4f, 1f);
        assertThat(e[1]).containsExactly(0.5f, 2f);
        assertThat(e[2]).containsExactly(0f, 0f);
        assertThat(QuantParams.symmetricWeight(e, 0).scales()).containsExactly(4f / 127, 2f / 127, 1f);
        assertThat(QuantParams.symmetricWeight(w, new int[] {3, 2}, 0).scales()).containsExactly(4f / 127, 2f / 127, 1f);
    }

    @Test
    void aWeightWhoseChannelAxisIsLastIsReadRowByRowWithTheSameResults() {
        java.util.Random random = new java.util.Random(5);
        int[] dims = {300, 7}; // MatMul [K, N], one scale per output column
        float[] w = new float[300 * 7];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian() * (1 + i % 7);
        }
        w[7 * 12 + 3] = Float.NaN;
        float[][] extremes = QuantParams.channelExtremes(java.nio.FloatBuffer.wrap(w), dims, 1);
        for (int c = 0; c < 7; c++) {
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < 300; k++) {
                lo = Math.min(lo, w[k * 7 + c]);
                hi = Math.max(hi, w[k * 7 + c]);
            }
            assertThat(extremes[c]).as("channel " + c).containsExactly(lo, hi);
        }
        assertThat(extremes[3][0]).isNaN();

        w[7 * 12 + 3] = 0.25f;
        QuantParams p = QuantParams.symmetricWeight(w, dims, 1);
        byte[] bytes = p.quantizeToBytes(java.nio.FloatBuffer.wrap(w), dims);
        for (int i = 0; i < w.length; i++) {
            float quotient = w[i] / p.scales()[i % 7];
            assertThat((int) bytes[i]).as("element " + i).isEqualTo((int) Math.max(-127, Math.min(127,
                    Math.rint(quotient))));
        }
    }
}
