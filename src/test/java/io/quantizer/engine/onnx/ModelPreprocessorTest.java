package io.quantizer.engine.onnx;

import static io.quantizer.engine.onnx.ModelBuilder.names;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.quantizer.engine.onnx.OrtTestRunner.Input;
import io.quantizer.engine.recipe.QuantizationRecipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPreprocessorTest {

    private static final QuantizationRecipe PER_CHANNEL = QuantizationRecipe.defaults();
    private static final QuantizationRecipe PER_TENSOR =
            new QuantizationRecipe(null, null, null, null, false, null, null, null, null).withDefaults();

    @TempDir
    Path dir;

    private final ModelPreprocessor preprocessor = new ModelPreprocessor();

    @Test
    void ir3InitializerInputsAreDroppedSoBatchNormFoldsIntoConv() throws Exception {
        ModelBuilder b = new ModelBuilder().ir(3).opset(7).input("x", 1, 2, 5, 5).output("y", 1, 3, 5, 5)
                .random("w", 1, 0.5f, 3, 2, 3, 3)
                .floats("scale", new long[] {3}, new float[] {1.5f, 0.5f, 2f})
                .floats("bias", new long[] {3}, new float[] {0.1f, -0.2f, 0.3f})
                .floats("mean", new long[] {3}, new float[] {0.2f, 0.1f, -0.4f})
                .floats("var", new long[] {3}, new float[] {1.2f, 0.7f, 2.5f})
                .node("Conv", names("x", "w"), names("c"), Attributes.ofInts("pads", List.of(1L, 1L, 1L, 1L)))
                .node("BatchNormalization", names("c", "scale", "bias", "mean", "var"), names("y"));
        for (var init : b.graph().getInitializerList()) {
            b.graph().addInput(ModelBuilder.valueInfo(init.getName(), 1,
                    init.getDimsList().stream().mapToLong(Long::longValue).toArray()));
        }
        ModelProto original = b.build();
        PreparedModel prepared = prepare(original, PER_TENSOR);

        assertThat(prepared.model().getGraph().getInputList()).extracting(ValueInfoProto::getName).containsExactly("x");
        assertThat(opTypes(prepared.model())).containsExactly("Conv");
        assertThat(prepared.notes()).anyMatch(n -> n.contains("initializer(s) from the graph inputs"));
        assertSameOutputs(original, prepared.model(), Map.of("x", Input.random(3, -1, 1, 1, 2, 5, 5)));
    }

    @Test
    void constantNodeWeightsBecomeInitializers() {
        ModelProto model = new ModelBuilder().input("x", 1, 4).output("y", 1, 2)
                .rawNode(NodeProto.newBuilder().setOpType("Constant").setName("const_w").addOutput("w")
                        .addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("value")
                                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.TENSOR)
                                .setT(TensorData.floatTensor("", new long[] {4, 2}, new float[8])))
                        .build())
                .node("MatMul", names("x", "w"), names("y")).build();
        List<String> notes = new java.util.ArrayList<>();
        ModelProto moved = GraphCleanup.constantsToInitializers(model, notes);

        assertThat(opTypes(moved)).containsExactly("MatMul");
        assertThat(new GraphIndex(moved.getGraph()).constant("w")).isNotNull();
        assertThat(TensorData.dims(new GraphIndex(moved.getGraph()).constant("w"))).containsExactly(4, 2);
        assertThat(notes).containsExactly("moved 1 Constant node value(s) into initializers");
    }

    @Test
    void perChannelRecipeUpgradesOldOpsetRewritingAttributesThatBecameInputs() throws Exception {
        ModelProto original = new ModelBuilder().ir(4).opset(9).input("x", 1, 2, 4, 4).output("y")
                .node("Clip", names("x"), names("c"), Attributes.ofFloat("min", -0.5f), Attributes.ofFloat("max", 0.7f))
                .node("Pad", names("c"), names("p"), Attributes.ofInts("pads", List.of(0L, 0L, 1L, 1L, 0L, 0L, 1L, 1L)),
                        Attributes.ofFloat("value", 0.25f))
                .node("Slice", names("p"), names("s"), Attributes.ofInts("starts", List.of(1L)),
                        Attributes.ofInts("ends", List.of(5L)), Attributes.ofInts("axes", List.of(2L)))
                .node("Unsqueeze", names("s"), names("u"), Attributes.ofInts("axes", List.of(0L)))
                .node("Squeeze", names("u"), names("q"), Attributes.ofInts("axes", List.of(0L)))
                .node("ReduceSum", names("q"), names("r"), Attributes.ofInts("axes", List.of(3L)))
                .node("Softmax", names("r"), names("y"), Attributes.ofInt("axis", 1))
                .build();
        PreparedModel prepared = prepare(original, PER_CHANNEL);

        assertThat(Opsets.defaultDomainVersion(prepared.model())).isEqualTo(13);
        assertThat(prepared.notes()).anyMatch(n -> n.contains("from 9 to 13"));
        assertSameOutputs(original, prepared.model(), Map.of("x", Input.random(5, -2, 2, 1, 2, 4, 4)));
    }

    @Test
    void modelThatCannotBeUpgradedFallsBackToPerTensorAndSaysWhy() throws Exception {
        // Scan is refused by the upgrader (its batch semantics changed at 9); the model still prepares as it is
        ModelProto body = new ModelBuilder().input("s_in", 2).input("x_in", 2).output("s_out", 2).output("y_out", 2)
                .node("Add", names("s_in", "x_in"), names("s_out"))
                .node("Identity", names("s_out"), names("y_out")).build();
        ModelProto original = new ModelBuilder().opset(9).input("state", 2).input("xs", 3, 2).output("final")
                .output("ys").node("scan", "Scan", names("state", "xs"), names("final", "ys"),
                        Attributes.ofInt("num_scan_inputs", 1),
                        ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("body")
                                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.GRAPH)
                                .setG(body.getGraph()).build())
                .build();
        PreparedModel prepared = prepare(original, PER_CHANNEL);
        assertThat(Opsets.defaultDomainVersion(prepared.model())).isEqualTo(9);
        assertThat(prepared.notes()).anyMatch(n -> n.contains("cannot be upgraded") && n.contains("Scan")
                && n.contains("nothing can be quantized"));
    }

    @Test
    void perTensorRecipeKeepsAnOpsetThatHasQuantizeLinear() throws Exception {
        ModelProto original = new ModelBuilder().opset(11).input("x", 1, 3).output("y")
                .node("Relu", names("x"), names("y"))
                .build();
        PreparedModel prepared = prepare(original, PER_TENSOR);
        assertThat(Opsets.defaultDomainVersion(prepared.model())).isEqualTo(11);
        assertThat(prepared.notes()).noneMatch(n -> n.contains("opset"));
    }

    @Test
    void perTensorRecipeStillUpgradesAnOpsetWithoutQuantizeLinear() throws Exception {
        ModelProto original = new ModelBuilder().opset(9).input("x", 1, 3).output("y")
                .node("Clip", names("x"), names("y"), Attributes.ofFloat("min", 0f), Attributes.ofFloat("max", 1f))
                .build();
        PreparedModel prepared = prepare(original, PER_TENSOR);
        assertThat(Opsets.defaultDomainVersion(prepared.model())).isEqualTo(13);
        assertThat(prepared.notes()).anyMatch(n -> n.contains("QuantizeLinear"));
    }

    @Test
    void experimentalImageScalerCropAndAffineAreRewrittenWhenUpgrading() throws Exception {
        ModelProto original = new ModelBuilder().ir(3).opset(7).input("x", 1, 2, 6, 6).output("y")
                .node("ImageScaler", names("x"), names("a"), Attributes.ofFloat("scale", 0.5f),
                        ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("bias")
                                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.FLOATS)
                                .addFloats(1f).addFloats(-2f).build())
                .node("Crop", names("a"), names("b"), Attributes.ofInts("border", List.of(1L, 2L, 1L, 0L)))
                .node("Affine", names("b"), names("y"), Attributes.ofFloat("alpha", 3f), Attributes.ofFloat("beta", 0.5f))
                .build();
        PreparedModel prepared = prepare(original, PER_CHANNEL);

        assertThat(opTypes(prepared.model())).doesNotContain("ImageScaler", "Crop", "Affine");
        assertThat(Opsets.defaultDomainVersion(prepared.model())).isEqualTo(13);
        assertSameOutputs(original, prepared.model(), Map.of("x", Input.random(7, -1, 1, 1, 2, 6, 6)));
    }

    @Test
    void staleFixedBatchOfAnOutputIsMadeDynamic() throws Exception {
        ModelProto original = new ModelBuilder().input("x", -1, 3).output("y", 128, 3)
                .node("Relu", names("x"), names("y")).build();
        PreparedModel prepared = prepare(original, PER_CHANNEL);
        var dim = prepared.model().getGraph().getOutput(0).getType().getTensorType().getShape().getDim(0);
        assertThat(dim.hasDimValue()).isFalse();
        assertThat(prepared.notes()).anyMatch(n -> n.contains("stale fixed batch"));
    }

    @Test
    void everyCorpusModelPreparesAndLoads() throws Exception {
        Path models = CorpusModels.dir();
        for (Path file : CorpusModels.list(models)) {
            PreparedModel prepared = preprocessor.prepare(file, PER_CHANNEL, dir.resolve(file.getFileName().toString()));
            assertThat(prepared.path()).exists();
            assertThat(opTypes(prepared.model())).as(file.getFileName().toString())
                    .doesNotContain("BatchNormalization", "ImageScaler", "Crop", "Affine", "Constant");
            assertThat(Opsets.defaultDomainVersion(prepared.model())).as(file.getFileName().toString())
                    .isGreaterThanOrEqualTo(13);
        }
    }

    private PreparedModel prepare(ModelProto model, QuantizationRecipe recipe) throws Exception {
        Path file = dir.resolve("in-" + System.nanoTime() + ".onnx");
        OnnxModels.save(model, file);
        return preprocessor.prepare(file, recipe, dir.resolve("work-" + System.nanoTime()));
    }

    static List<String> opTypes(ModelProto model) {
        return model.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    }

    private static void assertSameOutputs(ModelProto a, ModelProto b, Map<String, Input> inputs) throws Exception {
        Map<String, float[]> expected = OrtTestRunner.run(a, inputs);
        Map<String, float[]> actual = OrtTestRunner.run(b, inputs);
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (String name : expected.keySet()) {
            assertThat(actual.get(name)).as(name).hasSameSizeAs(expected.get(name));
            assertThat(OrtTestRunner.maxAbsDiff(expected.get(name), actual.get(name))).as(name).isLessThan(1e-4f);
        }
    }

    @Test
    void truncatedOrForeignFilesAreRejectedWhileParsing() throws Exception {
        Path garbage = dir.resolve("garbage.onnx");
        Files.write(garbage, new byte[] {(byte) 0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 1, 2});
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OnnxModels.load(garbage))
                .isInstanceOf(java.io.IOException.class);
        Path empty = dir.resolve("empty.onnx");
        Files.write(empty, new byte[0]);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OnnxModels.load(empty))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("no graph");
    }
}
