package io.quantizer.engine.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes .npy and .npz files the way NumPy does, so tests build their own data sets (any dtype, byte order,
 * header version). Public so that tests in other packages can use it too.
 */
public final class NumpyFixtures {

    private NumpyFixtures() {
    }

    /** A .npy (format 1.0) holding float32 little-endian {@code values} with {@code shape}. */
    public static byte[] float32(float[] values, long... shape) {
        double[] asDoubles = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            asDoubles[i] = values[i];
        }
        return npy(NumpyType.FLOAT32, ByteOrder.LITTLE_ENDIAN, asDoubles, shape);
    }

    /** A .npy (format 1.0) holding int64 little-endian {@code values} with {@code shape}. */
    public static byte[] int64(long[] values, long... shape) {
        return npy(descr(NumpyType.INT64, ByteOrder.LITTLE_ENDIAN), shape, false, 1,
                encode(NumpyType.INT64, ByteOrder.LITTLE_ENDIAN, Arrays.stream(values).asDoubleStream().toArray()));
    }

    public static byte[] npy(NumpyType type, ByteOrder order, double[] values, long... shape) {
        return npy(descr(type, order), shape, false, 1, encode(type, order, values));
    }

    /** The dtype string NumPy writes: {@code '<f4'}, {@code '>i8'}, {@code '|u1'}. */
    public static String descr(NumpyType type, ByteOrder order) {
        char kind = switch (type) {
            case BOOL -> 'b';
            case FLOAT16, FLOAT32, FLOAT64 -> 'f';
            case UINT8, UINT16, UINT32, UINT64 -> 'u';
            default -> 'i';
        };
        char prefix = type.itemSize() == 1 ? '|' : order == ByteOrder.BIG_ENDIAN ? '>' : '<';
        return "" + prefix + kind + type.itemSize();
    }

    /** A .npy with any header fields, header format {@code major}.0, padded to 64 bytes like NumPy does. */
    public static byte[] npy(String descr, long[] shape, boolean fortran, int major, byte[] data) {
        String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        String shapeText = "(" + dims + (shape.length == 1 ? ",)" : ")");
        String descrText = descr.startsWith("[") ? descr : "'" + descr + "'";
        String dict = "{'descr': " + descrText + ", 'fortran_order': " + (fortran ? "True" : "False")
                + ", 'shape': " + shapeText + ", }";
        return npyWithHeader(dict, major, data);
    }

    /** A .npy whose header dictionary is {@code dict} verbatim. */
    public static byte[] npyWithHeader(String dict, int major, byte[] data) {
        byte[] text = dict.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int lengthBytes = major == 1 ? 2 : 4;
        int prefix = 8 + lengthBytes;
        int padded = (prefix + text.length + 1 + 63) / 64 * 64 - prefix;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        ByteBuffer length = ByteBuffer.allocate(lengthBytes).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            length.putShort((short) padded);
        } else {
            length.putInt(padded);
        }
        out.writeBytes(length.array());
        out.writeBytes(text);
        for (int i = text.length; i < padded - 1; i++) {
            out.write(' ');
        }
        out.write('\n');
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** The raw bytes of {@code values} as {@code type} in {@code order}. */
    public static byte[] encode(NumpyType type, ByteOrder order, double[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * type.itemSize()).order(order);
        for (double v : values) {
            switch (type) {
                case BOOL -> buffer.put((byte) (v != 0 ? 1 : 0));
                case INT8, UINT8 -> buffer.put((byte) (long) v);
                case INT16, UINT16 -> buffer.putShort((short) (long) v);
                case INT32, UINT32 -> buffer.putInt((int) (long) v);
                case INT64, UINT64 -> buffer.putLong((long) v);
                case FLOAT16 -> buffer.putShort(floatToHalf((float) v));
                case FLOAT32 -> buffer.putFloat((float) v);
                case FLOAT64 -> buffer.putDouble(v);
            }
        }
        return buffer.array();
    }

    /** Writes a .npz with the given entries (name → bytes, in order), stored or deflated. */
    public static Path npz(Path file, Map<String, byte[]> entries, boolean deflate) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                if (!deflate) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    entry.setCompressedSize(e.getValue().length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    /** Exact for the values tests use (normal numbers that fit 10 mantissa bits, zero, infinities). */
    private static short floatToHalf(float value) {
        int bits = Float.floatToIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = ((bits >>> 23) & 0xFF) - 127 + 15;
        int mantissa = (bits >>> 13) & 0x3FF;
        if (value == 0) {
            return (short) sign;
        }
        if (Float.isInfinite(value) || exponent >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (exponent <= 0) {
            // subnormal half: value = m * 2^-24
            return (short) (sign | Math.round(Math.abs(value) / 0x1p-24f));
        }
        return (short) (sign | (exponent << 10) | mantissa);
    }
}
