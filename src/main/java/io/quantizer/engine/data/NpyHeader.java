package io.quantizer.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The header of one .npy array (format versions 1.0, 2.0 and 3.0): element type, byte order, shape, and where the
 * data starts. Reading it never trusts the file: the header length is bounded, the dictionary is parsed as a
 * literal, and dtypes that would need pickle (object arrays) or describe records (structured dtypes) are refused.
 */
public final class NpyHeader {

    /** NumPy itself refuses headers over 10,000 bytes by default; ours are tiny dictionaries, so this is generous. */
    public static final int MAX_HEADER_BYTES = 65_536;

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Set<Object> KEYS = Set.of("descr", "fortran_order", "shape");

    private final NumpyType type;
    private final ByteOrder byteOrder;
    private final long[] shape;
    private final long elementCount;
    private final long dataOffset;

    NpyHeader(NumpyType type, ByteOrder byteOrder, long[] shape, long dataOffset) {
        this.type = type;
        this.byteOrder = byteOrder;
        this.shape = shape.clone();
        this.elementCount = product(shape, 0);
        this.dataOffset = dataOffset;
        if (elementCount > Long.MAX_VALUE / type.itemSize()) {
            throw new DatasetFormatException("shape " + Arrays.toString(shape) + " is too large");
        }
    }

    /** True when {@code bytes} begin like a .npy file. */
    public static boolean hasMagic(byte[] bytes) {
        return bytes.length >= MAGIC.length && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /**
     * Reads the header from the start of {@code in}, leaving the stream at the first data byte.
     *
     * @param where names the array in messages, e.g. {@code "array 'x'"}
     */
    public static NpyHeader read(InputStream in, String where) throws IOException {
        byte[] prelude = in.readNBytes(MAGIC.length + 2);
        if (prelude.length < MAGIC.length + 2 || !hasMagic(prelude)) {
            throw new DatasetFormatException(where + " is not a NumPy .npy array (it does not start with \\x93NUMPY)");
        }
        int major = prelude[6] & 0xFF;
        int minor = prelude[7] & 0xFF;
        if (major < 1 || major > 3) {
            throw new DatasetFormatException(where + " uses .npy format version " + major + "." + minor
                    + "; versions 1.0, 2.0 and 3.0 are supported");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        byte[] lengthField = in.readNBytes(lengthBytes);
        if (lengthField.length < lengthBytes) {
            throw truncatedHeader(where);
        }
        long headerLength = 0;
        for (int i = lengthBytes - 1; i >= 0; i--) {
            headerLength = (headerLength << 8) | (lengthField[i] & 0xFF);
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw new DatasetFormatException(where + " declares a header of " + headerLength
                    + " bytes; at most " + MAX_HEADER_BYTES + " are accepted");
        }
        byte[] headerBytes = in.readNBytes((int) headerLength);
        if (headerBytes.length < headerLength) {
            throw truncatedHeader(where);
        }
        // v1 and v2 headers are latin-1; v3 allows UTF-8 (field names of structured dtypes, which we refuse anyway)
        Charset charset = major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
        long dataOffset = MAGIC.length + 2L + lengthBytes + headerLength;
        return parse(new String(headerBytes, charset), dataOffset, where);
    }

    private static NpyHeader parse(String text, long dataOffset, String where) {
        Object literal;
        try {
            literal = PythonLiteral.parse(text);
        } catch (DatasetFormatException e) {
            throw new DatasetFormatException(where + ": " + e.getMessage(), e);
        }
        if (!(literal instanceof Map<?, ?> dict) || !dict.keySet().equals(KEYS)) {
            throw new DatasetFormatException(where + ": the header must be a dictionary with exactly the keys "
                    + "'descr', 'fortran_order' and 'shape'");
        }
        Dtype dtype = Dtype.parse(dict.get("descr"), where);
        long[] shape = shape(dict.get("shape"), where);
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new DatasetFormatException(where + ": 'fortran_order' must be True or False");
        }
        if (fortran && Arrays.stream(shape).filter(d -> d > 1).count() > 1) {
            // column-major data cannot be read sample by sample without seeking across the whole array
            throw new DatasetFormatException(where + " is stored in Fortran (column-major) order; save it with "
                    + "numpy.ascontiguousarray(...) so that samples are contiguous");
        }
        return new NpyHeader(dtype.type(), dtype.order(), shape, dataOffset);
    }

    private static long[] shape(Object value, String where) {
        if (!(value instanceof PythonLiteral.Tuple tuple)) {
            throw new DatasetFormatException(where + ": 'shape' must be a tuple of integers");
        }
        List<Object> items = tuple.items();
        long[] shape = new long[items.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(items.get(i) instanceof Long dim) || dim < 0) {
                throw new DatasetFormatException(where + ": 'shape' must hold non-negative integers, got " + items);
            }
            shape[i] = dim;
        }
        try {
            product(shape, 0);
        } catch (ArithmeticException e) {
            throw new DatasetFormatException(where + ": shape " + items + " is too large");
        }
        return shape;
    }

    private static DatasetFormatException truncatedHeader(String where) {
        return new DatasetFormatException(where + " ends inside its header (the file is truncated)");
    }

    private static long product(long[] dims, int from) {
        long n = 1;
        for (int i = from; i < dims.length; i++) {
            n = Math.multiplyExact(n, dims[i]);
        }
        return n;
    }

    public NumpyType type() {
        return type;
    }

    public ByteOrder byteOrder() {
        return byteOrder;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long elementCount() {
        return elementCount;
    }

    /** Bytes of array data after the header. */
    public long dataBytes() {
        return elementCount * type.itemSize();
    }

    /** Offset of the first data byte from the start of the .npy stream. */
    public long dataOffset() {
        return dataOffset;
    }

    /** The size of the first dimension, the sample dimension; a 0-d array (scalar) has none. */
    public long sampleCount() {
        if (shape.length == 0) {
            throw new IllegalStateException("a scalar has no sample dimension");
        }
        return shape[0];
    }

    /** Elements in one sample: the product of all dimensions but the first (1 for a 1-d array). */
    public long elementsPerSample() {
        return product(shape, 1);
    }

    @Override
    public String toString() {
        return type + Arrays.toString(shape);
    }
}
