package io.quantizer.engine.quantize;

import java.util.List;

/**
 * A unit a user can return to float: a quantized node, the activation folded into it, and the nodes that read its
 * output quantized. Excluding every node of {@code nodes} removes the node's int8 computation and its output's Q/DQ.
 *
 * @param id             the main node's name
 * @param opType         the main node's operator
 * @param nodes          the main node, its folded activation, then the nodes reading its output quantized
 * @param tensors        the activations quantized for this group: those it reads quantized and those it writes
 * @param movesDataOnly  its outputs reuse its input's parameters (Reshape, MaxPool...): float gains nothing there
 */
public record QuantGroup(String id, String opType, List<String> nodes, List<String> tensors, boolean movesDataOnly) {

    public QuantGroup {
        nodes = List.copyOf(nodes);
        tensors = List.copyOf(tensors);
    }
}
