package io.quantizer.model.onnx;

/** ONNX {@code TensorProto.DataType} codes with NumPy's names (ml_dtypes' names for the types NumPy lacks). */
final class OnnxElementType {

    private static final String[] NAMES = {
        "undefined", "float32", "uint8", "int8", "uint16", "int16", "int32", "int64", "string", "bool", "float16",
        "float64", "uint32", "uint64", "complex64", "complex128", "bfloat16", "float8_e4m3fn", "float8_e4m3fnuz",
        "float8_e5m2", "float8_e5m2fnuz", "uint4", "int4", "float4_e2m1fn",
    };

    /** Bytes per element in raw_data, 0 where it is not a whole number of bytes or not fixed. */
    private static final int[] SIZES = {0, 4, 1, 1, 2, 2, 4, 8, 0, 1, 2, 8, 4, 8, 8, 16, 2, 1, 1, 1, 1, 0, 0, 0};

    private OnnxElementType() {
    }

    static String numpyName(int code) {
        return code >= 0 && code < NAMES.length ? NAMES[code] : "onnx_type_" + code;
    }

    /** True for the types whose elements count as parameters (weights): every real floating-point type. */
    static boolean isFloatingPoint(int code) {
        return code == 1 || code == 10 || code == 11 || code == 16 || (code >= 17 && code <= 20) || code == 23;
    }

    static int byteSize(int code) {
        return code >= 0 && code < SIZES.length ? SIZES[code] : 0;
    }
}
