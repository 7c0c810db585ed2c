package io.quantizer.engine.quantize;

/**
 * Whether one node of the prepared graph was quantized, and why (or why not). {@code computesFloat} is false for
 * nodes that do no float arithmetic (shape and integer math): they are neither quantized nor float left behind.
 */
public record NodeDecision(String nodeName, String opType, boolean quantized, boolean computesFloat, String reason) {
}
