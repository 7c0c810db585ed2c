package io.quantizer.engine.calibration;

/**
 * TensorRT's entropy calibration: on a fine histogram of |x|, try every clipping threshold and keep the one whose
 * quantized distribution (the clipped histogram squeezed into the available levels and spread back) is closest
 * to the original in KL divergence, with the clipped values counted in the last kept bin.
 */
public final class EntropyCalibrator extends HistogramCalibrator {

    /** TensorRT searches over 2048 fine bins. */
    static final int FINE_BINS = 2048;
    private static final double EPSILON = 1e-10;
    /**
     * KL divergence happily folds a dominant mode (the background of an image, say) into the last kept bin, which
     * makes the divergence small while clipping most values; thresholds that clip more than this share of the
     * non-zero |x| are not considered. Counting zeros in the share, as this once did, let a ReLU output that is
     * 80 % zeros lose 5 % of its signal: on Silero VAD and a SqueezeNet that cost output cosine 0.90 and 0.977
     * where it is now 0.987 and 0.989 (MinMax: 0.979 and 0.998).
     */
    static final double MAX_CLIPPED_SHARE = 0.01;

    private final int oneSidedLevels;

    /**
     * @param symmetric whether activations are quantized symmetrically: then one-signed data only uses half the
     *                  integer levels (128); otherwise a shifted zero point gives it all 256
     */
    public EntropyCalibrator(boolean symmetric) {
        this(symmetric, Histogram.DEFAULT_BINS);
    }

    EntropyCalibrator(boolean symmetric, int bins) {
        super("entropy", bins);
        this.oneSidedLevels = symmetric ? 128 : 256;
    }

    EntropyCalibrator(boolean symmetric, Histogram shared) {
        super("entropy", shared);
        this.oneSidedLevels = symmetric ? 128 : 256;
    }

    @Override
    protected TensorRange choose(ValueExtremes extremes) {
        boolean oneSided = extremes.min() >= 0 || extremes.max() <= 0;
        int levels = oneSided ? oneSidedLevels : 128;
        long[] magnitudes = histogram.magnitudes();
        int occupied = magnitudes.length;
        while (occupied > 0 && magnitudes[occupied - 1] == 0) {
            occupied--;
        }
        int factor = 1;
        while ((occupied + factor - 1) / factor > FINE_BINS) {
            factor *= 2;
        }
        double[] fine = merge(magnitudes, occupied, factor);
        if (fine.length <= levels) {
            return clip(extremes, extremes.maxAbs());
        }
        double[] tail = new double[fine.length + 1];
        for (int j = fine.length - 1; j >= 0; j--) {
            tail[j] = tail[j + 1] + fine[j];
        }
        int first = levels;
        // the first fine bin holds the zeros (and values within a 2048th of the largest magnitude of them)
        while (first < fine.length && tail[first] > MAX_CLIPPED_SHARE * tail[1]) {
            first++;
        }
        int best = fine.length;
        double bestDivergence = Double.POSITIVE_INFINITY;
        for (int i = first; i <= fine.length; i++) {
            double d = divergence(fine, i, levels, tail[i]);
            if (d < bestDivergence) {
                bestDivergence = d;
                best = i;
            }
        }
        double threshold = Math.min(extremes.maxAbs(), best * factor * histogram.width());
        return clip(extremes, threshold);
    }

    private static double[] merge(long[] magnitudes, int occupied, int factor) {
        double[] fine = new double[(occupied + factor - 1) / factor];
        for (int j = 0; j < occupied; j++) {
            fine[j / factor] += magnitudes[j];
        }
        return fine;
    }

    /** KL(P || Q) for clipping after {@code i} fine bins, P holding the clipped mass in its last bin. */
    private static double divergence(double[] fine, int i, int levels, double clippedMass) {
        double[] q = new double[i];
        double qTotal = 0;
        for (int level = 0; level < levels; level++) {
            int start = (int) ((long) level * i / levels);
            int end = (int) ((long) (level + 1) * i / levels);
            double mass = 0;
            int nonZero = 0;
            for (int j = start; j < end; j++) {
                mass += fine[j];
                if (reference(fine, j, i, clippedMass) > 0) {
                    nonZero++;
                }
            }
            if (nonZero == 0) {
                continue;
            }
            for (int j = start; j < end; j++) {
                if (reference(fine, j, i, clippedMass) > 0) {
                    q[j] = mass / nonZero;
                    qTotal += q[j];
                }
            }
        }
        double pTotal = 0;
        for (int j = 0; j < i; j++) {
            pTotal += fine[j];
        }
        pTotal += clippedMass;
        if (pTotal == 0 || qTotal == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double kl = 0;
        for (int j = 0; j < i; j++) {
            double p = reference(fine, j, i, clippedMass) / pTotal;
            if (p > 0) {
                kl += p * Math.log(p / Math.max(q[j] / qTotal, EPSILON));
            }
        }
        return kl;
    }

    private static double reference(double[] fine, int j, int i, double clippedMass) {
        return j == i - 1 ? fine[j] + clippedMass : fine[j];
    }
}
