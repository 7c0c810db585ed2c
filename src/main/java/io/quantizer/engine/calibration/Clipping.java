package io.quantizer.engine.calibration;

/** Which tails of a tensor's observed distribution a calibrator may clip. */
public enum Clipping {
    /** Both: inside the network, saturating a few rare values buys resolution for all the others. */
    BOTH_TAILS,
    /**
     * Only the lower tail: the tensor decides a Softmax, ArgMax or TopK, whose result its largest values make
     * (see {@link ClippingRule}).
     */
    LOWER_TAIL,
    /** Neither: the tensor's values are what the user reads at a graph output. */
    NONE;

    /** Widens {@code chosen} back to the observed extremes on the tails that may not be clipped. */
    TensorRange apply(TensorRange chosen, ValueExtremes observed) {
        if (this == BOTH_TAILS || observed.finiteCount() == 0) {
            return chosen;
        }
        float max = Math.max(chosen.max(), observed.max());
        float min = this == NONE ? Math.min(chosen.min(), observed.min()) : chosen.min();
        return new TensorRange(min, max);
    }
}
