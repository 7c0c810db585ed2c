package io.quantizer.engine.data;

import java.util.Locale;

/** The NumPy element types this reader understands, named as NumPy names them ({@code float32}, {@code uint8}). */
public enum NumpyType {
    BOOL('b', 1),
    INT8('i', 1),
    INT16('i', 2),
    INT32('i', 4),
    INT64('i', 8),
    UINT8('u', 1),
    UINT16('u', 2),
    UINT32('u', 4),
    UINT64('u', 8),
    FLOAT16('f', 2),
    FLOAT32('f', 4),
    FLOAT64('f', 8);

    private final char kind;
    private final int itemSize;

    NumpyType(char kind, int itemSize) {
        this.kind = kind;
        this.itemSize = itemSize;
    }

    /** NumPy's name for the type: {@code float32}, {@code int64}, {@code bool}. */
    public String numpyName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public int itemSize() {
        return itemSize;
    }

    public boolean isFloatingPoint() {
        return kind == 'f';
    }

    /** The type for a dtype kind character and item size ({@code 'f', 4} is float32), or null if unsupported. */
    static NumpyType of(char kind, int itemSize) {
        for (NumpyType type : values()) {
            if (type.kind == kind && type.itemSize == itemSize) {
                return type;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return numpyName();
    }
}
