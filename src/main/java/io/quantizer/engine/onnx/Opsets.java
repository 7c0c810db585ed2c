package io.quantizer.engine.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;

/** Opset imports of a model. The default ONNX domain is spelled "" or "ai.onnx". */
public final class Opsets {

    private Opsets() {
    }

    public static boolean isDefaultDomain(String domain) {
        return domain.isEmpty() || domain.equals("ai.onnx");
    }

    /** The default-domain opset version, or 0 when the model imports none. */
    public static long defaultDomainVersion(ModelProto model) {
        for (OperatorSetIdProto opset : model.getOpsetImportList()) {
            if (isDefaultDomain(opset.getDomain())) {
                return opset.getVersion();
            }
        }
        return 0;
    }

    public static ModelProto withDefaultDomainVersion(ModelProto model, long version) {
        ModelProto.Builder builder = model.toBuilder().clearOpsetImport();
        boolean found = false;
        for (OperatorSetIdProto opset : model.getOpsetImportList()) {
            if (isDefaultDomain(opset.getDomain())) {
                builder.addOpsetImport(opset.toBuilder().setVersion(version));
                found = true;
            } else {
                builder.addOpsetImport(opset);
            }
        }
        if (!found) {
            builder.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(version));
        }
        return builder.build();
    }
}
