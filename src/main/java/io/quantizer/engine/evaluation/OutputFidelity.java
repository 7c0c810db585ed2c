package io.quantizer.engine.evaluation;

/**
 * How close one output of the quantized model is to the fp32 one, over every value of every evaluated sample.
 *
 * @param cosine       cosine similarity of all fp32 and quantized values taken as two vectors
 * @param sqnrDb       {@code 10·log10(Σx² / Σ(x − x̂)²)}; null when the outputs are identical (infinite)
 * @param meanAbsError mean of |x − x̂|
 * @param maxAbsError  largest |x − x̂|
 */
public record OutputFidelity(String name, double cosine, Double sqnrDb, double meanAbsError, double maxAbsError) {
}
