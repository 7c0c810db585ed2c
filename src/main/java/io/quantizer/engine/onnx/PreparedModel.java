package io.quantizer.engine.onnx;

import java.nio.file.Path;
import java.util.List;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * The fp32 model as the quantizer and the calibrator see it: optimised by ONNX Runtime at the basic level and
 * saved at {@code path}. {@code notes} say what preprocessing changed (for the report). {@code widenedFromFloat16}:
 * the user's model was float16 and computes in float32 here, so only the user's own file is a faithful reference.
 */
public record PreparedModel(Path path, ModelProto model, List<String> notes, boolean widenedFromFloat16) {

    public PreparedModel {
        notes = List.copyOf(notes);
    }

    public PreparedModel(Path path, ModelProto model, List<String> notes) {
        this(path, model, notes, false);
    }
}
