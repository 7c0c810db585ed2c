package io.quantizer.engine.recovery;

import java.util.Map;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/** Swaps initializers of a model's main graph by name, keeping their order. */
final class Initializers {

    private Initializers() {
    }

    static ModelProto replace(ModelProto model, Map<String, TensorProto> replacements) {
        if (replacements.isEmpty()) {
            return model;
        }
        GraphProto.Builder graph = model.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto replacement = replacements.get(graph.getInitializer(i).getName());
            if (replacement != null) {
                graph.setInitializer(i, replacement);
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }

    /** A float tensor like {@code original} (name, dims) holding {@code values}. */
    static TensorProto floats(TensorProto original, float[] values) {
        return io.quantizer.engine.onnx.TensorData.floatTensor(original.getName(),
                io.quantizer.engine.onnx.TensorData.shape(original.getDimsList()), values);
    }
}
