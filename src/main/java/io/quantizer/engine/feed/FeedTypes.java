package io.quantizer.engine.feed;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * Which element types the engine feeds, which data arrays may feed them, and which constants they can hold.
 * Names are NumPy's ({@code float32}, {@code int64}, {@code bool}); ONNX types NumPy lacks use ml_dtypes' names.
 */
public final class FeedTypes {

    /** The input types the engine can feed: those ONNX Runtime's Java API builds tensors of from a buffer. */
    public static final List<String> FED = List.of("float32", "float16", "float64", "int8", "int16", "int32",
            "int64", "uint8", "bool");

    /** What values that are not tensors are called, by their ONNX kind. */
    public static final List<String> NOT_TENSORS = List.of("sequence", "map", "optional", "sparse_tensor");

    private static final String[] ONNX_NAMES = {
        "undefined", "float32", "uint8", "int8", "uint16", "int16", "int32", "int64", "string", "bool", "float16",
        "float64", "uint32", "uint64", "complex64", "complex128", "bfloat16", "float8_e4m3fn", "float8_e4m3fnuz",
        "float8_e5m2", "float8_e5m2fnuz", "uint4", "int4", "float4_e2m1fn",
    };

    private static final BigDecimal FLOAT16_MAX = BigDecimal.valueOf(65504);
    private static final BigDecimal FLOAT32_MAX = new BigDecimal(Float.MAX_VALUE);
    private static final BigDecimal FLOAT64_MAX = new BigDecimal(Double.MAX_VALUE);

    private FeedTypes() {
    }

    /** NumPy's name for an ONNX {@code TensorProto.DataType} code. */
    public static String numpyName(int onnxCode) {
        return onnxCode >= 0 && onnxCode < ONNX_NAMES.length ? ONNX_NAMES[onnxCode] : "onnx_type_" + onnxCode;
    }

    public static boolean isFed(String inputType) {
        return FED.contains(inputType);
    }

    /**
     * Whether an array of {@code arrayType} feeds an input of {@code inputType}: the same type, or float32 data
     * for a float16 input (rounded to the nearest float16; exports in half precision are usually fed from the
     * float32 data of their training code).
     */
    public static boolean feeds(String arrayType, String inputType) {
        return arrayType.equals(inputType) || ("float16".equals(inputType) && "float32".equals(arrayType));
    }

    /** Why {@code value} cannot fill an input of {@code type}; empty when it can (exactly, or rounded for floats). */
    public static Optional<String> constantProblem(String type, BigDecimal value) {
        return switch (type) {
            case "bool" -> value.compareTo(BigDecimal.ZERO) == 0 || value.compareTo(BigDecimal.ONE) == 0
                    ? Optional.empty() : Optional.of("a bool input takes 0 or 1");
            case "int8" -> integer(value, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case "int16" -> integer(value, Short.MIN_VALUE, Short.MAX_VALUE);
            case "int32" -> integer(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case "int64" -> integer(value, Long.MIN_VALUE, Long.MAX_VALUE);
            case "uint8" -> integer(value, 0, 255);
            case "float16" -> finite(value, FLOAT16_MAX, "65504");
            case "float32" -> finite(value, FLOAT32_MAX, "3.4028235e38");
            case "float64" -> finite(value, FLOAT64_MAX, "1.7976931348623157e308");
            default -> Optional.of("inputs of type " + type + " cannot be fed");
        };
    }

    private static Optional<String> integer(BigDecimal value, long min, long max) {
        if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
            return Optional.of("it is not a whole number");
        }
        if (value.compareTo(BigDecimal.valueOf(min)) < 0 || value.compareTo(BigDecimal.valueOf(max)) > 0) {
            return Optional.of("it is outside the type's range " + min + ".." + max);
        }
        return Optional.empty();
    }

    private static Optional<String> finite(BigDecimal value, BigDecimal max, String maxText) {
        return value.abs().compareTo(max) > 0
                ? Optional.of("it is beyond the type's largest finite value " + maxText) : Optional.empty();
    }
}
