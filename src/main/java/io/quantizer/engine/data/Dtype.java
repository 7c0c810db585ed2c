package io.quantizer.engine.data;

import java.nio.ByteOrder;
import java.util.List;

/** A parsed .npy {@code descr}: element type and byte order, with a clear refusal for dtypes we cannot read. */
record Dtype(NumpyType type, ByteOrder order) {

    static Dtype parse(Object descr, String where) {
        if (descr instanceof List<?>) {
            throw new DatasetFormatException(where + " has a structured (record) dtype; save each field as its own "
                    + "array instead");
        }
        if (!(descr instanceof String text) || text.length() < 2) {
            throw new DatasetFormatException(where + ": 'descr' " + descr + " is not a NumPy dtype string");
        }
        char orderChar = text.charAt(0);
        String rest = "<>|=".indexOf(orderChar) >= 0 ? text.substring(1) : text;
        char kind = rest.charAt(0);
        if (kind == 'O') {
            throw new DatasetFormatException(where + " holds Python objects (dtype=object), which NumPy stores with "
                    + "pickle; they are never unpickled here. Convert the array to a numeric dtype such as float32");
        }
        if (kind == 'V') {
            throw new DatasetFormatException(where + " has a void/structured dtype '" + text + "'; save each field "
                    + "as its own numeric array instead");
        }
        int size;
        try {
            size = Integer.parseInt(rest.substring(1));
        } catch (NumberFormatException e) {
            throw unsupported(where, text);
        }
        NumpyType type = NumpyType.of(kind, size);
        if (type == null) {
            throw unsupported(where, text);
        }
        return new Dtype(type, orderChar == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    }

    private static DatasetFormatException unsupported(String where, String descr) {
        return new DatasetFormatException(where + " has dtype '" + descr + "', which is not supported; use bool, "
                + "int8/16/32/64, uint8/16/32/64 or float16/32/64");
    }
}
