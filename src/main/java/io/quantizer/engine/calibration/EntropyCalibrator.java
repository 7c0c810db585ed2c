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
     * makes the divergence small while clipping most values; thresholds that clip more than this share of |x|
     * are not considered.
     */
    static final double MAX_CLIPPED_SHARE = 0.01;

    private final boolean symmetric;

    /**
     * @param symmetric whether activations are quantized symmetrically: then |x| up to the threshold always gets
     *                  128 integer levels; otherwise a shifted zero point spreads 256 over the clipped range
     */
    public EntropyCalibrator(boolean symmetric) {
        this(symmetric, Histogram.DEFAULT_BINS);
    }

    EntropyCalibrator(boolean symmetric, int bins) {
        super("entropy", bins);
        this.symmetric = symmetric;
    }

    /**
     * How many integer levels the grid gives to |x| in [0, t] once the range is clipped at ±t. On the asymmetric
     * grid that depends on the other side: [−0.4, t] (a hardswish output) spends almost all 256 levels on
     * [0, t], [−t, t] half of them. Counting 128 for every two-signed tensor, as the symmetric method does, makes
     * the search believe the grid is coarser than it is and clip more than it should.
     */
    int levels(ValueExtremes extremes, double t) {
        if (symmetric) {
            return 128;
        }
        double span = Math.min(-Math.min(0, extremes.min()), t) + Math.min(Math.max(0, extremes.max()), t);
        return (int) Math.max(128, Math.min(256, Math.round(256 * t / span)));
    }

    @Override
    protected TensorRange choose(ValueExtremes extremes) {
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
        double binWidth = factor * histogram.width();
        if (fine.length <= levels(extremes, fine.length * binWidth)) {
            return clip(extremes, extremes.maxAbs());
        }
        double[] tail = new double[fine.length + 1];
        for (int j = fine.length - 1; j >= 0; j--) {
            tail[j] = tail[j + 1] + fine[j];
        }
        int first = 128;
        while (first < fine.length && tail[first] > MAX_CLIPPED_SHARE * tail[0]) {
            first++;
        }
        int best = fine.length;
        double bestDivergence = Double.POSITIVE_INFINITY;
        for (int i = first; i <= fine.length; i++) {
            int levels = levels(extremes, i * binWidth);
            if (i < levels) {
                continue;
            }
            double d = divergence(fine, i, levels, tail[i]);
            if (d < bestDivergence) {
                bestDivergence = d;
                best = i;
            }
        }
        double threshold = Math.min(extremes.maxAbs(), best * binWidth);
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
