package io.quantizer.engine.onnx;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;

/**
 * Reads and writes ONNX model files. Models are untrusted input, so parsing is bounded: protobuf's size limit
 * is set to the file's own length (never more than protobuf's 2 GiB ceiling) and nesting is capped, so a
 * crafted file cannot make the parser recurse without end.
 */
public final class OnnxModels {

    /** Protobuf messages cannot exceed 2 GiB; ONNX files with external data keep their weights elsewhere. */
    public static final long MAX_MODEL_BYTES = Integer.MAX_VALUE;
    /** Subgraphs nest a few levels in real models; each level costs several protobuf message levels. */
    public static final int MAX_RECURSION_DEPTH = 200;

    private OnnxModels() {
    }

    public static ModelProto load(Path path) throws IOException {
        long size = Files.size(path);
        if (size > MAX_MODEL_BYTES) {
            throw new InvalidProtocolBufferException("model file " + path.getFileName() + " has " + size
                    + " bytes; at most " + MAX_MODEL_BYTES + " can be parsed");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            return parse(in, (int) size);
        }
    }

    public static ModelProto parse(byte[] bytes) throws IOException {
        return parse(new java.io.ByteArrayInputStream(bytes), bytes.length);
    }

    private static ModelProto parse(InputStream in, int sizeLimit) throws IOException {
        CodedInputStream coded = CodedInputStream.newInstance(in);
        coded.setSizeLimit(Math.max(sizeLimit, 1));
        coded.setRecursionLimit(MAX_RECURSION_DEPTH);
        ModelProto model = ModelProto.parseFrom(coded);
        if (!model.hasGraph()) {
            throw new InvalidProtocolBufferException("not an ONNX model: no graph");
        }
        return model;
    }

    /** Writes through a temporary sibling and a move, so a reader never sees a half-written model. */
    public static void save(ModelProto model, Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, path.getFileName().toString(), ".part");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                model.writeTo(out);
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
