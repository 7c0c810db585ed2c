package io.quantizer.engine.data;

import java.util.Locale;

/** How a data set is stored: a zip of arrays ({@code numpy.savez}) or a single array ({@code numpy.save}). */
public enum DatasetFormat {
    NPZ,
    NPY;

    /** {@code npz} or {@code npy}, as the API shows it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
