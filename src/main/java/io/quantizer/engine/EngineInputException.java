package io.quantizer.engine;

/**
 * The inputs cannot be quantized as given: the model does not load, or the data does not fit the model.
 * The message is meant for the user and names the tensor and the mismatch.
 */
public class EngineInputException extends RuntimeException {

    public EngineInputException(String message) {
        super(message);
    }

    public EngineInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
