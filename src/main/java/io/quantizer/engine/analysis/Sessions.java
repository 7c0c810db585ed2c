package io.quantizer.engine.analysis;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.quantizer.engine.onnx.ExternalData;
import io.quantizer.engine.runtime.Ort;

/** Sessions over models the analysis builds in memory, at the optimisation level users run int8 models with. */
final class Sessions {

    private Sessions() {
    }

    static OrtSession open(ModelProto model) throws OrtException {
        try (OrtSession.SessionOptions options = Ort.sessionOptions(OrtSession.SessionOptions.OptLevel.ALL_OPT)) {
            // weights in external files stay there, as in calibration: ONNX Runtime reads them from their directory
            return ExternalData.forRuntime(model).open(options);
        }
    }
}
