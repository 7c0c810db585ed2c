package io.quantizer.engine.data;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * Converts raw array bytes (a {@link ByteBuffer} already set to the array's byte order) to float32 or int64,
 * consuming whole elements from the buffer's position.
 */
final class ElementDecoder {

    private ElementDecoder() {
    }

    /** Decodes every whole element remaining in {@code src} into {@code dst}. */
    static void toFloats(NumpyType type, ByteBuffer src, FloatBuffer dst) {
        int count = src.remaining() / type.itemSize();
        if (type == NumpyType.FLOAT32) {
            // the common case: one bulk copy, byte-swapped by the view when the array is big-endian
            FloatBuffer view = src.asFloatBuffer();
            view.limit(count);
            dst.put(view);
            src.position(src.position() + count * 4);
            return;
        }
        for (int i = 0; i < count; i++) {
            dst.put(nextFloat(type, src));
        }
    }

    private static float nextFloat(NumpyType type, ByteBuffer src) {
        return switch (type) {
            case FLOAT32 -> src.getFloat();
            case FLOAT64 -> (float) src.getDouble();
            case FLOAT16 -> halfToFloat(src.getShort());
            case BOOL -> src.get() != 0 ? 1f : 0f;
            case UINT64 -> unsignedToFloat(src.getLong());
            default -> nextInteger(type, src);
        };
    }

    /**
     * Decodes every whole element remaining in {@code src} into {@code dst} as integers (class labels).
     * Floating-point values must be whole numbers; unsigned 64-bit values must fit a signed long.
     */
    static void toLongs(NumpyType type, ByteBuffer src, LongBuffer dst, String where) {
        int count = src.remaining() / type.itemSize();
        for (int i = 0; i < count; i++) {
            dst.put(switch (type) {
                case FLOAT16 -> wholeNumber(halfToFloat(src.getShort()), where);
                case FLOAT32 -> wholeNumber(src.getFloat(), where);
                case FLOAT64 -> wholeNumber(src.getDouble(), where);
                case BOOL -> src.get() != 0 ? 1 : 0;
                case UINT64 -> signedFit(src.getLong(), where);
                default -> nextInteger(type, src);
            });
        }
    }

    /** The next element of an integer type of at most 64 signed bits. */
    private static long nextInteger(NumpyType type, ByteBuffer src) {
        return switch (type) {
            case INT8 -> src.get();
            case UINT8 -> src.get() & 0xFF;
            case INT16 -> src.getShort();
            case UINT16 -> src.getShort() & 0xFFFF;
            case INT32 -> src.getInt();
            case UINT32 -> src.getInt() & 0xFFFF_FFFFL;
            case INT64 -> src.getLong();
            default -> throw new IllegalArgumentException(type + " is not a signed-64-bit-compatible integer type");
        };
    }

    private static long signedFit(long value, String where) {
        if (value < 0) {
            throw new DatasetFormatException(where + " holds " + Long.toUnsignedString(value)
                    + ", which does not fit a signed 64-bit integer");
        }
        return value;
    }

    static float halfToFloat(short half) {
        return Float16.toFloat(half);
    }

    private static float unsignedToFloat(long value) {
        if (value >= 0) {
            return value;
        }
        // halve (keeping the low bit so rounding stays right), convert, double
        return ((value >>> 1) | (value & 1)) * 2f;
    }

    private static long wholeNumber(double value, String where) {
        if (value != Math.rint(value) || Math.abs(value) > 0x1p62) {
            throw new DatasetFormatException(where + " holds " + value + ", which is not a whole number; "
                    + "labels must be class indices");
        }
        return (long) value;
    }
}
