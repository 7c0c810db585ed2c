package io.quantizer.engine.data;

/**
 * A NumPy file that cannot be used: not a .npy/.npz, a dtype we do not read, a header that lies about its data,
 * a zip archive that breaks the limits. The message is written for the person who uploaded the file: it says
 * what is wrong and, where possible, how to fix it.
 */
public class DatasetFormatException extends RuntimeException {

    public DatasetFormatException(String message) {
        super(message);
    }

    public DatasetFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
