package io.quantizer.engine.quantize;

import java.util.List;

import ai.onnx.proto.OnnxMl.ModelProto;

/** The quantized model and what was done to get it; {@code weightErrors} only where weights lost bits per block. */
public record QuantizationOutcome(ModelProto model, List<QuantizedTensor> tensors, List<NodeDecision> nodes,
        List<String> notes, List<WeightError> weightErrors) {

    public QuantizationOutcome {
        tensors = List.copyOf(tensors);
        nodes = List.copyOf(nodes);
        notes = List.copyOf(notes);
        weightErrors = List.copyOf(weightErrors);
    }

    /**
     * The same outcome without its graph, once the graph is saved and nothing re-reads it: a large model's int8
     * weights then leave the heap before evaluation runs.
     */
    public QuantizationOutcome withoutModel() {
        return new QuantizationOutcome(null, tensors, nodes, notes, weightErrors);
    }

    public QuantizationOutcome(ModelProto model, List<QuantizedTensor> tensors, List<NodeDecision> nodes,
                               List<String> notes) {
        this(model, tensors, nodes, notes, List.of());
    }
}
