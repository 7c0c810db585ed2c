package io.quantizer.engine.quantize;

import java.util.List;

import ai.onnx.proto.OnnxMl.ModelProto;

/** The quantized model and what was done to get it. */
public record QuantizationOutcome(ModelProto model, List<QuantizedTensor> tensors, List<NodeDecision> nodes,
        List<String> notes) {

    public QuantizationOutcome {
        tensors = List.copyOf(tensors);
        nodes = List.copyOf(nodes);
        notes = List.copyOf(notes);
    }
}
