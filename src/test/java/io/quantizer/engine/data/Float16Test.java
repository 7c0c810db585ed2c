package io.quantizer.engine.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Float16Test {

    @Test
    void everyFloat16RoundTripsThroughFloat32() {
        for (int bits = 0; bits <= 0xFFFF; bits++) {
            short half = (short) bits;
            float value = Float16.toFloat(half);
            if (Float.isNaN(value)) {
                assertThat(Float.isNaN(Float16.toFloat(Float16.fromFloat(value)))).isTrue();
            } else {
                assertThat(Float16.fromFloat(value)).as("bits %04x", bits).isEqualTo(half);
            }
        }
    }

    @Test
    void float32ValuesRoundToTheNearestFloat16TiesToEven() {
        for (int bits = 0; bits < 0x7BFF; bits++) { // each positive finite half and the next one up
            float low = Float16.toFloat((short) bits);
            float high = Float16.toFloat((short) (bits + 1));
            float middle = (low + high) / 2; // exact in float32
            short even = (short) ((bits & 1) == 0 ? bits : bits + 1);
            assertThat(Float16.fromFloat(middle)).as("tie above %04x", bits).isEqualTo(even);
            assertThat(Float16.fromFloat(Math.nextDown(middle))).isEqualTo((short) bits);
            assertThat(Float16.fromFloat(Math.nextUp(middle))).isEqualTo((short) (bits + 1));
        }
        assertThat(Float16.fromFloat(65520f)).isEqualTo((short) 0x7C00); // rounds past 65504: infinity
        assertThat(Float16.fromFloat(65519f)).isEqualTo((short) 0x7BFF);
        assertThat(Float16.fromFloat(-1e-9f)).isEqualTo((short) 0x8000);
        assertThat(Float16.fromFloat(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xFC00);
    }
}
