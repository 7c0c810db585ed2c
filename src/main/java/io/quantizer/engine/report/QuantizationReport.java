package io.quantizer.engine.report;

/** What one quantization run produced: the summary the service shows as the job's result, and the details. */
public record QuantizationReport(Summary summary, Details details) {
}
