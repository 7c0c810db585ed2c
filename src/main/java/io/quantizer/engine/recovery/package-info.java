/**
 * Algorithms that recover accuracy while staying int8, each a recipe switch: cross-layer equalization and
 * SmoothQuant rewrite the float graph before calibration (both exact in float), and bias correction adjusts the
 * quantized graph's int32 biases after quantization. The math works on plain arrays; the graph edits replace
 * initializers (or add one Mul) and leave every other node as it was.
 */
package io.quantizer.engine.recovery;
