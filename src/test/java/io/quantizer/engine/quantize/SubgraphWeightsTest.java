package io.quantizer.engine.quantize;

import static io.quantizer.engine.onnx.ModelBuilder.names;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.ModelBuilder;
import io.quantizer.engine.onnx.OrtTestRunner.Input;
import io.quantizer.engine.recipe.QuantizationRecipe;
import org.junit.jupiter.api.Test;

class SubgraphWeightsTest {

    /** If with two branches that each hold a copy of the same 64x32 MatMul weight (as ORT's folding leaves them). */
    private static ModelProto branchesWithCopiedWeights() {
        GraphProto thenBranch = new ModelBuilder().random("w_then", 5, 0.2f, 64, 32).output("t")
                .node("then_mm", "MatMul", names("x", "w_then"), names("t")).graph().build();
        GraphProto elseBranch = new ModelBuilder().random("w_else", 5, 0.2f, 64, 32).output("e")
                .node("else_mm", "MatMul", names("x", "w_else"), names("e0"))
                .node("else_neg", "Neg", names("e0"), names("e")).graph().build();
        return new ModelBuilder().input("x", 2, 64).output("y")
                .floats("limit", new long[0], new float[] {-100f})
                .node("mean", "ReduceMean", names("x"), names("mu"), Attributes.ofInt("keepdims", 0))
                .node("cond", "Greater", names("mu", "limit"), names("c"))
                .node("branch", "If", names("c"), names("y"),
                        AttributeProto.newBuilder().setName("then_branch").setType(AttributeProto.AttributeType.GRAPH)
                                .setG(thenBranch).build(),
                        AttributeProto.newBuilder().setName("else_branch").setType(AttributeProto.AttributeType.GRAPH)
                                .setG(elseBranch).build())
                .build();
    }

    @Test
    void identicalSubgraphWeightsAreStoredOnceAsInt8AndStillComputeTheSame() throws Exception {
        ModelProto fp32 = branchesWithCopiedWeights();
        QuantizationOutcome outcome = QuantizeTestSupport.quantize(fp32, QuantizationRecipe.defaults(),
                QuantizeTestSupport.samples("x", 2, -1f, 1f, 2, 64));
        ModelProto int8 = outcome.model();

        assertThat(outcome.tensors()).filteredOn(t -> t.kind().equals("weight")).singleElement()
                .satisfies(t -> assertThat(t.axis()).isEqualTo(1));
        assertThat(outcome.notes()).anyMatch(n -> n.contains("inside subgraphs"));
        NodeProto branch = int8.getGraph().getNodeList().stream().filter(n -> n.getName().equals("branch")).findFirst()
                .orElseThrow();
        for (AttributeProto a : branch.getAttributeList()) {
            assertThat(a.getG().getInitializerList()).isEmpty();
            assertThat(a.getG().getNode(0).getOpType()).isEqualTo("Identity");
        }
        assertThat(int8.getSerializedSize()).isLessThan(fp32.getSerializedSize() / 5);
        Map<String, Double> cosines = QuantizeTestSupport.cosines(fp32, int8, Map.of("x", Input.random(3, -1f, 1f, 2, 64)));
        assertThat(cosines.get("y")).isGreaterThan(0.999);
    }
}
