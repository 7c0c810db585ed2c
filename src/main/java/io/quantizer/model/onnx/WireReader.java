package io.quantizer.model.onnx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.MessageLite;
import com.google.protobuf.WireFormat;

/**
 * Bounded helpers over a {@link CodedInputStream} for walking ONNX messages field by field: every length read
 * from the file is checked before anything is allocated for it.
 */
final class WireReader {

    /** Messages parsed whole (value infos, opset ids) must stay small; weights are never parsed whole. */
    static final int MAX_SMALL_MESSAGE_BYTES = 16 * 1024 * 1024;

    static final String TRUNCATED = "not a valid ONNX model: the file ends in the middle of a protobuf field (a "
            + "truncated upload, or not an .onnx file at all)";

    private final CodedInputStream in;
    /** Names (op types, domains, tensor names) longer than this are not from a sane exporter. */
    private final int maxNameBytes;

    WireReader(CodedInputStream in, int maxNameBytes) {
        this.in = in;
        this.maxNameBytes = maxNameBytes;
    }

    /** The next tag, or 0 at the end of the current message (the pushed limit). */
    int nextTag() throws IOException {
        return in.readTag();
    }

    static int field(int tag) {
        return WireFormat.getTagFieldNumber(tag);
    }

    long totalBytesRead() {
        return in.getTotalBytesRead();
    }

    void skip(int tag) throws IOException {
        in.skipField(tag);
    }

    long readVarint(int tag, String what) throws IOException {
        requireWireType(tag, WireFormat.WIRETYPE_VARINT, what);
        return in.readInt64();
    }

    String readName(int tag, String what) throws IOException {
        int length = readLength(tag, what);
        if (length > maxNameBytes) {
            throw new OnnxFormatException("the model's " + what + " is " + length + " bytes long, more than "
                    + maxNameBytes + ", the limit (quantizer.models.onnx.max-name-bytes)");
        }
        return new String(in.readRawBytes(length), StandardCharsets.UTF_8);
    }

    /** Skips a length-delimited field and returns its length (how raw weight bytes are passed over). */
    long skipBytes(int tag, String what) throws IOException {
        int length = readLength(tag, what);
        in.skipRawBytes(length);
        return length;
    }

    /** Parses a small message whole into {@code builder}. */
    <B extends MessageLite.Builder> B readSmall(int tag, B builder, String what) throws IOException {
        int length = readLength(tag, what);
        if (length > MAX_SMALL_MESSAGE_BYTES) {
            throw new OnnxFormatException("the model's " + what + " is " + length + " bytes long; at most "
                    + MAX_SMALL_MESSAGE_BYTES + " are accepted");
        }
        int outer = in.pushLimit(length);
        builder.mergeFrom(in);
        exit(outer);
        return builder;
    }

    /** Enters an embedded message; pass the result to {@link #exit(int)} after its fields are read. */
    int enter(int tag, String what) throws IOException {
        return in.pushLimit(readLength(tag, what));
    }

    void exit(int outerLimit) throws IOException {
        in.checkLastTagWas(0);
        requireLimitReached();
        in.popLimit(outerLimit);
    }

    /**
     * A stream that ends exactly between two fields reads like a message that simply has no more fields; only
     * the length its parent declared tells that bytes are missing.
     */
    private void requireLimitReached() {
        if (in.getBytesUntilLimit() > 0) {
            throw new OnnxFormatException(TRUNCATED);
        }
    }

    /**
     * The number of values in a repeated scalar field, packed or not, passing over them; {@code width} is the
     * fixed size of one value, or 0 for varints.
     */
    long countRepeated(int tag, int width, java.util.function.LongConsumer each) throws IOException {
        int wireType = WireFormat.getTagWireType(tag);
        if (wireType != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int expected = width == 4 ? WireFormat.WIRETYPE_FIXED32
                    : width == 8 ? WireFormat.WIRETYPE_FIXED64 : WireFormat.WIRETYPE_VARINT;
            requireWireType(tag, expected, "repeated value");
            each.accept(width == 4 ? in.readRawLittleEndian32()
                    : width == 8 ? in.readRawLittleEndian64() : in.readInt64());
            return 1;
        }
        int length = in.readRawVarint32();
        if (length < 0) {
            throw new OnnxFormatException("the model holds a negative length; the file is corrupt");
        }
        if (width > 0) {
            in.skipRawBytes(length);
            return length / width;
        }
        int outer = in.pushLimit(length);
        long count = 0;
        while (!in.isAtEnd()) {
            each.accept(in.readInt64());
            count++;
        }
        requireLimitReached();
        in.popLimit(outer);
        return count;
    }

    private int readLength(int tag, String what) throws IOException {
        requireWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, what);
        int length = in.readRawVarint32();
        if (length < 0) {
            throw new OnnxFormatException("the model's " + what + " has a negative length; the file is corrupt");
        }
        return length;
    }

    private static void requireWireType(int tag, int wireType, String what) {
        if (WireFormat.getTagWireType(tag) != wireType) {
            throw new OnnxFormatException("not a valid ONNX model: the " + what + " field (number "
                    + field(tag) + ") has the wrong protobuf wire type");
        }
    }
}
