package io.quantizer.model.onnx;

/**
 * A tensor whose bytes live in an external-data file, as the model declares it; nothing about it is checked yet.
 *
 * @param offset        0 when not declared
 * @param length        -1 when not declared
 * @param expectedBytes the bytes the tensor's shape and type need, -1 when the type has no fixed width
 */
public record ExternalReference(String tensor, String location, long offset, long length, long expectedBytes) {
}
