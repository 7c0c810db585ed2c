package io.quantizer.model.onnx;

import io.quantizer.engine.feed.FeedTypes;

/** ONNX {@code TensorProto.DataType} codes: NumPy's names for them (the engine's table, which the feed rule uses). */
final class OnnxElementType {

    /** Bytes per element in raw_data, 0 where it is not a whole number of bytes or not fixed. */
    private static final int[] SIZES = {0, 4, 1, 1, 2, 2, 4, 8, 0, 1, 2, 8, 4, 8, 8, 16, 2, 1, 1, 1, 1, 0, 0, 0};

    private OnnxElementType() {
    }

    static String numpyName(int code) {
        return FeedTypes.numpyName(code);
    }

    /** True for the types whose elements count as parameters (weights): every real floating-point type. */
    static boolean isFloatingPoint(int code) {
        return code == 1 || code == 10 || code == 11 || code == 16 || (code >= 17 && code <= 20) || code == 23;
    }

    static int byteSize(int code) {
        return code >= 0 && code < SIZES.length ? SIZES[code] : 0;
    }
}
