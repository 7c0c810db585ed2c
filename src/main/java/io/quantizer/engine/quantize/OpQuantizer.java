package io.quantizer.engine.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Decides how one kind of operator is quantized by marking its tensors in the plan. It must check everything
 * first and mark only when the node is really quantized, so a refused node leaves no marks behind.
 */
interface OpQuantizer {

    Verdict mark(NodeProto node, int index, QuantizationContext context);

    record Verdict(boolean quantized, String reason) {

        static Verdict quantized(String reason) {
            return new Verdict(true, reason);
        }

        static Verdict kept(String reason) {
            return new Verdict(false, reason);
        }
    }
}
