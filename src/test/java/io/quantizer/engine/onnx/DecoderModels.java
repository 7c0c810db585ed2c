package io.quantizer.engine.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * Decoder-like language models written straight to disk in ONNX external-data form, for tests and benchmarks
 * of models too large to build in memory: token ids go through an embedding table (Gather), then {@code layers}
 * blocks of LayerNorm, an MLP (MatMul up, Relu, MatMul down) and a residual Add, then a final LayerNorm. The
 * embedding table goes to {@code embedding.bin}, every other weight to {@code weights.bin}; weights are streamed
 * to the files as they are drawn, so the heap never holds more than a small buffer whatever the model's size.
 */
public final class DecoderModels {

    /** The shape of a generated decoder. */
    public record Shape(int vocab, int hidden, int ffn, int layers) {

        /** Bytes of fp32 weights the model holds. */
        public long weightBytes() {
            return 4L * ((long) vocab * hidden + (long) layers * (2L * hidden * ffn + 2L * hidden) + 2L * hidden);
        }
    }

    public static final String MODEL = "decoder.onnx";
    public static final String EMBEDDING_FILE = "embedding.bin";
    public static final String WEIGHTS_FILE = "weights.bin";

    private DecoderModels() {
    }

    /** Writes {@code MODEL}, {@code EMBEDDING_FILE} and {@code WEIGHTS_FILE} into {@code dir}; returns the model. */
    public static Path write(Path dir, Shape shape, long seed) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom random = new SplittableRandom(seed);
        List<TensorProto> initializers = new ArrayList<>();
        ModelBuilder graph = new ModelBuilder().opset(17);
        try (FileChannel embedding = FileChannel.open(dir.resolve(EMBEDDING_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
             FileChannel weights = FileChannel.open(dir.resolve(WEIGHTS_FILE), StandardOpenOption.CREATE,
                     StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            initializers.add(external("embed", new long[] {shape.vocab(), shape.hidden()}, embedding,
                    EMBEDDING_FILE, random, 1f, 0f));
            String x = "embedded";
            graph.node("Gather", List.of("embed", "input_ids"), List.of(x));
            float up = (float) (1 / Math.sqrt(shape.hidden()));
            float down = (float) (0.5 / Math.sqrt(shape.ffn()));
            for (int i = 0; i < shape.layers(); i++) {
                String p = "layer" + i + ".";
                initializers.add(external(p + "ln.scale", new long[] {shape.hidden()}, weights, WEIGHTS_FILE,
                        random, 0.1f, 1f));
                initializers.add(external(p + "ln.bias", new long[] {shape.hidden()}, weights, WEIGHTS_FILE,
                        random, 0.1f, 0f));
                initializers.add(external(p + "up", new long[] {shape.hidden(), shape.ffn()}, weights, WEIGHTS_FILE,
                        random, up, 0f));
                initializers.add(external(p + "down", new long[] {shape.ffn(), shape.hidden()}, weights,
                        WEIGHTS_FILE, random, down, 0f));
                graph.node("LayerNormalization", List.of(x, p + "ln.scale", p + "ln.bias"), List.of(p + "normed"),
                        axis(-1));
                graph.node("MatMul", List.of(p + "normed", p + "up"), List.of(p + "hidden"));
                graph.node("Relu", List.of(p + "hidden"), List.of(p + "active"));
                graph.node("MatMul", List.of(p + "active", p + "down"), List.of(p + "mlp"));
                graph.node("Add", List.of(x, p + "mlp"), List.of(p + "out"));
                x = p + "out";
            }
            initializers.add(external("final.ln.scale", new long[] {shape.hidden()}, weights, WEIGHTS_FILE,
                    random, 0.1f, 1f));
            initializers.add(external("final.ln.bias", new long[] {shape.hidden()}, weights, WEIGHTS_FILE,
                    random, 0.1f, 0f));
            graph.node("LayerNormalization", List.of(x, "final.ln.scale", "final.ln.bias"), List.of("hidden_states"),
                    axis(-1));
        }
        graph.graph().addInput(ValueInfoProto.newBuilder().setName("input_ids").setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.INT64_VALUE)
                        .setShape(TensorShapeProto.newBuilder()
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("sequence"))))));
        graph.output("hidden_states");
        graph.graph().addAllInitializer(initializers);
        ModelProto model = graph.build();
        Path file = dir.resolve(MODEL);
        Files.write(file, model.toByteArray());
        return file;
    }

    /** Token ids {@code [samples, sequence]} below {@code vocab}, as an npz input set for {@code input_ids}. */
    public static long[] tokenIds(int samples, int sequence, int vocab, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] ids = new long[samples * sequence];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(vocab);
        }
        return ids;
    }

    private static AttributeProto axis(long value) {
        return AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(value)
                .build();
    }

    /** Streams {@code center + U(-amplitude, amplitude)} values to the end of {@code file}; returns the reference. */
    private static TensorProto external(String name, long[] dims, FileChannel file, String location,
                                        SplittableRandom random, float amplitude, float center) throws IOException {
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        long offset = file.position();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < count; i++) {
            if (!buffer.hasRemaining()) {
                drain(buffer, file);
            }
            buffer.putFloat(center + amplitude * (float) (2 * random.nextDouble() - 1));
        }
        drain(buffer, file);
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", location))
                .addExternalData(entry("offset", Long.toString(offset)))
                .addExternalData(entry("length", Long.toString(count * 4)));
        for (long d : dims) {
            tensor.addDims(d);
        }
        return tensor.build();
    }

    private static void drain(ByteBuffer buffer, FileChannel file) throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            file.write(buffer);
        }
        buffer.clear();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
