package io.quantizer.engine.onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import io.quantizer.engine.EngineInputException;
import io.quantizer.engine.external.ExternalDataRules;
import io.quantizer.engine.runtime.Ort;

/**
 * ONNX external data: tensors whose bytes live in files beside the model, which is how models over protobuf's
 * 2 GiB limit are stored. In memory the engine keeps such tensors as references, never as bytes on the heap:
 * {@link #resolve} checks every reference of a loaded model ({@link ExternalDataRules}, no symbolic links, bytes
 * inside the file) and rewrites its location to the file's absolute path, so {@link TensorData} can map the
 * bytes from any tensor on its own. Files handed to ONNX Runtime get relative locations again ({@link #write},
 * {@link #forRuntime}).
 */
public final class ExternalData {

    /** Tensors from this size go to the data file when a model is written with external data. */
    public static final long TENSOR_THRESHOLD = 64 * 1024;
    /** A self-contained model whose serialized size passes this is written with external data instead. */
    public static final long MODEL_THRESHOLD = 1L << 30;
    /** The data file of {@code model.onnx} is {@code model.onnx.data}, as onnx and ONNX Runtime name it. */
    public static final String DATA_SUFFIX = ".data";
    /** Offsets in written data files are aligned to this, so ONNX Runtime can map the tensors. */
    private static final int ALIGNMENT = 4096;

    private static final String LOCATION = "location";
    private static final String OFFSET = "offset";
    private static final String LENGTH = "length";

    private ExternalData() {
    }

    /** Whether any tensor of the model (subgraphs included) keeps its bytes in a file. */
    public static boolean any(ModelProto model) {
        boolean[] found = {false};
        mapTensors(model.getGraph(), t -> {
            found[0] |= isExternal(t);
            return t;
        });
        return found[0];
    }

    public static boolean isExternal(TensorProto tensor) {
        return tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    }

    /**
     * Checks every external reference of a model loaded from {@code dir} and points it at the absolute path of
     * its file; refuses the model with {@link EngineInputException} naming the tensor and the problem.
     */
    public static ModelProto resolve(ModelProto model, Path dir) throws IOException {
        if (!any(model)) {
            return model;
        }
        Path base = dir.toAbsolutePath().normalize();
        Path realBase = base.toRealPath();
        Map<String, Long> sizes = new HashMap<>();
        try {
            return model.toBuilder().setGraph(mapTensors(model.getGraph(), t -> {
                if (!isExternal(t)) {
                    return t;
                }
                Reference ref = Reference.of(t);
                String problem = ExternalDataRules.locationProblem(ref.location());
                if (problem == null) {
                    Long size = sizes.computeIfAbsent(ref.location(), name -> fileSize(base, realBase, name));
                    problem = size == null ? "its file '" + ref.location() + "' is missing, not a regular file, or "
                            + "a symbolic link"
                            : ExternalDataRules.boundsProblem(ref.offset(), ref.length(), expectedBytes(t), size);
                }
                if (problem != null) {
                    throw new EngineInputException("the external data of tensor '" + t.getName() + "' cannot be "
                            + "read: " + problem);
                }
                return withReference(t, base.resolve(ref.location()).toString(), ref.offset(),
                        ExternalDataRules.byteLength(ref.length(), expectedBytes(t)));
            })).build();
        } catch (UncheckedIo e) {
            throw e.getCause();
        }
    }

    /** The tensor's bytes, mapped read-only from its file (little-endian); the tensor must be resolved. */
    public static ByteBuffer map(TensorProto tensor) {
        Reference ref = Reference.resolved(tensor);
        Path file = Path.of(ref.location());
        if (ref.length() > Integer.MAX_VALUE) {
            throw new EngineInputException("tensor '" + tensor.getName() + "' holds " + ref.length() + " bytes; a "
                    + "single weight over 2 GiB is not supported");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, ref.offset(), ref.length())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the external data of tensor '" + tensor.getName()
                    + "' from " + file, e);
        }
    }

    /**
     * The model as it is written to {@code target}: when it has external tensors or is larger than
     * {@link #MODEL_THRESHOLD}, every tensor from {@link #TENSOR_THRESHOLD} bytes is streamed into
     * {@code target.data} (also when {@code force}; weights already in another file of {@code target}'s directory stay where they are) and
     * referenced by its relative name. The data file is written through a temporary sibling and moved into place
     * by the caller's {@link Layout#commit}; without external data the layout holds the model unchanged.
     */
    public static Layout write(ModelProto model, Path target, boolean force) throws IOException {
        boolean external = force || any(model) || model.getSerializedSize() > MODEL_THRESHOLD;
        if (!external) {
            return new Layout(model, null, null);
        }
        Path dir = target.toAbsolutePath().getParent();
        Path data = dir.resolve(target.getFileName() + DATA_SUFFIX);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), DATA_SUFFIX + ".part");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            OutputStream stream = Channels.newOutputStream(out);
            ModelProto written = model.toBuilder().setGraph(mapTensors(model.getGraph(), t -> {
                try {
                    return append(t, dir, data, out, stream);
                } catch (IOException e) {
                    throw new UncheckedIo(e);
                }
            })).build();
            return new Layout(written, tmp, data);
        } catch (UncheckedIo e) {
            Files.deleteIfExists(tmp);
            throw e.getCause();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** A model ready to be written, and its data file waiting to be moved into place (none when self-contained). */
    public record Layout(ModelProto model, Path pendingData, Path data) {

        public void commit() throws IOException {
            if (pendingData != null) {
                Files.move(pendingData, data, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }

        public void discard() throws IOException {
            if (pendingData != null) {
                Files.deleteIfExists(pendingData);
            }
        }
    }

    /**
     * The model as ONNX Runtime reads it from memory: locations relative again, and the directory they are
     * relative to (null when the model is self-contained). All external files must share one directory.
     */
    public static ForRuntime forRuntime(ModelProto model) {
        if (!any(model)) {
            return new ForRuntime(model, null);
        }
        Path[] dir = {null};
        ModelProto relative = model.toBuilder().setGraph(mapTensors(model.getGraph(), t -> {
            if (!isExternal(t)) {
                return t;
            }
            Reference ref = Reference.of(t);
            Path file = Path.of(ref.location());
            if (dir[0] == null) {
                dir[0] = file.getParent();
            } else if (!dir[0].equals(file.getParent())) {
                throw new IllegalStateException("the model's external data lies in more than one directory");
            }
            return withReference(t, file.getFileName().toString(), ref.offset(), ref.length());
        })).build();
        return new ForRuntime(relative, dir[0]);
    }

    public record ForRuntime(ModelProto model, Path directory) {

        /** ONNX Runtime's session option naming the directory of external data for a model read from memory. */
        private static final String EXTERNAL_DATA_FOLDER = "session.model_external_initializers_file_folder_path";

        /** A session over the model read from memory; its external weights stay in their files. */
        public OrtSession open(OrtSession.SessionOptions options) throws OrtException {
            if (directory != null) {
                options.addConfigEntry(EXTERNAL_DATA_FOLDER, directory.toString());
            }
            return Ort.environment().createSession(model.toByteArray(), options);
        }
    }

    /** The directory of the model's external files, or null when it has none. */
    public static Path directory(ModelProto model) {
        return forRuntime(model).directory();
    }

    private static TensorProto append(TensorProto t, Path dir, Path data, FileChannel out, OutputStream stream)
            throws IOException {
        if (isExternal(t)) {
            Reference ref = Reference.of(t);
            Path file = Path.of(ref.location());
            if (dir.equals(file.getParent()) && !file.equals(data)) {
                return withReference(t, file.getFileName().toString(), ref.offset(), ref.length());
            }
            long offset = pad(out);
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                for (long done = 0; done < ref.length(); ) {
                    done += in.transferTo(ref.offset() + done, ref.length() - done, out);
                }
            }
            return withReference(t, data.getFileName().toString(), offset, ref.length());
        }
        ByteString raw = t.getRawData();
        if (raw.size() < TENSOR_THRESHOLD) {
            return t;
        }
        long offset = pad(out);
        raw.writeTo(stream);
        stream.flush();
        return withReference(t.toBuilder().clearRawData().build(), data.getFileName().toString(), offset,
                raw.size());
    }

    private static long pad(FileChannel out) throws IOException {
        long position = out.position();
        long aligned = (position + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        if (aligned > position) {
            out.write(ByteBuffer.allocate((int) (aligned - position)));
        }
        return aligned;
    }

    private static TensorProto withReference(TensorProto t, String location, long offset, long length) {
        return t.toBuilder().clearExternalData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry(LOCATION, location))
                .addExternalData(entry(OFFSET, Long.toString(offset)))
                .addExternalData(entry(LENGTH, Long.toString(length)))
                .build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static long expectedBytes(TensorProto t) {
        long count = 1;
        for (long d : t.getDimsList()) {
            if (d < 0) {
                return -1;
            }
            try {
                count = Math.multiplyExact(count, d);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return ExternalDataRules.expectedBytes(t.getDataType(), count);
    }

    /** The size of a regular, non-link file named {@code name} inside {@code base}; null when there is none. */
    private static Long fileSize(Path base, Path realBase, String name) {
        Path file = base.resolve(name);
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                    || !file.toRealPath().getParent().equals(realBase)) {
                return null;
            }
            return Files.size(file);
        } catch (IOException e) {
            return null;
        }
    }

    /** Applies {@code f} to every tensor of the graph: initializers, tensor attributes, nested graphs. */
    static GraphProto mapTensors(GraphProto graph, UnaryOperator<TensorProto> f) {
        GraphProto.Builder builder = graph.toBuilder();
        for (int i = 0; i < builder.getInitializerCount(); i++) {
            builder.setInitializer(i, f.apply(builder.getInitializer(i)));
        }
        for (int n = 0; n < builder.getNodeCount(); n++) {
            NodeProto node = builder.getNode(n);
            boolean nested = node.getAttributeList().stream().anyMatch(a -> a.hasT() || a.hasG()
                    || a.getTensorsCount() > 0 || a.getGraphsCount() > 0);
            if (!nested) {
                continue;
            }
            NodeProto.Builder nb = node.toBuilder();
            for (int a = 0; a < nb.getAttributeCount(); a++) {
                AttributeProto.Builder ab = nb.getAttribute(a).toBuilder();
                if (ab.hasT()) {
                    ab.setT(f.apply(ab.getT()));
                }
                for (int i = 0; i < ab.getTensorsCount(); i++) {
                    ab.setTensors(i, f.apply(ab.getTensors(i)));
                }
                if (ab.hasG()) {
                    ab.setG(mapTensors(ab.getG(), f));
                }
                for (int i = 0; i < ab.getGraphsCount(); i++) {
                    ab.setGraphs(i, mapTensors(ab.getGraphs(i), f));
                }
                nb.setAttribute(a, ab);
            }
            builder.setNode(n, nb);
        }
        return builder.build();
    }

    /** A tensor's external-data entries; offset 0 and length -1 when absent. */
    record Reference(String location, long offset, long length) {

        static Reference of(TensorProto t) {
            String location = null;
            long offset = 0;
            long length = -1;
            for (StringStringEntryProto e : t.getExternalDataList()) {
                try {
                    switch (e.getKey()) {
                        case LOCATION -> location = e.getValue();
                        case OFFSET -> offset = Long.parseLong(e.getValue());
                        case LENGTH -> length = Long.parseLong(e.getValue());
                        default -> {
                            // checksum and runtime hints are not needed to read the bytes
                        }
                    }
                } catch (NumberFormatException ex) {
                    throw new EngineInputException("tensor '" + t.getName() + "' declares the external-data "
                            + e.getKey() + " '" + e.getValue() + "', which is not a number");
                }
            }
            return new Reference(location, offset, length);
        }

        /** The reference of a tensor {@link #resolve} has checked: an absolute file and a known length. */
        static Reference resolved(TensorProto t) {
            Reference ref = of(t);
            if (ref.location() == null || !Path.of(ref.location()).isAbsolute() || ref.length() < 0) {
                throw new IllegalStateException("tensor '" + t.getName() + "' keeps its data in an external file "
                        + "that was not resolved against its model's directory");
            }
            return ref;
        }
    }

    private static final class UncheckedIo extends RuntimeException {
        UncheckedIo(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }
}
