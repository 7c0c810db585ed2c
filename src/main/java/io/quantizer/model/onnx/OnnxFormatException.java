package io.quantizer.model.onnx;

/** The uploaded file is not a usable ONNX model; the message tells the uploader what is wrong. */
public class OnnxFormatException extends RuntimeException {

    public OnnxFormatException(String message) {
        super(message);
    }

    public OnnxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
