package io.quantizer.model;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.quantizer.model.onnx.OnnxTestModels;

/**
 * Writes a valid ONNX model with one float initializer of {@code n} elements (y = x + W), streaming the weight
 * bytes so that a model of a gigabyte is written without holding a gigabyte.
 */
final class LargeModelFile {

    private static final int RAW_DATA = 9;

    private LargeModelFile() {
    }

    static Path write(Path file, long n) throws IOException {
        long rawBytes = Math.multiplyExact(n, 4);
        if (rawBytes > Integer.MAX_VALUE - 1024) {
            throw new IllegalArgumentException("a single protobuf message holds less than 2 GiB");
        }
        OnnxMl.ValueInfoProto x = OnnxTestModels.value("x", OnnxTestModels.FLOAT, n);
        OnnxMl.ValueInfoProto y = OnnxTestModels.value("y", OnnxTestModels.FLOAT, n);
        OnnxMl.NodeProto add = OnnxTestModels.node("Add", new String[] {"x", "W"}, "y").build();
        OnnxMl.OperatorSetIdProto opset = OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13).build();

        int tensorSize = CodedOutputStream.computeInt64Size(1, n) + CodedOutputStream.computeInt32Size(2, 1)
                + CodedOutputStream.computeStringSize(8, "W") + CodedOutputStream.computeTagSize(RAW_DATA)
                + CodedOutputStream.computeUInt32SizeNoTag((int) rawBytes) + (int) rawBytes;
        int graphSize = CodedOutputStream.computeMessageSize(11, x)
                + CodedOutputStream.computeTagSize(5) + CodedOutputStream.computeUInt32SizeNoTag(tensorSize) + tensorSize
                + CodedOutputStream.computeMessageSize(1, add) + CodedOutputStream.computeMessageSize(12, y);

        try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            CodedOutputStream out = CodedOutputStream.newInstance(stream, 1 << 16);
            out.writeInt64(1, 8);
            out.writeString(2, "large-model-test");
            out.writeTag(7, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(graphSize);
            out.writeMessage(11, x);
            out.writeTag(5, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(tensorSize);
            out.writeInt64(1, n);
            out.writeInt32(2, 1);
            out.writeString(8, "W");
            out.writeTag(RAW_DATA, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag((int) rawBytes);
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (byte) (i * 31); // not all zeros, so nothing could cheat by compressing
            }
            for (long left = rawBytes; left > 0; left -= chunk.length) {
                out.writeRawBytes(chunk, 0, (int) Math.min(chunk.length, left));
            }
            out.writeMessage(1, add);
            out.writeMessage(12, y);
            out.writeMessage(8, opset);
            out.flush();
        }
        return file;
    }
}
