package io.quantizer.engine;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import io.quantizer.engine.data.NumpyFixtures;
import io.quantizer.engine.data.NumpyType;

/** Builds small .npz data sets for engine tests. */
public final class TestData {

    private final Map<String, byte[]> entries = new LinkedHashMap<>();

    public TestData floats(String name, float[] values, long... shape) {
        entries.put(name + ".npy", NumpyFixtures.float32(values, shape));
        return this;
    }

    public TestData longs(String name, long[] values, long... shape) {
        entries.put(name + ".npy", NumpyFixtures.int64(values, shape));
        return this;
    }

    /** An array of any NumPy type (little-endian), values given as doubles. */
    public TestData typed(String name, NumpyType type, double[] values, long... shape) {
        entries.put(name + ".npy", NumpyFixtures.npy(type, ByteOrder.LITTLE_ENDIAN, values, shape));
        return this;
    }

    public Path write(Path file) throws IOException {
        return NumpyFixtures.npz(file, entries, false);
    }

    /** Uniform values in [lo, hi). */
    public static float[] uniform(Random random, int n, float lo, float hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * random.nextFloat();
        }
        return v;
    }
}
