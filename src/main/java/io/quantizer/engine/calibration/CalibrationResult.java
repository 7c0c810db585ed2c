package io.quantizer.engine.calibration;

import java.util.Map;

/**
 * The outcome of a calibration run.
 *
 * @param ranges      the range chosen for each observed tensor
 * @param statistics  what was observed of each tensor, for the report
 * @param sampleCount how many calibration samples went through the model
 * @param batchSize   samples per ONNX Runtime run
 * @param loopSeconds time spent running batches and updating statistics, without loading the model (the
 *                    per-sample cost benchmarks compare with a plain forward pass)
 */
public record CalibrationResult(Map<String, TensorRange> ranges, Map<String, TensorStatistics> statistics,
                                long sampleCount, int batchSize, double loopSeconds) {

    public CalibrationResult {
        ranges = Map.copyOf(ranges);
        statistics = Map.copyOf(statistics);
    }
}
