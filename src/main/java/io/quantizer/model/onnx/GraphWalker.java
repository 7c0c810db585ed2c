package io.quantizer.model.onnx;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import ai.onnx.proto.OnnxMl;

/**
 * Walks a GraphProto and everything nested in it (nodes, attributes, subgraphs of If/Loop/Scan) field by field,
 * counting operators and floating-point weight elements. Tensor payloads (raw_data, float_data, ...) are passed
 * over, never read into memory, so the heap needed does not grow with the size of the weights.
 */
final class GraphWalker {

    /** Subgraph nesting deeper than this is refused; real models nest two or three levels. */
    static final int MAX_GRAPH_DEPTH = 16;

    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int GRAPH_SPARSE_INITIALIZER = 15;

    private final WireReader wire;
    private final OnnxLimits limits;
    private long nodeCount;
    private final Map<String, Long> operatorCounts = new TreeMap<>();
    private long parameterCount;
    /** The top-level graph's signature parts; subgraphs have inputs and outputs too, but they are internal. */
    private final List<OnnxMl.ValueInfoProto> inputs = new ArrayList<>();
    private final List<OnnxMl.ValueInfoProto> outputs = new ArrayList<>();
    private final Set<String> initializerNames = new HashSet<>();
    private final List<ExternalReference> externalReferences = new ArrayList<>();

    GraphWalker(WireReader wire, OnnxLimits limits) {
        this.wire = wire;
        this.limits = limits;
    }

    /** Reads one graph at nesting {@code depth} (0 = the model's graph); the caller has read its tag. */
    void graph(int tag, int depth) throws IOException {
        if (depth > MAX_GRAPH_DEPTH) {
            throw new OnnxFormatException("the model nests subgraphs deeper than " + MAX_GRAPH_DEPTH + " levels");
        }
        boolean top = depth == 0;
        int outer = wire.enter(tag, "graph");
        for (int t = wire.nextTag(); t != 0; t = wire.nextTag()) {
            switch (WireReader.field(t)) {
                case GRAPH_NODE -> node(t, depth);
                case GRAPH_INITIALIZER -> {
                    String name = tensor(t);
                    if (top) {
                        initializerNames.add(name);
                    }
                }
                case GRAPH_SPARSE_INITIALIZER -> {
                    String name = sparseTensor(t);
                    if (top) {
                        initializerNames.add(name);
                    }
                }
                case GRAPH_INPUT, GRAPH_OUTPUT -> {
                    if (top) {
                        boolean input = WireReader.field(t) == GRAPH_INPUT;
                        List<OnnxMl.ValueInfoProto> list = input ? inputs : outputs;
                        // checked before parsing another one, so a million declared inputs cost one over the cap
                        OnnxLimits.check(list.size() + 1L, input ? limits.maxInputs() : limits.maxOutputs(),
                                input ? "graph inputs" : "graph outputs", input ? "max-inputs" : "max-outputs");
                        list.add(valueInfo(t));
                    } else {
                        wire.skip(t);
                    }
                }
                default -> wire.skip(t);
            }
        }
        wire.exit(outer);
    }

    /** A graph input or output, parsed whole (it is small) and checked against the limits. */
    private OnnxMl.ValueInfoProto valueInfo(int tag) throws IOException {
        OnnxMl.ValueInfoProto info = wire.readSmall(tag, OnnxMl.ValueInfoProto.newBuilder(), "graph input/output")
                .build();
        checkName(info.getNameBytes().size(), "graph input/output name");
        if (info.getType().hasTensorType() && info.getType().getTensorType().hasShape()) {
            OnnxMl.TensorShapeProto shape = info.getType().getTensorType().getShape();
            if (shape.getDimCount() > limits.maxDims()) {
                throw new OnnxFormatException("the model's input/output '" + shortName(info.getName()) + "' has "
                        + shape.getDimCount() + " dimensions, more than " + limits.maxDims() + ", the limit "
                        + "(quantizer.models.onnx.max-dims)");
            }
            for (OnnxMl.TensorShapeProto.Dimension dim : shape.getDimList()) {
                checkName(dim.getDimParamBytes().size(), "dimension name");
            }
        }
        return info;
    }

    private void checkName(int bytes, String what) {
        if (bytes > limits.maxNameBytes()) {
            throw new OnnxFormatException("the model's " + what + " is " + bytes + " bytes long, more than "
                    + limits.maxNameBytes() + ", the limit (quantizer.models.onnx.max-name-bytes)");
        }
    }

    private static String shortName(String name) {
        return name.length() <= 64 ? name : name.substring(0, 64) + "...";
    }

    private void node(int tag, int depth) throws IOException {
        OnnxLimits.check(++nodeCount, limits.maxNodes(), "nodes", "max-nodes");
        String opType = "";
        String domain = "";
        String name = "";
        long constantFloats = 0;
        int outer = wire.enter(tag, "node");
        for (int t = wire.nextTag(); t != 0; t = wire.nextTag()) {
            switch (WireReader.field(t)) {
                case 3 -> name = wire.readName(t, "node name");
                case 4 -> opType = wire.readName(t, "operator type");
                case 7 -> domain = wire.readName(t, "operator domain");
                case 5 -> constantFloats += attribute(t, depth);
                default -> wire.skip(t);
            }
        }
        wire.exit(outer);
        if (opType.isEmpty()) {
            throw new OnnxFormatException("not a valid ONNX model: node '" + name + "' has no operator type");
        }
        boolean defaultDomain = domain.isEmpty() || domain.equals("ai.onnx");
        operatorCounts.merge(defaultDomain ? opType : domain + ":" + opType, 1L, Long::sum);
        OnnxLimits.check(operatorCounts.size(), limits.maxOperatorTypes(), "distinct operator types",
                "max-operator-types");
        if (defaultDomain && opType.equals("Constant")) {
            parameterCount += constantFloats;
        }
    }

    /**
     * Reads one attribute, counting the weights in its tensors and walking its graphs. Returns the number of
     * floats it holds as {@code value_float}/{@code value_floats}, which are weights only on a Constant node.
     */
    private long attribute(int tag, int depth) throws IOException {
        String name = "";
        long floats = 0;
        int outer = wire.enter(tag, "node attribute");
        for (int t = wire.nextTag(); t != 0; t = wire.nextTag()) {
            switch (WireReader.field(t)) {
                case 1 -> name = wire.readName(t, "attribute name");
                case 2 -> {
                    wire.skip(t);
                    floats += 1;
                }
                case 7 -> floats += wire.countRepeated(t, 4, v -> { });
                case 5, 10 -> tensor(t);
                case 6, 11 -> graph(t, depth + 1);
                case 22, 23 -> sparseTensor(t);
                default -> wire.skip(t);
            }
        }
        wire.exit(outer);
        return name.equals("value_float") || name.equals("value_floats") ? floats : 0;
    }

    /** Reads a TensorProto's header fields, passes over its data, counts its weights; returns its name. */
    private String tensor(int tag) throws IOException {
        TensorFacts facts = TensorFacts.read(wire, tag);
        if (facts.external() != null) {
            externalReferences.add(facts.external());
        }
        if (OnnxElementType.isFloatingPoint(facts.dataType())) {
            parameterCount = Math.addExact(parameterCount, facts.elementCount());
        }
        return facts.name();
    }

    /** A SparseTensorProto: its stored values count as weights; returns the name of its values tensor. */
    private String sparseTensor(int tag) throws IOException {
        String name = "";
        int outer = wire.enter(tag, "sparse tensor");
        for (int t = wire.nextTag(); t != 0; t = wire.nextTag()) {
            if (WireReader.field(t) == 1) {
                name = tensor(t);
            } else if (WireReader.field(t) == 2) {
                TensorFacts indices = TensorFacts.read(wire, t);
                if (indices.external() != null) {
                    externalReferences.add(indices.external());
                }
            } else {
                wire.skip(t);
            }
        }
        wire.exit(outer);
        return name;
    }

    long parameterCount() {
        return parameterCount;
    }

    Map<String, Long> operatorCounts() {
        return operatorCounts;
    }

    List<OnnxMl.ValueInfoProto> inputs() {
        return inputs;
    }

    List<OnnxMl.ValueInfoProto> outputs() {
        return outputs;
    }

    List<ExternalReference> externalReferences() {
        return externalReferences;
    }

    Set<String> initializerNames() {
        return initializerNames;
    }
}
