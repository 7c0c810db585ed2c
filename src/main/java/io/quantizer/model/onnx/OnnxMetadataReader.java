package io.quantizer.model.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;

/**
 * Reads an untrusted ONNX model's metadata (signature, opsets, producer, parameter and operator counts) from a
 * stream without materialising it: small messages are parsed whole, tensors only at the wire level with their
 * data skipped, so a 1 GB model needs a few megabytes of heap. Never touches ONNX Runtime and never follows
 * external-data paths (it lists them, see {@link OnnxModelInfo#externalData()}). What a graph may declare is capped by {@link OnnxLimits}. Thread-safe (stateless).
 */
public final class OnnxMetadataReader {

    /** A single protobuf message cannot exceed 2 GiB; bigger models keep their weights in external data. */
    public static final long MAX_MODEL_BYTES = Integer.MAX_VALUE;

    private static final int BUFFER_BYTES = 64 * 1024;
    /** Bounds protobuf's own recursion in the messages parsed whole (nested TypeProtos). */
    private static final int RECURSION_LIMIT = 64;

    private static final int IR_VERSION = 1;
    private static final int PRODUCER_NAME = 2;
    private static final int PRODUCER_VERSION = 3;
    private static final int GRAPH = 7;
    private static final int OPSET_IMPORT = 8;

    private final OnnxLimits limits;

    public OnnxMetadataReader() {
        this(OnnxLimits.DEFAULTS);
    }

    public OnnxMetadataReader(OnnxLimits limits) {
        this.limits = limits;
    }

    public OnnxModelInfo read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_MODEL_BYTES) {
            throw new OnnxFormatException("the model is " + size + " bytes; a self-contained ONNX file holds at "
                    + "most 2 GiB (save larger models with external data and upload the data files with the model)");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    public OnnxModelInfo read(InputStream stream) throws IOException {
        CodedInputStream coded = CodedInputStream.newInstance(stream, BUFFER_BYTES);
        coded.setSizeLimit(Integer.MAX_VALUE);
        coded.setRecursionLimit(RECURSION_LIMIT);
        WireReader wire = new WireReader(coded, limits.maxNameBytes());
        try {
            return readModel(wire);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxFormatException(describe(e), e);
        } catch (ArithmeticException e) {
            throw new OnnxFormatException("the model declares more weights than can exist; it is corrupt", e);
        }
    }

    private static String describe(InvalidProtocolBufferException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("ended unexpectedly")) {
            return WireReader.TRUNCATED;
        }
        return "not a valid ONNX model: the bytes are not an ONNX protobuf (" + message + ")";
    }

    private OnnxModelInfo readModel(WireReader wire) throws IOException {
        long irVersion = 0;
        String producerName = "";
        String producerVersion = "";
        Map<String, Long> opsets = new LinkedHashMap<>();
        GraphWalker graph = null;
        for (int t = wire.nextTag(); t != 0; t = wire.nextTag()) {
            switch (WireReader.field(t)) {
                case IR_VERSION -> irVersion = wire.readVarint(t, "IR version");
                case PRODUCER_NAME -> producerName = wire.readName(t, "producer name");
                case PRODUCER_VERSION -> producerVersion = wire.readName(t, "producer version");
                case OPSET_IMPORT -> {
                    OnnxMl.OperatorSetIdProto opset = wire.readSmall(t, OnnxMl.OperatorSetIdProto.newBuilder(),
                            "opset import").build();
                    String domain = opset.getDomain().isEmpty() ? "ai.onnx" : opset.getDomain();
                    opsets.put(domain, opset.getVersion());
                }
                case GRAPH -> {
                    if (graph != null) {
                        throw new OnnxFormatException("not a valid ONNX model: it holds two main graphs");
                    }
                    graph = new GraphWalker(wire, limits);
                    graph.graph(t, 0);
                }
                default -> wire.skip(t);
            }
        }
        if (wire.totalBytesRead() == 0) {
            throw new OnnxFormatException("the file is empty; upload an .onnx model");
        }
        if (graph == null || irVersion <= 0) {
            throw new OnnxFormatException("not an ONNX model: the file has no " + (graph == null ? "graph"
                    : "IR version") + " (is it an .onnx file exported with torch.onnx, tf2onnx or onnx.save?)");
        }
        if (opsets.isEmpty()) {
            throw new OnnxFormatException("not a valid ONNX model: it imports no operator set (opset_import); the "
                    + "file may be truncated");
        }
        if (graph.outputs().isEmpty()) {
            throw new OnnxFormatException("not a usable ONNX model: its graph declares no outputs");
        }
        GraphWalker main = graph;
        List<TensorSignature> inputs = main.inputs().stream()
                // IR 3 models list initializers as inputs too; those are weights, not something a client feeds
                .filter(info -> !main.initializerNames().contains(info.getName()))
                .map(Signatures::of)
                .toList();
        List<TensorSignature> outputs = graph.outputs().stream().map(Signatures::of).toList();
        return new OnnxModelInfo(irVersion, opsets, producerName, producerVersion, inputs, outputs,
                graph.parameterCount(), graph.operatorCounts(), graph.externalReferences());
    }
}
