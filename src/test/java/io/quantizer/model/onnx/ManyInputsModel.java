package io.quantizer.model.onnx;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;

/**
 * Writes a well-formed ONNX model whose graph declares {@code count} inputs (x0000000, x0000001, ...) and one
 * output, streaming each input so a million of them are written without holding the model in memory.
 */
public final class ManyInputsModel {

    private ManyInputsModel() {
    }

    public static Path write(Path file, int count) throws IOException {
        // fixed-width names make every input the same size, so the graph's length is known before writing it
        int inputSize = CodedOutputStream.computeMessageSize(11, input(0));
        OnnxMl.ValueInfoProto output = OnnxTestModels.value("y", OnnxTestModels.FLOAT, 1L);
        long graphSize = (long) count * inputSize + CodedOutputStream.computeMessageSize(12, output);
        if (graphSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a graph of " + count + " inputs does not fit one protobuf message");
        }
        OnnxMl.OperatorSetIdProto opset = OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13).build();
        try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            CodedOutputStream out = CodedOutputStream.newInstance(stream, 1 << 16);
            out.writeInt64(1, 8);
            out.writeMessage(8, opset);
            out.writeTag(7, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag((int) graphSize);
            for (int i = 0; i < count; i++) {
                out.writeMessage(11, input(i));
            }
            out.writeMessage(12, output);
            out.flush();
        }
        return file;
    }

    private static OnnxMl.ValueInfoProto input(int i) {
        return OnnxTestModels.value(String.format("x%07d", i), OnnxTestModels.FLOAT, 1L);
    }
}
