/**
 * Calibration: choosing the float range of each activation the quantizer turns into integers.
 *
 * <p>{@link io.quantizer.engine.calibration.CalibrationRunner} runs the prepared fp32 model over the calibration
 * set (batch by batch, never more than one batch of activations in memory) and feeds one
 * {@link io.quantizer.engine.calibration.Calibrator} per observed tensor:
 * <ul>
 *   <li>{@code minmax}: the extremes, or a moving average of per-batch extremes; the graph reduces each tensor
 *       itself and only scalars leave ONNX Runtime;</li>
 *   <li>{@code percentile}: clip at a percentile of |x|;</li>
 *   <li>{@code entropy}: TensorRT's KL-divergence threshold search on a fine histogram of |x|;</li>
 *   <li>{@code mse}: each bound searched to minimise the expected squared quantization error.</li>
 * </ul>
 * The histogram methods share a fixed-size, zero-anchored histogram (8192 bins) whose bin width doubles when a
 * batch exceeds it, merging bins pairwise: exact, and memory independent of the number of samples. Tests check
 * each method against distributions with known answers.
 */
package io.quantizer.engine.calibration;
