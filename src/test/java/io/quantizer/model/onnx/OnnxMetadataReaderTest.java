package io.quantizer.model.onnx;

import static io.quantizer.model.onnx.OnnxTestModels.FLOAT;
import static io.quantizer.model.onnx.OnnxTestModels.INT64;
import static io.quantizer.model.onnx.OnnxTestModels.constant;
import static io.quantizer.model.onnx.OnnxTestModels.floats;
import static io.quantizer.model.onnx.OnnxTestModels.graphAttribute;
import static io.quantizer.model.onnx.OnnxTestModels.int64s;
import static io.quantizer.model.onnx.OnnxTestModels.model;
import static io.quantizer.model.onnx.OnnxTestModels.node;
import static io.quantizer.model.onnx.OnnxTestModels.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import ai.onnx.proto.OnnxMl;
import org.junit.jupiter.api.Test;

class OnnxMetadataReaderTest {

    private final OnnxMetadataReader reader = new OnnxMetadataReader();

    private OnnxModelInfo read(byte[] bytes) throws IOException {
        return reader.read(new ByteArrayInputStream(bytes));
    }

    private OnnxModelInfo read(OnnxMl.ModelProto model) throws IOException {
        return read(model.toByteArray());
    }

    @Test
    void readsSignatureOpsetsProducerAndCounts() throws IOException {
        OnnxModelInfo info = read(OnnxTestModels.linear());

        assertThat(info.irVersion()).isEqualTo(8);
        assertThat(info.opsets()).containsExactly(entry("ai.onnx", 13L));
        assertThat(info.producerName()).isEqualTo("quantizer-tests");
        assertThat(info.producerVersion()).isEqualTo("1.0");
        assertThat(info.inputs()).containsExactly(
                new TensorSignature("x", "float32", List.of(-1L, 3L), Arrays.asList("batch", null)));
        assertThat(info.outputs()).containsExactly(
                new TensorSignature("y", "float32", List.of(-1L, 4L), Arrays.asList("batch", null)));
        assertThat(info.parameterCount()).isEqualTo(16);
        assertThat(info.operatorCounts()).containsOnly(entry("MatMul", 1L), entry("Add", 1L));
    }

    @Test
    void reportsUnknownDimensionsRanksAndNonTensorValues() throws IOException {
        OnnxMl.ValueInfoProto noRank = OnnxMl.ValueInfoProto.newBuilder().setName("r").setType(
                OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(INT64)))
                .build();
        OnnxMl.ValueInfoProto sequence = OnnxMl.ValueInfoProto.newBuilder().setName("s").setType(
                OnnxMl.TypeProto.newBuilder().setSequenceType(OnnxMl.TypeProto.Sequence.newBuilder())).build();
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
                .addInput(value("img", FLOAT, 1L, 3L, null, null))
                .addInput(noRank).addInput(sequence)
                .addNode(node("Identity", new String[] {"img"}, "out"))
                .addOutput(value("out", OnnxMl.TensorProto.DataType.UINT8_VALUE))
                .build();

        OnnxModelInfo info = read(model(graph, 9, 17));

        assertThat(info.inputs()).containsExactly(
                new TensorSignature("img", "float32", List.of(1L, 3L, -1L, -1L), null),
                new TensorSignature("r", "int64", null, null),
                new TensorSignature("s", "sequence", null, null));
        assertThat(info.outputs()).containsExactly(new TensorSignature("out", "uint8", List.of(), null));
    }

    @Test
    void leavesOutInitializersListedAsGraphInputs() throws IOException {
        OnnxMl.GraphProto graph = OnnxTestModels.linear().getGraph().toBuilder()
                .addInput(value("W", FLOAT, 3L, 4L))
                .addInput(value("B", FLOAT, 4L))
                .build();

        OnnxModelInfo info = read(model(graph, 3, 7));

        assertThat(info.inputs()).extracting(TensorSignature::name).containsExactly("x");
        assertThat(info.parameterCount()).isEqualTo(16);
    }

    @Test
    void countsWeightsHeldByConstantNodes() throws IOException {
        OnnxMl.NodeProto valueFloats = node("Constant", new String[0], "c3").addAttribute(OnnxMl.AttributeProto
                .newBuilder().setName("value_floats").setType(OnnxMl.AttributeProto.AttributeType.FLOATS)
                .addAllFloats(List.of(1f, 2f, 3f))).build();
        OnnxMl.NodeProto leakyRelu = node("LeakyRelu", new String[] {"x"}, "l").addAttribute(OnnxMl.AttributeProto
                .newBuilder().setName("alpha").setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(0.1f))
                .build();
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
                .addInput(value("x", FLOAT, 2L, 5L))
                .addNode(constant("W", floats("W", 5, 5)))
                .addNode(constant("shape", int64s("shape", 2, 5)))
                .addNode(valueFloats)
                .addNode(leakyRelu)
                .addNode(node("MatMul", new String[] {"l", "W"}, "y"))
                .addOutput(value("y", FLOAT, 2L, 5L))
                .build();

        OnnxModelInfo info = read(model(graph, 8, 13));

        // 25 in W, 3 value_floats; int64 shapes and the LeakyRelu alpha hyper-parameter are not weights
        assertThat(info.parameterCount()).isEqualTo(28);
        assertThat(info.operatorCounts()).containsOnly(entry("Constant", 3L), entry("LeakyRelu", 1L),
                entry("MatMul", 1L));
        assertThat(info.inputs()).extracting(TensorSignature::name).containsExactly("x");
    }

    @Test
    void countsWeightsAndOperatorsInsideIfAndLoopSubgraphs() throws IOException {
        OnnxMl.GraphProto loopBody = OnnxMl.GraphProto.newBuilder().setName("body")
                .addInput(value("i", INT64)).addInput(value("cond", OnnxMl.TensorProto.DataType.BOOL_VALUE))
                .addInput(value("acc", FLOAT, 3L))
                .addInitializer(floats("step", 3))
                .addNode(node("Add", new String[] {"acc", "step"}, "acc_out"))
                .addNode(node("Identity", new String[] {"cond"}, "cond_out"))
                .addOutput(value("cond_out", OnnxMl.TensorProto.DataType.BOOL_VALUE))
                .addOutput(value("acc_out", FLOAT, 3L))
                .build();
        OnnxMl.GraphProto thenBranch = OnnxMl.GraphProto.newBuilder().setName("then")
                .addInitializer(floats("t", 10))
                .addNode(constant("k", floats("k", 4)))
                .addNode(node("Loop", new String[] {"n", "", "t"}, "then_out")
                        .addAttribute(graphAttribute("body", loopBody)))
                .addOutput(value("then_out", FLOAT, 3L))
                .build();
        OnnxMl.GraphProto elseBranch = OnnxMl.GraphProto.newBuilder().setName("else")
                .addNode(constant("e", floats("e", 2, 3)))
                .addNode(node("Relu", new String[] {"e"}, "else_out"))
                .addOutput(value("else_out", FLOAT, 3L))
                .build();
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
                .addInput(value("flag", OnnxMl.TensorProto.DataType.BOOL_VALUE))
                .addInput(value("n", INT64))
                .addNode(node("If", new String[] {"flag"}, "out")
                        .addAttribute(graphAttribute("then_branch", thenBranch))
                        .addAttribute(graphAttribute("else_branch", elseBranch)))
                .addOutput(value("out", FLOAT, 3L))
                .build();

        OnnxModelInfo info = read(model(graph, 8, 16));

        assertThat(info.parameterCount()).isEqualTo(10 + 4 + 3 + 6);
        assertThat(info.operatorCounts()).containsOnly(entry("If", 1L), entry("Constant", 2L), entry("Loop", 1L),
                entry("Add", 1L), entry("Identity", 1L), entry("Relu", 1L));
        assertThat(info.inputs()).extracting(TensorSignature::name).containsExactly("flag", "n");
        assertThat(info.outputs()).extracting(TensorSignature::name).containsExactly("out");
    }

    @Test
    void keysOperatorsOutsideTheDefaultDomainByDomain() throws IOException {
        OnnxMl.GraphProto graph = OnnxTestModels.linear().getGraph().toBuilder()
                .addNode(node("Gelu", new String[] {"y"}, "g").setDomain("com.microsoft")).build();
        OnnxMl.ModelProto model = model(graph, 8, 13).toBuilder().addOpsetImport(OnnxMl.OperatorSetIdProto
                .newBuilder().setDomain("com.microsoft").setVersion(1)).build();

        OnnxModelInfo info = read(model);

        assertThat(info.operatorCounts()).containsEntry("com.microsoft:Gelu", 1L);
        assertThat(info.opsets()).containsOnly(entry("ai.onnx", 13L), entry("com.microsoft", 1L));
    }

    @Test
    void listsExternalDataWithoutFollowingItsLocation() throws Exception {
        OnnxMl.TensorProto external = OnnxMl.TensorProto.newBuilder().setName("W").setDataType(FLOAT)
                .addDims(3).addDims(4)
                .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location")
                        .setValue("../../../../etc/passwd"))
                .build();
        OnnxMl.GraphProto graph = OnnxTestModels.linear().getGraph().toBuilder().setInitializer(0, external).build();

        // recorded as declared, for the upload to check against the files that came with it; nothing is opened
        OnnxModelInfo info = read(model(graph, 8, 13));

        assertThat(info.externalData()).containsExactly(
                new ExternalReference("W", "../../../../etc/passwd", 0, -1, 48));
        assertThat(info.parameterCount()).isEqualTo(12 + 4);
    }

    @Test
    void refusesFilesThatAreNotOnnx() {
        byte[] random = new byte[4096];
        new Random(42).nextBytes(random);
        assertThatThrownBy(() -> read(random)).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("not a valid ONNX model");
        assertThatThrownBy(() -> read(new byte[0])).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> read("just some text\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(OnnxFormatException.class);
        // a protobuf with no graph: valid wire format, but not a model
        assertThatThrownBy(() -> read(OnnxMl.ModelProto.newBuilder().setIrVersion(8).build()))
                .hasMessageContaining("no graph");
        OnnxMl.ModelProto noOutputs = model(OnnxMl.GraphProto.newBuilder().addInput(value("x", FLOAT)).build(), 8, 13);
        assertThatThrownBy(() -> read(noOutputs)).hasMessageContaining("no outputs");
    }

    @Test
    void refusesTruncatedModels() {
        byte[] whole = OnnxTestModels.linear().toByteArray();
        // every strict prefix, including those that end exactly between two fields
        for (int cut = 1; cut < whole.length; cut++) {
            int length = cut;
            assertThatThrownBy(() -> read(Arrays.copyOf(whole, length)))
                    .as("cut at %d of %d", cut, whole.length)
                    .isInstanceOf(OnnxFormatException.class)
                    .hasMessageContaining("ONNX model");
        }
        assertThatThrownBy(() -> read(Arrays.copyOf(whole, whole.length / 2)))
                .hasMessageContaining("ends in the middle of a protobuf field");
    }

    @Test
    void refusesWeightsWhosePayloadDisagreesWithTheirShape() {
        OnnxMl.TensorProto lying = floats("W", 3, 4).toBuilder().clearDims().addDims(300).addDims(4).build();
        OnnxMl.GraphProto graph = OnnxTestModels.linear().getGraph().toBuilder().setInitializer(0, lying).build();

        assertThatThrownBy(() -> read(model(graph, 8, 13)))
                .hasMessageContaining("tensor 'W' declares 1200 elements").hasMessageContaining("48 bytes");
    }

    @Test
    void refusesAGraphOfAMillionInputsAfterReadingOneMoreThanTheCap(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws IOException {
        java.nio.file.Path file = ManyInputsModel.write(dir.resolve("million.onnx"), 1_000_000);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();

        assertThatThrownBy(() -> reader.read(file))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("more than 10000 graph inputs")
                .hasMessageContaining("quantizer.models.onnx.max-inputs");

        // the refusal costs the cap's worth of inputs, not the file's million (which would allocate over 300 MB)
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated reading " + java.nio.file.Files.size(file) + " bytes")
                .isLessThan(64L << 20);
    }

    @Test
    void enforcesEachGraphLimitAndNamesIt() {
        OnnxLimits tight = new OnnxLimits(2, 1, 3, 2, 1, 16);
        OnnxMetadataReader strict = new OnnxMetadataReader(tight);
        OnnxMl.GraphProto.Builder base = OnnxMl.GraphProto.newBuilder()
                .addInput(value("x", FLOAT, 1L)).addOutput(value("y", FLOAT, 1L))
                .addNode(node("Relu", new String[] {"x"}, "y"));

        assertThatThrownBy(() -> strict.read(new ByteArrayInputStream(model(base.clone()
                .addInput(value("a", FLOAT, 1L)).addInput(value("b", FLOAT, 1L)).build(), 8, 13).toByteArray())))
                .hasMessageContaining("more than 2 graph inputs").hasMessageContaining("max-inputs");
        assertThatThrownBy(() -> strict.read(new ByteArrayInputStream(model(base.clone()
                .addOutput(value("z", FLOAT, 1L)).build(), 8, 13).toByteArray())))
                .hasMessageContaining("more than 1 graph outputs").hasMessageContaining("max-outputs");
        assertThatThrownBy(() -> strict.read(new ByteArrayInputStream(model(base.clone()
                .setInput(0, value("x", FLOAT, 1L, 1L, 1L, 1L)).build(), 8, 13).toByteArray())))
                .hasMessageContaining("'x' has 4 dimensions, more than 3").hasMessageContaining("max-dims");
        assertThatThrownBy(() -> strict.read(new ByteArrayInputStream(model(base.clone()
                .addNode(node("Relu", new String[] {"y"}, "z")).addNode(node("Relu", new String[] {"z"}, "w"))
                .build(), 8, 13).toByteArray())))
                .hasMessageContaining("more than 2 nodes").hasMessageContaining("max-nodes");
        assertThatThrownBy(() -> strict.read(new ByteArrayInputStream(model(base.clone()
                .addNode(node("Abs", new String[] {"y"}, "z")).build(), 8, 13).toByteArray())))
                .hasMessageContaining("more than 1 distinct operator types").hasMessageContaining("max-operator-types");
        assertThatThrownBy(() -> strict.read(new ByteArrayInputStream(model(base.clone()
                .setInput(0, value("a_longer_input_name", FLOAT, 1L)).build(), 8, 13).toByteArray())))
                .hasMessageContaining("19 bytes long, more than 16").hasMessageContaining("max-name-bytes");
        assertThatThrownBy(() -> strict.read(new ByteArrayInputStream(model(base.clone()
                .setInput(0, value("x", FLOAT, "batch_size_of_the_day")).build(), 8, 13).toByteArray())))
                .hasMessageContaining("dimension name is 21 bytes long");
    }

    @Test
    void refusesSubgraphsNestedTooDeeply() {
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().addOutput(value("y", FLOAT)).build();
        for (int level = 0; level < GraphWalker.MAX_GRAPH_DEPTH + 2; level++) {
            graph = OnnxMl.GraphProto.newBuilder()
                    .addNode(node("If", new String[] {"c"}, "y").addAttribute(graphAttribute("then_branch", graph)))
                    .addOutput(value("y", FLOAT)).build();
        }
        OnnxMl.ModelProto deep = model(graph, 8, 13);

        assertThatThrownBy(() -> read(deep)).hasMessageContaining("deeper than " + GraphWalker.MAX_GRAPH_DEPTH);
    }
}
