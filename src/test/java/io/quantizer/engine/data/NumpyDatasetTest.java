package io.quantizer.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NumpyDatasetTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void describesAnNpzWithInputsAndLabels(boolean deflate) throws IOException {
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("input.npy", NumpyFixtures.float32(new float[5 * 2 * 3], 5, 2, 3));
        arrays.put("mask.npy", NumpyFixtures.npy(NumpyType.BOOL, ByteOrder.LITTLE_ENDIAN, new double[5], 5));
        arrays.put("labels.npy", NumpyFixtures.int64(new long[] {0, 1, 2, 3, 4}, 5));
        Path file = NumpyFixtures.npz(dir.resolve("d.npz"), arrays, deflate);

        DatasetDescription description = NumpyDataset.inspect(file, NpzLimits.DEFAULTS);

        assertThat(description.format()).isEqualTo(DatasetFormat.NPZ);
        assertThat(description.sampleCount()).isEqualTo(5);
        assertThat(description.tensors()).containsExactly(
                new TensorDescription("input", NumpyType.FLOAT32, List.of(5L, 2L, 3L)),
                new TensorDescription("mask", NumpyType.BOOL, List.of(5L)),
                new TensorDescription("labels", NumpyType.INT64, List.of(5L)));
        assertThat(description.labelTensor()).isEqualTo("labels");
        assertThat(description.featureTensors()).extracting(TensorDescription::name).containsExactly("input", "mask");
    }

    @Test
    void describesASingleNpyArray() throws IOException {
        Path file = Files.write(dir.resolve("x.npy"), NumpyFixtures.npy("<f8", new long[] {4, 2}, false, 2,
                NumpyFixtures.encode(NumpyType.FLOAT64, ByteOrder.LITTLE_ENDIAN, new double[8])));

        DatasetDescription description = NumpyDataset.inspect(file, NpzLimits.DEFAULTS);

        assertThat(description.format()).isEqualTo(DatasetFormat.NPY);
        assertThat(description.tensors()).containsExactly(
                new TensorDescription(NumpyDataset.NPY_ARRAY_NAME, NumpyType.FLOAT64, List.of(4L, 2L)));
        assertThat(description.labelTensor()).isNull();
    }

    @Test
    void picksTheLabelArrayByName() throws IOException {
        assertThat(labelOf("x", "y")).isEqualTo("y");
        assertThat(labelOf("input", "label")).isEqualTo("label");
        assertThat(labelOf("features", "target")).isNull();
        assertThatThrownBy(() -> labelOf("y")).hasMessageContaining("only the label array 'y'");
    }

    @Test
    void refusesArraysThatDisagreeOnTheSampleCount() throws IOException {
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("x.npy", NumpyFixtures.float32(new float[10], 10));
        arrays.put("y.npy", NumpyFixtures.int64(new long[9], 9));
        Path file = NumpyFixtures.npz(dir.resolve("d.npz"), arrays, true);

        assertThatThrownBy(() -> NumpyDataset.open(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("array 'x' has 10").hasMessageContaining("array 'y' has 9");
    }

    @Test
    void refusesScalarsEmptyArchivesAndZeroSamples() throws IOException {
        Path scalar = npz(Map.of("x.npy", NumpyFixtures.npy("<f4", new long[0], false, 1, new byte[4])));
        assertThatThrownBy(() -> NumpyDataset.open(scalar)).hasMessageContaining("scalar");
        Path empty = npz(Map.of());
        assertThatThrownBy(() -> NumpyDataset.open(empty)).hasMessageContaining("no arrays");
        Path none = npz(Map.of("x.npy", NumpyFixtures.float32(new float[0], 0, 3)));
        assertThatThrownBy(() -> NumpyDataset.open(none)).hasMessageContaining("no samples");
    }

    @Test
    void refusesFilesThatAreNeitherNpyNorNpz() throws IOException {
        Path random = Files.write(dir.resolve("r.bin"), "definitely not numpy".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> NumpyDataset.open(random)).hasMessageContaining("neither a .npz");
        Path fakeZip = Files.write(dir.resolve("z.npz"), "PK\u0003\u0004 and then nothing".getBytes(
                StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> NumpyDataset.open(fakeZip)).hasMessageContaining("not a readable zip");
        Path empty = Files.write(dir.resolve("e.npz"), new byte[0]);
        assertThatThrownBy(() -> NumpyDataset.open(empty)).hasMessageContaining("empty");
    }

    @Test
    void refusesNpzEntriesThatAreNotNpyArrays() throws IOException {
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("x.npy", NumpyFixtures.float32(new float[2], 2));
        arrays.put("notes.txt", "hello".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> NumpyDataset.open(npz(arrays)))
                .hasMessageContaining("'notes.txt' is not a .npy array");

        Path disguised = npz(Map.of("x.npy", "hello, not an array".getBytes(StandardCharsets.US_ASCII)));
        assertThatThrownBy(() -> NumpyDataset.open(disguised))
                .hasMessageContaining("array 'x' is not a NumPy .npy array");
    }

    @Test
    void refusesPickledArraysInsideAnNpz() throws IOException {
        Path file = npz(Map.of("x.npy", NumpyFixtures.npy("|O", new long[] {1}, false, 1, new byte[] {(byte) 0x80})));
        assertThatThrownBy(() -> NumpyDataset.open(file)).hasMessageContaining("array 'x' holds Python objects");
    }

    @Test
    void refusesDuplicateArrayNames() throws IOException {
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("a.npy", NumpyFixtures.float32(new float[2], 2));
        arrays.put("b.npy", NumpyFixtures.float32(new float[2], 2));
        Path file = npz(arrays);
        // zip writers refuse duplicates, so rename b.npy to a.npy in the local and central headers by hand
        byte[] bytes = Files.readAllBytes(file);
        byte[] from = "b.npy".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + from.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + from.length, from, 0, from.length)) {
                bytes[i] = 'a';
            }
        }
        Files.write(file, bytes);

        assertThatThrownBy(() -> NumpyDataset.open(file)).hasMessageContaining("'a' twice");
    }

    @Test
    void refusesTruncatedArrays() throws IOException {
        byte[] npy = NumpyFixtures.float32(new float[100], 10, 10);
        Path shortNpy = Files.write(dir.resolve("s.npy"), Arrays.copyOf(npy, npy.length - 4));
        assertThatThrownBy(() -> NumpyDataset.open(shortNpy)).hasMessageContaining("truncated");
        Path longNpy = Files.write(dir.resolve("l.npy"), Arrays.copyOf(npy, npy.length + 4));
        assertThatThrownBy(() -> NumpyDataset.open(longNpy)).hasMessageContaining("extra bytes");

        Path shortEntry = npz(Map.of("x.npy", Arrays.copyOf(npy, npy.length - 4)));
        assertThatThrownBy(() -> NumpyDataset.open(shortEntry)).hasMessageContaining("truncated or corrupt");

        Path cutZip = npz(Map.of("x.npy", npy));
        byte[] zip = Files.readAllBytes(cutZip);
        Files.write(cutZip, Arrays.copyOf(zip, zip.length / 2));
        assertThatThrownBy(() -> NumpyDataset.open(cutZip)).hasMessageContaining("not a readable zip");
    }

    @Test
    void verifyingDataCatchesCorruptBytesThatHeadersCannotShow() throws IOException {
        byte[] npy = NumpyFixtures.float32(new float[100], 100);
        Path file = NumpyFixtures.npz(dir.resolve("c.npz"), Map.of("x.npy", npy), false);
        byte[] zip = Files.readAllBytes(file);
        int dataStart = indexOf(zip, npy) + npy.length - 8;
        zip[dataStart] = 42;
        Files.write(file, zip);

        try (NumpyDataset dataset = NumpyDataset.open(file)) {
            assertThatThrownBy(dataset::verifyData).hasMessageContaining("does not match the size and checksum");
        }
    }

    @Test
    void refusesZipBombs() throws IOException {
        // 64 MB of zeros deflates about 1000:1
        byte[] zeros = NumpyFixtures.npy("|u1", new long[] {64, 1 << 20}, false, 1, new byte[64 << 20]);
        Path bomb = NumpyFixtures.npz(dir.resolve("bomb.npz"), Map.of("x.npy", zeros), true);
        assertThat(Files.size(bomb)).isLessThan(1 << 20);

        assertThatThrownBy(() -> NumpyDataset.open(bomb))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("zip bomb");
    }

    @Test
    void enforcesEntryCountAndTotalSizeCaps() throws IOException {
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            arrays.put("a" + i + ".npy", NumpyFixtures.float32(new float[256], 256));
        }
        Path file = npz(arrays);

        assertThatThrownBy(() -> NumpyDataset.open(file, new NpzLimits(4, 1 << 20, 100, 0)))
                .hasMessageContaining("declares 5 entries, more than 4 entries");
        assertThatThrownBy(() -> NumpyDataset.open(file, new NpzLimits(10, 4000, 100, 0)))
                .hasMessageContaining("more than 4000 bytes");
        try (NumpyDataset dataset = NumpyDataset.open(file, new NpzLimits(5, 1 << 20, 100, 0))) {
            assertThat(dataset.description().tensors()).hasSize(5);
        }
    }

    @Test
    void refusesAnArchiveOfAHundredThousandEntriesFromItsDirectoryRecordAlone() throws IOException {
        Path file = dir.resolve("many.npz");
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(
                new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            for (int i = 0; i < 100_000; i++) {
                zip.putNextEntry(new java.util.zip.ZipEntry("a" + i + ".npy"));
                zip.closeEntry();
            }
        }

        // more than 65,535 entries: the count is only in the zip64 record, which is read too
        assertThatThrownBy(() -> NumpyDataset.open(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("declares 100000 entries, more than 1024 entries")
                .hasMessageContaining("quantizer.datasets.npz.max-entries");
    }

    @Test
    void refusesACentralDirectoryThatCannotLieInsideTheFile() throws IOException {
        byte[] valid = Files.readAllBytes(npz(Map.of("x.npy", NumpyFixtures.float32(new float[4], 4))));
        int eocd = valid.length - 22;
        assertThat(java.nio.ByteBuffer.wrap(valid, eocd, 4).order(ByteOrder.LITTLE_ENDIAN).getInt())
                .isEqualTo(0x06054b50);

        byte[] farOffset = valid.clone();
        java.nio.ByteBuffer.wrap(farOffset).order(ByteOrder.LITTLE_ENDIAN).putInt(eocd + 16, 0x7FFF0000);
        Path outside = Files.write(dir.resolve("outside.npz"), farOffset);
        assertThatThrownBy(() -> NumpyDataset.open(outside))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("does not lie inside the " + valid.length + "-byte file");

        byte[] moreEntries = valid.clone();
        java.nio.ByteBuffer.wrap(moreEntries).order(ByteOrder.LITTLE_ENDIAN).putShort(eocd + 10, (short) 900);
        Path crowded = Files.write(dir.resolve("crowded.npz"), moreEntries);
        assertThatThrownBy(() -> NumpyDataset.open(crowded))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("cannot hold the 900 entries it declares");

        Path cut = Files.write(dir.resolve("cut.npz"), Arrays.copyOf(valid, eocd));
        assertThatThrownBy(() -> NumpyDataset.open(cut))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("no end of central directory record");
    }

    @Test
    void refusesArraysWhoseSamplesHoldNoValuesWhateverTheirSampleCount() throws IOException {
        // 10^18 samples of shape (0, 28, 28): zero bytes of data, so the header alone "proves" the count
        byte[] hollow = NumpyFixtures.npy("<f4", new long[] {1_000_000_000_000_000_000L, 0, 28, 28}, false, 1,
                new byte[0]);
        Path npz = npz(Map.of("input.npy", hollow));
        assertThatThrownBy(() -> NumpyDataset.open(npz))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("array 'input' has shape")
                .hasMessageContaining("0 in dimension 1")
                .hasMessageContaining("every dimension after the first must be at least 1");
        Path npy = Files.write(dir.resolve("hollow.npy"), hollow);
        assertThatThrownBy(() -> NumpyDataset.open(npy)).hasMessageContaining("0 in dimension 1");
    }

    @Test
    void refusesSampleCountsTheFileCannotHold() throws IOException {
        Path overflow = npz(Map.of("x.npy",
                NumpyFixtures.npy("<f4", new long[] {1L << 40, 1L << 20, 1L << 10}, false, 1, new byte[16])));
        assertThatThrownBy(() -> NumpyDataset.open(overflow)).hasMessageContaining("is too large");

        // a plausible shape whose data is not in the entry: the header's size must be the entry's real size
        Path claims = npz(Map.of("x.npy",
                NumpyFixtures.npy("<f4", new long[] {1_000_000_000L, 28, 28}, false, 1, new byte[16])));
        assertThatThrownBy(() -> NumpyDataset.open(claims)).hasMessageContaining("promises");
        Path npy = Files.write(dir.resolve("claims.npy"),
                NumpyFixtures.npy("<f4", new long[] {1_000_000_000L, 28, 28}, false, 1, new byte[16]));
        assertThatThrownBy(() -> NumpyDataset.open(npy)).hasMessageContaining("truncated");
    }

    @Test
    void readsTheCorpusDataSets() throws IOException {
        Path data = Path.of(System.getProperty("quantizer.test.shared-dir", "../shared"), "corpus", "data");
        assumeThat(data.resolve("fmnist_eval.npz")).exists();

        DatasetDescription eval = NumpyDataset.inspect(data.resolve("fmnist_eval.npz"), NpzLimits.DEFAULTS);
        assertThat(eval.sampleCount()).isEqualTo(10_000);
        assertThat(eval.labelTensor()).isEqualTo("label");
        assertThat(eval.tensor("input").orElseThrow().shape()).containsExactly(10_000L, 1L, 28L, 28L);

        DatasetDescription mnist = NumpyDataset.inspect(data.resolve("mnist_calib.npz"), NpzLimits.DEFAULTS);
        assertThat(mnist.labelTensor()).isEqualTo("y");
        assertThat(mnist.featureTensors()).extracting(TensorDescription::name).containsExactly("x");

        try (NumpyDataset dataset = NumpyDataset.open(data.resolve("fmnist_eval.npz"));
             SampleReader labels = dataset.openSamples("label")) {
            LongBuffer all = LongBuffer.allocate(10_000);
            assertThat(labels.readLongs(all, 10_000)).isEqualTo(10_000);
            long[] counts = new long[10];
            for (long label : all.array()) {
                counts[(int) label]++;
            }
            assertThat(counts).containsOnly(1000L); // Fashion-MNIST's test split is balanced
        }
        try (NumpyDataset dataset = NumpyDataset.open(data.resolve("fmnist_calib.npz"));
             SampleReader inputs = dataset.openSamples("input")) {
            FloatBuffer batch = FloatBuffer.allocate(64 * 784);
            assertThat(inputs.read(batch, 64)).isEqualTo(64);
            float min = Float.MAX_VALUE;
            for (float v : batch.array()) {
                min = Math.min(min, v);
            }
            // normalised (x/255 - 0.2860)/0.3530, so black pixels sit at -0.81
            assertThat(min).isCloseTo(-0.2860f / 0.3530f, org.assertj.core.data.Offset.offset(1e-4f));
        }
    }

    private String labelOf(String... names) throws IOException {
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        for (String name : names) {
            arrays.put(name + ".npy", NumpyFixtures.float32(new float[3], 3));
        }
        try (NumpyDataset dataset = NumpyDataset.open(npz(arrays))) {
            return dataset.description().labelTensor();
        }
    }

    private Path npz(Map<String, byte[]> arrays) throws IOException {
        return NumpyFixtures.npz(Files.createTempFile(dir, "t", ".npz"), arrays, true);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
