package io.quantizer.engine.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;

import org.junit.jupiter.api.Test;

class OutputComparisonTest {

    @Test
    void metricsOfAKnownErrorAccumulatedOverBatches() {
        OutputComparison c = new OutputComparison("y");
        c.add(FloatBuffer.wrap(new float[] {3, 4}), FloatBuffer.wrap(new float[] {3, 4.5f}));
        c.add(FloatBuffer.wrap(new float[] {0, -2}), FloatBuffer.wrap(new float[] {0.5f, -2}));
        OutputFidelity f = c.result();
        // Σx² = 29, Σe² = 0.5 → 10·log10(58) = 17.634 dB; mean |e| = 1/4; max |e| = 0.5
        assertThat(f.sqnrDb()).isCloseTo(17.634, within(1e-3));
        assertThat(f.meanAbsError()).isCloseTo(0.25, within(1e-12));
        assertThat(f.maxAbsError()).isCloseTo(0.5, within(1e-12));
        // x·y = 9 + 18 + 0 + 4 = 31; |x| = √29, |y| = √(9 + 20.25 + 0.25 + 4) = √33.5
        assertThat(f.cosine()).isCloseTo(31 / Math.sqrt(29 * 33.5), within(1e-9));
        assertThat(f.name()).isEqualTo("y");
    }

    @Test
    void identicalOutputsHaveNoSqnrFigureAndCosineOne() {
        OutputComparison c = new OutputComparison("y");
        c.add(FloatBuffer.wrap(new float[] {1, -2}), FloatBuffer.wrap(new float[] {1, -2}));
        assertThat(c.result().sqnrDb()).isNull();
        assertThat(c.result().cosine()).isEqualTo(1.0);
        OutputComparison zeros = new OutputComparison("z");
        zeros.add(FloatBuffer.wrap(new float[] {0, 0}), FloatBuffer.wrap(new float[] {0, 0}));
        assertThat(zeros.result().cosine()).isEqualTo(1.0);
    }

    @Test
    void mismatchedOutputSizesAreAnError() {
        OutputComparison c = new OutputComparison("y");
        assertThatThrownBy(() -> c.add(FloatBuffer.wrap(new float[2]), FloatBuffer.wrap(new float[3])))
                .hasMessageContaining("'y'");
    }

    @Test
    void topKCountsHitsAndAgreement() {
        TopK k = new TopK(6);
        FloatBuffer ref = FloatBuffer.wrap(new float[] {
            0, 9, 1, 2, 3, 4,    // argmax 1
            5, 0, 1, 2, 3, 4});  // argmax 0; label 1 ranks last (6th)
        FloatBuffer quant = FloatBuffer.wrap(new float[] {
            0, 1, 9, 2, 3, 4,    // argmax 2: disagrees; label 1 is 2nd lowest → rank 4 (in top 5)
            5, 0, 1, 2, 3, 4});
        k.add(ref, quant, new long[] {1, 1});
        assertThat(k.rows()).isEqualTo(2);
        assertThat(k.agreement()).isEqualTo(0.5);
        assertThat(k.referenceTop1()).isEqualTo(0.5);
        assertThat(k.quantizedTop1()).isZero();
        assertThat(k.referenceTop5()).isEqualTo(0.5);
        assertThat(k.quantizedTop5()).isEqualTo(0.5);
    }

    @Test
    void percentilesUseNearestRank() {
        long[] nanos = new long[20];
        for (int i = 0; i < 20; i++) {
            nanos[i] = (20 - i) * 1_000_000L;
        }
        Percentiles p = Percentiles.of(8, nanos, 20);
        assertThat(p.p50()).isEqualTo(10.0);
        assertThat(p.p95()).isEqualTo(19.0);
        assertThat(p.batchSize()).isEqualTo(8);
    }

    @Test
    void machineInfoReadsModelAndInt8Flags() {
        MachineInfo m = MachineInfo.parse("processor\t: 0\nmodel name\t: Test CPU 9000\n"
                + "flags\t\t: fpu sse avx2 avx512f avx512_vnni amx_int8 amx_tile\n");
        assertThat(m.cpuModel()).isEqualTo("Test CPU 9000");
        assertThat(m.avx2()).isTrue();
        assertThat(m.avx512Vnni()).isTrue();
        assertThat(m.avxVnni()).isFalse();
        assertThat(m.amx()).isTrue();
        assertThat(m.flags()).containsExactly("avx2", "avx512f", "avx512_vnni", "amx_tile", "amx_int8");
    }
}
