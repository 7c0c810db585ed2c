package io.quantizer.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipFile;

/**
 * A data set file, .npz or .npy, opened for description and streaming reads. Opening validates the structure:
 * every header, the zip limits, the sample dimension shared by all arrays. Array bytes are read only by
 * {@link #verifyData()} and by {@link SampleReader}s. Closing closes the underlying zip; open readers must be
 * closed first.
 */
public final class NumpyDataset implements AutoCloseable {

    /** The name a lone .npy array gets, as {@code numpy.savez} names unnamed arrays. */
    public static final String NPY_ARRAY_NAME = "arr_0";

    private static final byte[] ZIP_LOCAL = {'P', 'K', 3, 4};
    private static final byte[] ZIP_EMPTY = {'P', 'K', 5, 6};

    private final DatasetFormat format;
    private final ZipFile zip;
    private final List<ArrayEntry> arrays;
    private final DatasetDescription description;

    private NumpyDataset(DatasetFormat format, ZipFile zip, List<ArrayEntry> arrays) {
        this.format = format;
        this.zip = zip;
        this.arrays = List.copyOf(arrays);
        this.description = describe(format, this.arrays);
    }

    public static NumpyDataset open(Path file) throws IOException {
        return open(file, NpzLimits.DEFAULTS);
    }

    /** Opens and validates {@code file}; throws {@link DatasetFormatException} when it is not a usable data set. */
    public static NumpyDataset open(Path file, NpzLimits limits) throws IOException {
        byte[] start;
        try (InputStream in = Files.newInputStream(file)) {
            start = in.readNBytes(8);
        }
        if (start.length == 0) {
            throw new DatasetFormatException("the file is empty; upload a .npz (numpy.savez) or .npy (numpy.save)");
        }
        if (NpyHeader.hasMagic(start)) {
            return new NumpyDataset(DatasetFormat.NPY, null, List.of(npyEntry(file)));
        }
        if (startsWith(start, ZIP_LOCAL) || startsWith(start, ZIP_EMPTY)) {
            ZipFile zip = NpzArchive.openZip(file, limits);
            try {
                return new NumpyDataset(DatasetFormat.NPZ, zip, NpzArchive.entries(zip, limits));
            } catch (IOException | RuntimeException e) {
                zip.close();
                throw e;
            }
        }
        throw new DatasetFormatException("the file is neither a .npz archive (a zip, as numpy.savez writes) nor a "
                + ".npy array (numpy.save); it starts with neither 'PK' nor '\\x93NUMPY'");
    }

    /** Opens, validates and reads through every array once; the description of a file that is fit for use. */
    public static DatasetDescription inspect(Path file, NpzLimits limits) throws IOException {
        try (NumpyDataset dataset = open(file, limits)) {
            dataset.verifyData();
            return dataset.description();
        }
    }

    public DatasetFormat format() {
        return format;
    }

    public DatasetDescription description() {
        return description;
    }

    /**
     * Reads all array data once: a .npz entry must inflate to exactly its declared size with a matching CRC-32.
     * (A .npy file's length is already checked against its header when it is opened.)
     */
    public void verifyData() throws IOException {
        if (zip != null) {
            NpzArchive.verify(zip, arrays);
        }
    }

    /** Opens a streaming reader over array {@code name}, positioned at sample 0. */
    public SampleReader openSamples(String name) throws IOException {
        return new SampleReader(arrays.stream().filter(a -> a.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no array named '" + name + "'; the data set has "
                        + description.tensors().stream().map(TensorDescription::name).toList())));
    }

    @Override
    public void close() throws IOException {
        if (zip != null) {
            zip.close();
        }
    }

    private static ArrayEntry npyEntry(Path file) throws IOException {
        String where = "the .npy array";
        NpyHeader header;
        try (InputStream in = Files.newInputStream(file)) {
            header = NpyHeader.read(in, where);
        }
        long expected = header.dataOffset() + header.dataBytes();
        long actual = Files.size(file);
        if (actual != expected) {
            throw new DatasetFormatException(where + " is " + actual + " bytes long, but its header promises "
                    + expected + " (" + header + "); the file is " + (actual < expected ? "truncated" : "followed by "
                    + "extra bytes"));
        }
        return new ArrayEntry(NPY_ARRAY_NAME, where, header, () -> Files.newInputStream(file));
    }

    private static DatasetDescription describe(DatasetFormat format, List<ArrayEntry> arrays) {
        if (arrays.isEmpty()) {
            throw new DatasetFormatException("the .npz holds no arrays");
        }
        List<TensorDescription> tensors = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        ArrayEntry first = arrays.get(0);
        for (ArrayEntry array : arrays) {
            NpyHeader header = array.header();
            if (header.rank() == 0) {
                throw new DatasetFormatException(array.where() + " is a scalar (shape ()); every array needs the "
                        + "sample dimension first");
            }
            if (header.sampleCount() != first.header().sampleCount()) {
                throw new DatasetFormatException("the arrays disagree on the number of samples (the first "
                        + "dimension): " + first.where() + " has " + first.header().sampleCount() + ", "
                        + array.where() + " has " + header.sampleCount());
            }
            long[] dims = header.shape();
            for (int d = 1; d < dims.length; d++) {
                if (dims[d] == 0) {
                    // such an array holds no data whatever its first dimension claims, so that count proves nothing
                    throw new DatasetFormatException(array.where() + " has shape " + header + " with 0 in dimension "
                            + d + ": its samples hold no values; every dimension after the first must be at least 1");
                }
            }
            List<Long> shape = new ArrayList<>();
            for (long dim : header.shape()) {
                shape.add(dim);
            }
            tensors.add(new TensorDescription(array.name(), header.type(), shape));
            names.add(array.name());
        }
        long samples = first.header().sampleCount();
        if (samples == 0) {
            throw new DatasetFormatException("the data set holds no samples (the first dimension is 0)");
        }
        String label = DatasetDescription.pickLabel(names);
        if (label != null && arrays.size() == 1) {
            throw new DatasetFormatException("the data set holds only the label array '" + label
                    + "'; add the model input arrays");
        }
        return new DatasetDescription(format, samples, tensors, label);
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
