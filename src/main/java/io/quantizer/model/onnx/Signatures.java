package io.quantizer.model.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import ai.onnx.proto.OnnxMl;

/** Turns ONNX value infos into client-facing signatures: NumPy type names, -1 for dynamic dimensions. */
final class Signatures {

    private Signatures() {
    }

    static TensorSignature of(OnnxMl.ValueInfoProto info) {
        OnnxMl.TypeProto type = info.getType();
        if (type.getValueCase() != OnnxMl.TypeProto.ValueCase.TENSOR_TYPE) {
            String kind = type.getValueCase() == OnnxMl.TypeProto.ValueCase.VALUE_NOT_SET ? "undefined"
                    : type.getValueCase().name().replace("_TYPE", "").toLowerCase(Locale.ROOT);
            return new TensorSignature(info.getName(), kind, null, null);
        }
        OnnxMl.TypeProto.Tensor tensor = type.getTensorType();
        String elementType = OnnxElementType.numpyName(tensor.getElemType());
        if (!tensor.hasShape()) {
            return new TensorSignature(info.getName(), elementType, null, null);
        }
        List<Long> shape = new ArrayList<>();
        List<String> names = new ArrayList<>();
        boolean anyName = false;
        for (OnnxMl.TensorShapeProto.Dimension dim : tensor.getShape().getDimList()) {
            boolean fixed = dim.getValueCase() == OnnxMl.TensorShapeProto.Dimension.ValueCase.DIM_VALUE
                    && dim.getDimValue() >= 0;
            shape.add(fixed ? dim.getDimValue() : -1L);
            boolean named = dim.getValueCase() == OnnxMl.TensorShapeProto.Dimension.ValueCase.DIM_PARAM
                    && !dim.getDimParam().isEmpty();
            names.add(named ? dim.getDimParam() : null);
            anyName |= named;
        }
        return new TensorSignature(info.getName(), elementType, shape, anyName ? names : null);
    }
}
