package io.quantizer.dataset;

import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Optional;

import io.quantizer.engine.data.NumpyDataset;
import io.quantizer.engine.data.SampleReader;

/**
 * The smallest and largest label of a data set's label array. Computed once from the staged upload and kept on
 * the row, so a job submit checks labels against the model without reading the data set's bytes.
 */
public record LabelRange(long min, long max) {

    private static final int CHUNK = 4096;

    /** Reads the label array of a local .npz/.npy file; empty when it holds no labels. */
    static Optional<LabelRange> of(Path file, String labelTensor) throws IOException {
        try (NumpyDataset data = NumpyDataset.open(file);
             SampleReader labels = data.openSamples(labelTensor)) {
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            LongBuffer chunk = LongBuffer.allocate(CHUNK * Math.max(1, labels.elementsPerSample()));
            while (labels.remaining() > 0) {
                chunk.clear();
                labels.readLongs(chunk, (int) Math.min(CHUNK, labels.remaining()));
                chunk.flip();
                while (chunk.hasRemaining()) {
                    long v = chunk.get();
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            return min > max ? Optional.empty() : Optional.of(new LabelRange(min, max));
        }
    }
}
