package io.quantizer.engine.onnx;

import static io.quantizer.engine.onnx.ModelBuilder.names;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.quantizer.engine.onnx.OrtTestRunner.Input;
import org.junit.jupiter.api.Test;

class GemmBiasSplitTest {

    private static final Map<String, Input> SAMPLE = Map.of("a", Input.random(3, -1f, 1f, 3, 4));

    private static ModelBuilder base() {
        return new ModelBuilder().input("a", 3, 4).output("y").random("b", 1, 0.5f, 4, 5);
    }

    @Test
    void aMatrixCWithBetaBecomesAnAddOfTheScaledConstant() throws Exception {
        ModelProto model = base().random("c", 2, 0.5f, 3, 5).node("gemm", "Gemm", names("a", "b", "c"), names("y"),
                Attributes.ofFloat("alpha", 0.5f), Attributes.ofFloat("beta", 2f)).build();
        ModelProto split = split(model, "Gemm", "Add");
        NodeProto gemm = split.getGraph().getNode(0);
        assertThat(gemm.getInputList()).containsExactly("a", "b");
        assertThat(Attributes.getFloat(gemm, "alpha", 1f)).isEqualTo(0.5f);
        assertThat(Attributes.find(gemm, "beta")).isEmpty();
    }

    @Test
    void anActivationCIsAddedAfterScalingByBeta() throws Exception {
        ModelProto model = base().random("w", 3, 0.5f, 4, 5)
                .node("side", "MatMul", names("a", "w"), names("c"))
                .node("gemm", "Gemm", names("a", "b", "c"), names("y"), Attributes.ofFloat("beta", 0.25f)).build();
        split(model, "MatMul", "Gemm", "Mul", "Add");
    }

    @Test
    void aPlainBiasOrAnActivationBStaysAsItIs() {
        ModelProto plain = base().random("c", 2, 0.5f, 5).node("gemm", "Gemm", names("a", "b", "c"), names("y")).build();
        ModelProto activationB = new ModelBuilder().input("a", 3, 4).input("b", 4, 5).output("y").random("c", 2, 0.5f, 3, 5)
                .node("gemm", "Gemm", names("a", "b", "c"), names("y")).build();
        for (ModelProto model : List.of(plain, activationB)) {
            assertThat(GemmBiasSplit.apply(model, new ArrayList<>())).isSameAs(model);
        }
    }

    @Test
    void onnxRuntimesBasicOptimisationsKeepTheSplit(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        ModelProto model = base().random("c", 2, 0.5f, 3, 5).node("gemm", "Gemm", names("a", "b", "c"), names("y")).build();
        java.nio.file.Path file = dir.resolve("gemm.onnx");
        OnnxModels.save(model, file);
        PreparedModel prepared = new ModelPreprocessor().prepare(file,
                io.quantizer.engine.recipe.QuantizationRecipe.defaults(), dir.resolve("work"));
        assertThat(prepared.model().getGraph().getNodeList()).extracting(NodeProto::getOpType)
                .containsExactly("Gemm", "Add");
        assertThat(prepared.notes()).anyMatch(n -> n.contains("split the C input of 1 Gemm"));
    }

    private static ModelProto split(ModelProto model, String... ops) throws Exception {
        List<String> notes = new ArrayList<>();
        ModelProto split = GemmBiasSplit.apply(model, notes);
        assertThat(split.getGraph().getNodeList()).extracting(NodeProto::getOpType).containsExactly(ops);
        assertThat(notes).anyMatch(n -> n.contains("1 Gemm"));
        assertThat(OrtTestRunner.maxAbsDiff(OrtTestRunner.run(model, SAMPLE).get("y"),
                OrtTestRunner.run(split, SAMPLE).get("y"))).isLessThan(1e-5f);
        return split;
    }
}
