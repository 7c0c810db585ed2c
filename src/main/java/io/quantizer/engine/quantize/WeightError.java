package io.quantizer.engine.quantize;

/**
 * How far one weight moved when stored in fewer bits.
 *
 * @param relativeError ‖W − Ŵ‖ / ‖W‖ (relative Frobenius error)
 * @param sqnrDb        10·log10(‖W‖² / ‖W − Ŵ‖²)
 */
public record WeightError(String weight, String node, String elementType, int blockSize, double relativeError,
                          double sqnrDb) {
}
