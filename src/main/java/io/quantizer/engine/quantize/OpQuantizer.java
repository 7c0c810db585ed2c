package io.quantizer.engine.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Decides how one kind of operator is quantized by marking its tensors in the plan. It must check everything
 * first and mark only when the node is really quantized, so a refused node leaves no marks behind.
 */
interface OpQuantizer {

    Verdict mark(NodeProto node, int index, QuantizationContext context);

    /** @param computesFloat false for nodes with no float arithmetic to quantize (shape and integer math) */
    record Verdict(boolean quantized, boolean computesFloat, String reason) {

        static Verdict quantized(String reason) {
            return new Verdict(true, true, reason);
        }

        static Verdict kept(String reason) {
            return new Verdict(false, true, reason);
        }

        /** A node that does no float arithmetic: neither quantized nor a float node left behind. */
        static Verdict noFloatMath(String reason) {
            return new Verdict(false, false, reason);
        }
    }
}
