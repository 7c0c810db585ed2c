package io.quantizer.engine.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

/**
 * Reads initializer values and builds new initializers. ONNX stores numbers either in {@code raw_data}
 * (always little-endian, whatever the host) or in the typed repeated fields; both are accepted. Tensors kept in
 * external files ({@link ExternalData}) are read through a read-only memory map, so their values never need a
 * copy on the heap unless a caller asks for an array.
 */
public final class TensorData {

    private TensorData() {
    }

    public static long elementCount(TensorProto tensor) {
        long count = 1;
        for (long d : tensor.getDimsList()) {
            count *= d;
        }
        return count;
    }

    public static int[] dims(TensorProto tensor) {
        return tensor.getDimsList().stream().mapToInt(Long::intValue).toArray();
    }

    public static boolean isFloating(TensorProto tensor) {
        return tensor.getDataType() == DataType.FLOAT_VALUE || tensor.getDataType() == DataType.DOUBLE_VALUE;
    }

    /**
     * The values of a FLOAT or DOUBLE tensor; raw FLOAT data is viewed in place, not copied, so that a large weight
     * can be read in chunks (decoding it whole costs more memory traffic than quantizing it).
     */
    public static FloatBuffer floatView(TensorProto tensor) {
        if (tensor.getDataType() == DataType.FLOAT_VALUE && hasRaw(tensor)) {
            checkRawSize(tensor, Math.toIntExact(elementCount(tensor)), 4);
            return raw(tensor).asFloatBuffer();
        }
        return FloatBuffer.wrap(floats(tensor));
    }

    /** The values of a FLOAT or DOUBLE tensor as floats. */
    public static float[] floats(TensorProto tensor) {
        int n = Math.toIntExact(elementCount(tensor));
        float[] out = new float[n];
        if (tensor.getDataType() == DataType.FLOAT_VALUE) {
            if (hasRaw(tensor)) {
                checkRawSize(tensor, n, 4);
                raw(tensor).asFloatBuffer().get(out);
            } else {
                checkFieldSize(tensor, n, tensor.getFloatDataCount());
                for (int i = 0; i < n; i++) {
                    out[i] = tensor.getFloatData(i);
                }
            }
        } else if (tensor.getDataType() == DataType.DOUBLE_VALUE) {
            if (hasRaw(tensor)) {
                checkRawSize(tensor, n, 8);
                java.nio.DoubleBuffer buffer = raw(tensor).asDoubleBuffer();
                for (int i = 0; i < n; i++) {
                    out[i] = (float) buffer.get(i);
                }
            } else {
                checkFieldSize(tensor, n, tensor.getDoubleDataCount());
                for (int i = 0; i < n; i++) {
                    out[i] = (float) tensor.getDoubleData(i);
                }
            }
        } else {
            throw new IllegalArgumentException("tensor '" + tensor.getName() + "' holds "
                    + DataType.forNumber(tensor.getDataType()) + ", expected FLOAT or DOUBLE");
        }
        return out;
    }

    /** The values of an INT64 or INT32 tensor as longs (shapes, axes, pads...). */
    public static long[] longs(TensorProto tensor) {
        int n = Math.toIntExact(elementCount(tensor));
        long[] out = new long[n];
        int type = tensor.getDataType();
        boolean raw = hasRaw(tensor);
        if (type == DataType.INT64_VALUE) {
            if (raw) {
                checkRawSize(tensor, n, 8);
                raw(tensor).asLongBuffer().get(out);
            } else {
                checkFieldSize(tensor, n, tensor.getInt64DataCount());
                for (int i = 0; i < n; i++) {
                    out[i] = tensor.getInt64Data(i);
                }
            }
        } else if (type == DataType.INT32_VALUE) {
            if (raw) {
                checkRawSize(tensor, n, 4);
                java.nio.IntBuffer buffer = raw(tensor).asIntBuffer();
                for (int i = 0; i < n; i++) {
                    out[i] = buffer.get(i);
                }
            } else {
                checkFieldSize(tensor, n, tensor.getInt32DataCount());
                for (int i = 0; i < n; i++) {
                    out[i] = tensor.getInt32Data(i);
                }
            }
        } else {
            throw new IllegalArgumentException("tensor '" + tensor.getName() + "' holds "
                    + DataType.forNumber(type) + ", expected INT64 or INT32");
        }
        return out;
    }

    public static TensorProto floatTensor(String name, long[] dims, float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return build(name, dims, DataType.FLOAT, buffer.array());
    }

    public static TensorProto int32Tensor(String name, long[] dims, int[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asIntBuffer().put(values);
        return build(name, dims, DataType.INT32, buffer.array());
    }

    public static TensorProto int64Tensor(String name, long[] dims, long[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asLongBuffer().put(values);
        return build(name, dims, DataType.INT64, buffer.array());
    }

    /** A uint16 tensor; each value must already lie in [0, 65535]. */
    public static TensorProto uint16Tensor(String name, long[] dims, int[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            if (v < 0 || v > 0xFFFF) {
                throw new IllegalArgumentException("uint16 value out of range: " + v);
            }
            buffer.putShort((short) v);
        }
        return build(name, dims, DataType.UINT16, buffer.array());
    }

    /** An 8-bit tensor; {@code type} is INT8 or UINT8 and each value must already lie in that type's range. */
    public static TensorProto byteTensor(String name, long[] dims, DataType type, int[] values) {
        if (type != DataType.INT8 && type != DataType.UINT8) {
            throw new IllegalArgumentException("8-bit tensor type expected, got " + type);
        }
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return build(name, dims, type, bytes);
    }

    /** An 8-bit tensor holding {@code values}, which the caller hands over (they are not copied). */
    public static TensorProto byteTensor(String name, long[] dims, DataType type, byte[] values) {
        if (type != DataType.INT8 && type != DataType.UINT8) {
            throw new IllegalArgumentException("8-bit tensor type expected, got " + type);
        }
        return build(name, dims, type, values);
    }

    public static long[] shape(List<Long> dims) {
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private static TensorProto build(String name, long[] dims, DataType type, byte[] raw) {
        TensorProto.Builder builder = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long d : dims) {
            builder.addDims(d);
        }
        // every caller passes an array of its own that nothing writes afterwards, so wrapping it is safe
        return builder.setRawData(UnsafeByteOperations.unsafeWrap(raw)).build();
    }

    private static ByteBuffer le(ByteString raw) {
        return raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Whether the bytes are in raw form: in {@code raw_data}, or in an external file (always raw). */
    private static boolean hasRaw(TensorProto tensor) {
        return ExternalData.isExternal(tensor) || !tensor.getRawData().isEmpty();
    }

    /** The raw little-endian bytes: viewed in place, or mapped from the external file (never on the heap). */
    private static ByteBuffer raw(TensorProto tensor) {
        return ExternalData.isExternal(tensor) ? ExternalData.map(tensor) : le(tensor.getRawData());
    }

    private static long rawSize(TensorProto tensor) {
        return ExternalData.isExternal(tensor) ? ExternalData.Reference.resolved(tensor).length()
                : tensor.getRawData().size();
    }

    private static void checkRawSize(TensorProto tensor, int n, int width) {
        if (rawSize(tensor) != (long) n * width) {
            throw new IllegalArgumentException("tensor '" + tensor.getName() + "' has " + rawSize(tensor)
                    + " raw bytes, expected " + ((long) n * width) + " for shape " + tensor.getDimsList());
        }
    }

    private static void checkFieldSize(TensorProto tensor, int n, int count) {
        if (count != n) {
            throw new IllegalArgumentException("tensor '" + tensor.getName() + "' has " + count
                    + " values, expected " + n + " for shape " + tensor.getDimsList());
        }
    }
}
