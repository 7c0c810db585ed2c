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
 * crafted file cannot make the parser recurse without end. A model with external data is read with its weights
 * left in their files ({@link ExternalData}), so its .onnx stays small whatever the weights weigh.
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
        ModelProto model;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            model = parse(in, (int) size);
        }
        return ExternalData.resolve(model, path.toAbsolutePath().getParent());
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

    /**
     * Writes through a temporary sibling and a move, so a reader never sees a half-written model. A model with
     * external tensors, or one over {@link ExternalData#MODEL_THRESHOLD}, is written with its large tensors in
     * {@code path.data} beside it ({@link ExternalData#write}).
     */
    public static void save(ModelProto model, Path path) throws IOException {
        save(model, path, false);
    }

    /** {@link #save(ModelProto, Path)}, with external data whatever the size when {@code externalData}. */
    public static void save(ModelProto model, Path path, boolean externalData) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, path.getFileName().toString(), ".part");
        ExternalData.Layout layout = null;
        try {
            layout = ExternalData.write(model, path, externalData);
            try (OutputStream out = Files.newOutputStream(tmp)) {
                layout.model().writeTo(out);
            }
            layout.commit();
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
            if (layout != null) {
                layout.discard();
            }
        }
    }

    /** The bytes of the model file plus those of every external-data file it references (each counted once). */
    public static long sizeOnDisk(Path path) throws IOException {
        long total = Files.size(path);
        ModelProto model = load(path);
        if (ExternalData.any(model)) {
            java.util.Set<String> files = new java.util.HashSet<>();
            ExternalData.mapTensors(model.getGraph(), t -> {
                if (ExternalData.isExternal(t)) {
                    files.add(ExternalData.Reference.of(t).location());
                }
                return t;
            });
            for (String file : files) {
                total += Files.size(Path.of(file));
            }
        }
        return total;
    }

    /** The files a saved model consists of: the .onnx, then its data file when it has one. */
    public static java.util.List<Path> files(Path path) {
        Path data = path.resolveSibling(path.getFileName() + ExternalData.DATA_SUFFIX);
        return Files.isRegularFile(data) ? java.util.List.of(path, data) : java.util.List.of(path);
    }
}
