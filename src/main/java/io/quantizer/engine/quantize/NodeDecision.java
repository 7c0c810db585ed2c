package io.quantizer.engine.quantize;

/** Whether one node of the prepared graph was quantized, and why (or why not). */
public record NodeDecision(String nodeName, String opType, boolean quantized, String reason) {
}
