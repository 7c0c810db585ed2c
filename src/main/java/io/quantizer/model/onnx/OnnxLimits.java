package io.quantizer.model.onnx;

/**
 * Caps on what an uploaded model's graph may declare, so a hostile file (a graph with a million inputs, a tensor
 * of ten thousand dimensions) is refused early with bounded memory and time. The defaults sit far above anything
 * an exporter writes for a real network.
 *
 * @param maxInputs        inputs of the main graph (weights listed as inputs, as IR 3 models do, included)
 * @param maxOutputs       outputs of the main graph
 * @param maxDims          dimensions of one input or output tensor
 * @param maxNodes         nodes in the model, subgraphs included
 * @param maxOperatorTypes distinct operator types (domain and name)
 * @param maxNameBytes     bytes of one name (tensor, node, operator, dimension parameter)
 */
public record OnnxLimits(int maxInputs, int maxOutputs, int maxDims, int maxNodes, int maxOperatorTypes,
                         int maxNameBytes) {

    /** 10,000 inputs (IR 3 models list every weight as one), 10,000 outputs, 64 dims, 5 million nodes, 1,000 types, 64 KiB. */
    public static final OnnxLimits DEFAULTS = new OnnxLimits(10_000, 10_000, 64, 5_000_000, 1_000, 64 * 1024);

    public OnnxLimits {
        if (maxInputs < 1 || maxOutputs < 1 || maxDims < 1 || maxNodes < 1 || maxOperatorTypes < 1
                || maxNameBytes < 1) {
            throw new IllegalArgumentException("every ONNX limit must be at least 1");
        }
    }

    /** Refuses {@code count} when it is over {@code limit}; {@code what} names the counted thing. */
    static void check(long count, int limit, String what, String property) {
        if (count > limit) {
            throw new OnnxFormatException("the model declares more than " + limit + " " + what + ", the limit ("
                    + "quantizer.models.onnx." + property + ")");
        }
    }
}
