package io.quantizer.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import ai.onnx.proto.OnnxMl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The metadata reader against the real models in ../shared/corpus (skipped when the corpus is absent). */
class OnnxCorpusTest {

    private static final Path MODELS =
            Path.of(System.getProperty("quantizer.test.shared-dir", "../shared"), "corpus", "models");

    private final OnnxMetadataReader reader = new OnnxMetadataReader();

    @BeforeAll
    static void corpusPresent() {
        assumeThat(MODELS).isDirectory();
    }

    static Stream<Path> corpusModels() throws IOException {
        if (!Files.isDirectory(MODELS)) {
            return Stream.of();
        }
        try (Stream<Path> files = Files.list(MODELS)) {
            return files.filter(p -> p.toString().endsWith(".onnx")).sorted().toList().stream();
        }
    }

    /** The wire-level walk must agree with a full parse by the generated classes (fine for these small files). */
    @ParameterizedTest
    @MethodSource("corpusModels")
    void agreesWithAFullProtobufParse(Path file) throws IOException {
        OnnxModelInfo info = reader.read(file);
        OnnxMl.ModelProto model;
        try (InputStream in = Files.newInputStream(file)) {
            model = OnnxMl.ModelProto.parseFrom(in);
        }
        Counts expected = new Counts();
        expected.graph(model.getGraph());

        assertThat(info.parameterCount()).isEqualTo(expected.parameters);
        assertThat(info.operatorCounts()).isEqualTo(expected.operators);
        assertThat(info.irVersion()).isEqualTo(model.getIrVersion());
        assertThat(info.outputs()).hasSize(model.getGraph().getOutputCount());
        assertThat(info.parameterCount()).isPositive();
    }

    @Test
    void ir3ModelsListOnlyRealInputs() throws IOException {
        OnnxModelInfo mnist = reader.read(MODELS.resolve("mnist-7_cntk.onnx"));

        assertThat(mnist.irVersion()).isEqualTo(3);
        assertThat(mnist.inputs()).containsExactly(
                new TensorSignature("Input3", "float32", List.of(1L, 1L, 28L, 28L), null));
        assertThat(mnist.outputs()).extracting(TensorSignature::name).containsExactly("Plus214_Output_0");
        assertThat(mnist.outputs().get(0).shape()).containsExactly(1L, 10L);
    }

    @Test
    void dynamicBatchDimensionsAreMinusOne() throws IOException {
        OnnxModelInfo fmnist = reader.read(MODELS.resolve("fmnist_cnn.onnx"));

        assertThat(fmnist.inputs()).hasSize(1);
        TensorSignature input = fmnist.inputs().get(0);
        assertThat(input.name()).isEqualTo("input");
        assertThat(input.elementType()).isEqualTo("float32");
        assertThat(input.shape()).containsExactly(-1L, 1L, 28L, 28L);
        assertThat(input.dimNames()).isNotNull().first().isNotNull();
        assertThat(fmnist.outputs()).extracting(TensorSignature::name).containsExactly("logits");
        assertThat(fmnist.opsets()).containsEntry("ai.onnx", 13L);
        assertThat(fmnist.operatorCounts()).containsKeys("Conv", "Gemm");
    }

    @Test
    void sileroVadCountsWeightsInsideItsIfBranchesToo() throws IOException {
        Path file = MODELS.resolve("silero_vad_16k_op15.onnx");
        OnnxModelInfo silero = reader.read(file);

        assertThat(silero.inputs()).extracting(TensorSignature::name).containsExactly("input", "state", "sr");
        assertThat(silero.inputs().get(2)).isEqualTo(new TensorSignature("sr", "int64", List.of(), null));
        assertThat(silero.inputs().get(1).shape()).containsExactly(2L, -1L, 128L);
        assertThat(silero.operatorCounts()).containsKey("If").containsKey("LSTM");

        OnnxMl.ModelProto model;
        try (InputStream in = Files.newInputStream(file)) {
            model = OnnxMl.ModelProto.parseFrom(in);
        }
        Counts topLevelOnly = new Counts();
        topLevelOnly.nodesAndInitializers(model.getGraph(), false);
        // this export keeps the LSTM/conv weights in top-level initializers that the If branches read from the
        // outer scope; the branches themselves hold one float weight (a ConstantOfShape fill value)
        assertThat(silero.parameterCount()).isEqualTo(topLevelOnly.parameters + 1).isEqualTo(309_636);
        // nearly all of the file is float weights: nothing big was missed
        assertThat(silero.parameterCount() * 4).isGreaterThan(Files.size(file) * 9 / 10);
    }

    /** An independent count over fully parsed protobuf objects. */
    private static final class Counts {
        long parameters;
        final Map<String, Long> operators = new TreeMap<>();

        void graph(OnnxMl.GraphProto graph) {
            nodesAndInitializers(graph, true);
        }

        void nodesAndInitializers(OnnxMl.GraphProto graph, boolean recurse) {
            graph.getInitializerList().forEach(this::tensor);
            graph.getSparseInitializerList().forEach(s -> tensor(s.getValues()));
            for (OnnxMl.NodeProto node : graph.getNodeList()) {
                String domain = node.getDomain();
                boolean standard = domain.isEmpty() || domain.equals("ai.onnx");
                operators.merge(standard ? node.getOpType() : domain + ":" + node.getOpType(), 1L, Long::sum);
                for (OnnxMl.AttributeProto attribute : node.getAttributeList()) {
                    if (attribute.hasT()) {
                        tensor(attribute.getT());
                    }
                    attribute.getTensorsList().forEach(this::tensor);
                    if (standard && node.getOpType().equals("Constant")
                            && attribute.getName().startsWith("value_float")) {
                        parameters += attribute.hasF() ? 1 : attribute.getFloatsCount();
                    }
                    if (recurse) {
                        if (attribute.hasG()) {
                            graph(attribute.getG());
                        }
                        attribute.getGraphsList().forEach(this::graph);
                    }
                }
            }
        }

        private void tensor(OnnxMl.TensorProto tensor) {
            if (OnnxElementType.isFloatingPoint(tensor.getDataType())) {
                parameters += tensor.getDimsList().stream().reduce(1L, Math::multiplyExact);
            }
        }
    }

    @Test
    void everyCorpusModelHasInputsWithNumpyTypes() throws IOException {
        for (Path file : corpusModels().toList()) {
            OnnxModelInfo info = reader.read(file);
            assertThat(info.inputs()).as(file.toString()).isNotEmpty();
            assertThat(info.inputs()).as(file.toString()).allSatisfy(input ->
                    assertThat(Arrays.asList("float32", "int64")).contains(input.elementType()));
        }
    }
}
