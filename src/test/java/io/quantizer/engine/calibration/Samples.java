package io.quantizer.engine.calibration;

import java.nio.FloatBuffer;
import java.util.Random;

/** Seeded test distributions. */
final class Samples {

    private Samples() {
    }

    static FloatBuffer uniform(Random random, int n, float lo, float hi) {
        FloatBuffer b = FloatBuffer.allocate(n);
        for (int i = 0; i < n; i++) {
            b.put(i, lo + (hi - lo) * random.nextFloat());
        }
        return b;
    }

    static FloatBuffer gaussian(Random random, int n) {
        FloatBuffer b = FloatBuffer.allocate(n);
        for (int i = 0; i < n; i++) {
            b.put(i, (float) random.nextGaussian());
        }
        return b;
    }

    static FloatBuffer of(float... values) {
        return FloatBuffer.wrap(values);
    }

    /** One million standard normal values in ten batches, plus a few outliers at ±50 in the last batch. */
    static void feedGaussianWithOutliers(Calibrator calibrator) {
        Random random = new Random(42);
        for (int batch = 0; batch < 10; batch++) {
            calibrator.update(gaussian(random, 100_000));
        }
        calibrator.update(of(50f, -50f, 49f, -48f, 50f));
    }
}
