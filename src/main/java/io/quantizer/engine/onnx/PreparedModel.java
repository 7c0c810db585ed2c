package io.quantizer.engine.onnx;

import java.nio.file.Path;
import java.util.List;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * The fp32 model as the quantizer and the calibrator see it: optimised by ONNX Runtime at the basic level and
 * saved at {@code path}. {@code notes} say what preprocessing changed (for the report).
 */
public record PreparedModel(Path path, ModelProto model, List<String> notes) {

    public PreparedModel {
        notes = List.copyOf(notes);
    }
}
