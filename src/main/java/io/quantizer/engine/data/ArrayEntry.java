package io.quantizer.engine.data;

import java.io.IOException;
import java.io.InputStream;

/**
 * One array of a data set and how to read it again from the start.
 *
 * @param where names the array in user-facing messages
 */
record ArrayEntry(String name, String where, NpyHeader header, Opener opener) {

    /** Opens a fresh stream positioned at the first byte of the .npy (its magic). */
    @FunctionalInterface
    interface Opener {
        InputStream open() throws IOException;
    }
}
