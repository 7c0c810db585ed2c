package io.quantizer.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SampleReaderTest {

    @TempDir
    Path dir;

    static Stream<Arguments> everyTypeAndByteOrder() {
        return Stream.of(NumpyType.values()).flatMap(type -> Stream.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)
                .map(order -> Arguments.of(type, order)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyTypeAndByteOrder")
    void convertsEveryTypeInEitherByteOrder(NumpyType type, ByteOrder order) throws IOException {
        double[] values = type == NumpyType.BOOL ? new double[] {0, 1, 1, 0, 1, 0}
                : type.name().startsWith("U") ? new double[] {0, 1, 2, 7, 100, 255}
                : new double[] {-3, 0, 1, 2, 100, -128};
        Path file = write("a.npy", NumpyFixtures.npy(type, order, values, 3, 2));

        try (NumpyDataset dataset = NumpyDataset.open(file);
             SampleReader reader = dataset.openSamples(NumpyDataset.NPY_ARRAY_NAME)) {
            FloatBuffer floats = FloatBuffer.allocate(6);
            assertThat(reader.read(floats, 3)).isEqualTo(3);
            assertThat(floats.array()).containsExactly(toFloats(values));

            reader.seek(1);
            LongBuffer longs = LongBuffer.allocate(4);
            assertThat(reader.readLongs(longs, 10)).isEqualTo(2);
            assertThat(longs.array()).containsExactly(toLongs(values, 2));
        }
    }

    @Test
    void decodesFloat16SpecialValues() throws IOException {
        // 1.5, -2, largest half, smallest subnormal, +inf
        short[] halves = {0x3E00, (short) 0xC000, 0x7BFF, 0x0001, 0x7C00};
        ByteBuffer bytes = ByteBuffer.allocate(10).order(ByteOrder.BIG_ENDIAN);
        for (short h : halves) {
            bytes.putShort(h);
        }
        Path file = write("h.npy", NumpyFixtures.npy(">f2", new long[] {5}, false, 1, bytes.array()));

        FloatBuffer out = FloatBuffer.allocate(5);
        try (NumpyDataset dataset = NumpyDataset.open(file);
             SampleReader reader = dataset.openSamples(NumpyDataset.NPY_ARRAY_NAME)) {
            reader.read(out, 5);
        }
        assertThat(out.array()).containsExactly(1.5f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY);
    }

    @Test
    void convertsLargeUnsignedValues() throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).putInt(-1).putInt(7);
        Path u64 = write("u64.npy", NumpyFixtures.npy("<u8", new long[] {1}, false, 1,
                java.util.Arrays.copyOf(bytes.array(), 8)));
        Path u32 = write("u32.npy", NumpyFixtures.npy("<u4", new long[] {2}, false, 1,
                java.util.Arrays.copyOfRange(bytes.array(), 8, 16)));

        try (NumpyDataset dataset = NumpyDataset.open(u64);
             SampleReader reader = dataset.openSamples(NumpyDataset.NPY_ARRAY_NAME)) {
            FloatBuffer out = FloatBuffer.allocate(1);
            reader.read(out, 1);
            assertThat(out.get(0)).isEqualTo(0x1p64f);
            reader.seek(0);
            assertThatThrownBy(() -> reader.readLongs(LongBuffer.allocate(1), 1))
                    .hasMessageContaining("18446744073709551615").hasMessageContaining("does not fit");
        }
        try (NumpyDataset dataset = NumpyDataset.open(u32);
             SampleReader reader = dataset.openSamples(NumpyDataset.NPY_ARRAY_NAME)) {
            LongBuffer out = LongBuffer.allocate(2);
            reader.readLongs(out, 2);
            assertThat(out.array()).containsExactly(4_294_967_295L, 7L);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void streamsLargeArraysBatchByBatchIntoDirectBuffers(boolean deflate) throws IOException {
        int samples = 1000;
        int perSample = 3 * 8 * 8; // 768 bytes per sample, so batches straddle the 64 KiB chunks
        float[] values = new float[samples * perSample];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f;
        }
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("input.npy", NumpyFixtures.float32(values, samples, 3, 8, 8));
        Path file = NumpyFixtures.npz(dir.resolve("big.npz"), arrays, deflate);

        try (NumpyDataset dataset = NumpyDataset.open(file); SampleReader reader = dataset.openSamples("input")) {
            assertThat(reader.elementsPerSample()).isEqualTo(perSample);
            FloatBuffer batch = ByteBuffer.allocateDirect(97 * perSample * 4).order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            long seen = 0;
            int n;
            while ((n = reader.read(batch.clear(), 97)) > 0) {
                batch.flip();
                for (int i = 0; i < n * perSample; i++) {
                    assertThat(batch.get(i)).isEqualTo((seen * perSample + i) * 0.5f);
                }
                seen += n;
            }
            assertThat(seen).isEqualTo(samples);
            assertThat(reader.remaining()).isZero();

            reader.seek(998);
            reader.read(batch.clear(), 1);
            assertThat(batch.get(0)).isEqualTo(998f * perSample * 0.5f);
        }
    }

    @Test
    void readsWholeNumberFloatLabelsButNotFractions() throws IOException {
        Path labels = write("y.npy", NumpyFixtures.float32(new float[] {3, 1, 0.5f}, 3));
        try (NumpyDataset dataset = NumpyDataset.open(labels);
             SampleReader reader = dataset.openSamples(NumpyDataset.NPY_ARRAY_NAME)) {
            LongBuffer out = LongBuffer.allocate(3);
            assertThat(reader.readLongs(out, 2)).isEqualTo(2);
            assertThat(out.get(0)).isEqualTo(3);
            assertThat(out.get(1)).isEqualTo(1);
            assertThatThrownBy(() -> reader.readLongs(out, 1)).hasMessageContaining("0.5")
                    .hasMessageContaining("not a whole number");
        }
    }

    @Test
    void refusesBuffersTooSmallForTheBatch() throws IOException {
        Path file = write("x.npy", NumpyFixtures.float32(new float[12], 4, 3));
        try (NumpyDataset dataset = NumpyDataset.open(file);
             SampleReader reader = dataset.openSamples(NumpyDataset.NPY_ARRAY_NAME)) {
            assertThatThrownBy(() -> reader.read(FloatBuffer.allocate(5), 2))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need 6");
            assertThatThrownBy(() -> reader.seek(5)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void reportsCorruptDeflatedDataWhileStreaming() throws IOException {
        float[] values = new float[64 * 1024];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.sin(i);
        }
        Map<String, byte[]> arrays = Map.of("x.npy", NumpyFixtures.float32(values, 1024, 64));
        Path file = NumpyFixtures.npz(dir.resolve("c.npz"), arrays, true);
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 2000; i < 6000; i++) {
            bytes[i] = (byte) 0xFF; // wreck the deflate stream after the header
        }
        Files.write(file, bytes);

        try (NumpyDataset dataset = NumpyDataset.open(file); SampleReader reader = dataset.openSamples("x")) {
            FloatBuffer out = FloatBuffer.allocate(1024 * 64);
            assertThatThrownBy(() -> reader.read(out, 1024))
                    .isInstanceOf(DatasetFormatException.class)
                    .hasMessageContaining("array 'x'");
        }
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        IntStream.range(0, values.length).forEach(i -> out[i] = (float) values[i]);
        return out;
    }

    private static long[] toLongs(double[] values, int from) {
        return IntStream.range(from, values.length).mapToLong(i -> (long) values[i]).toArray();
    }
}
