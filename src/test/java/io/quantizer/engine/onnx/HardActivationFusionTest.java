package io.quantizer.engine.onnx;

import static io.quantizer.engine.onnx.ModelBuilder.names;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.quantizer.engine.onnx.OrtTestRunner.Input;
import org.junit.jupiter.api.Test;

class HardActivationFusionTest {

    private static final Map<String, Input> SAMPLE = Map.of("x", Input.random(5, -8f, 8f, 1, 4, 5, 5));

    /** x -> the chain written by {@code chain} (reading "x", writing "y"), with the usual constants. */
    private static ModelProto model(long opset, Consumer<ModelBuilder> chain) {
        ModelBuilder b = new ModelBuilder().opset(opset).input("x", 1, 4, 5, 5).output("y")
                .floats("three", new long[0], new float[] {3f}).floats("zero", new long[0], new float[] {0f})
                .floats("six", new long[0], new float[] {6f}).floats("sixth", new long[] {1}, new float[] {1f / 6f});
        chain.accept(b);
        return b.build();
    }

    private static void hardswishDividedLast(ModelBuilder b) {
        b.node("add", "Add", names("x", "three"), names("a")).node("clip", "Clip", names("a", "zero", "six"), names("c"))
                .node("mul", "Mul", names("x", "c"), names("m")).node("div", "Div", names("m", "six"), names("y"));
    }

    private static List<String> fused(ModelProto model, String... expectedOps) throws Exception {
        List<String> notes = new ArrayList<>();
        ModelProto fused = HardActivationFusion.apply(model, notes);
        assertThat(fused.getGraph().getNodeList()).extracting(NodeProto::getOpType).containsExactly(expectedOps);
        float[] expected = OrtTestRunner.run(model, SAMPLE).get("y");
        float[] actual = OrtTestRunner.run(fused, SAMPLE).get("y");
        assertThat(OrtTestRunner.maxAbsDiff(expected, actual)).isLessThan(1e-5f);
        return notes;
    }

    @Test
    void decomposedHardswishBecomesOneHardSwishFromOpset14() throws Exception {
        List<String> notes = fused(model(14, HardActivationFusionTest::hardswishDividedLast), "HardSwish");
        assertThat(notes).anyMatch(n -> n.contains("1 decomposed hardswish"));
    }

    @Test
    void everyWrittenFormOfHardswishIsRecognised() throws Exception {
        // x * relu6(x + 3) * (1/6), constant first
        fused(model(14, b -> b.node("add", "Add", names("three", "x"), names("a"))
                .node("clip", "Clip", names("a", "zero", "six"), names("c"))
                .node("mul", "Mul", names("c", "x"), names("m")).node("scale", "Mul", names("sixth", "m"), names("y"))),
                "HardSwish");
        // x * (clip(x + 3, 0, 6) / 6)
        fused(model(14, b -> b.node("add", "Add", names("x", "three"), names("a"))
                .node("clip", "Clip", names("a", "zero", "six"), names("c"))
                .node("div", "Div", names("c", "six"), names("h")).node("mul", "Mul", names("x", "h"), names("y"))),
                "HardSwish");
        // x * HardSigmoid(x) with alpha 1/6
        fused(model(14, b -> b.node("hs", "HardSigmoid", names("x"), names("h"), Attributes.ofFloat("alpha", 1f / 6f))
                .node("mul", "Mul", names("h", "x"), names("y"))), "HardSwish");
        // alpha as exporters print 1/6 (0.1666667, a few float steps away): the same function within 1e-5
        fused(model(14, b -> b.node("hs", "HardSigmoid", names("x"), names("h"), Attributes.ofFloat("alpha", 0.1666667f))
                .node("mul", "Mul", names("h", "x"), names("y"))), "HardSwish");
        // the opset-6 Clip with attributes
        fused(model(10, b -> b.node("add", "Add", names("x", "three"), names("a"))
                .node("clip", "Clip", names("a"), names("c"), Attributes.ofFloat("min", 0f), Attributes.ofFloat("max", 6f))
                .node("div", "Div", names("c", "six"), names("y"))), "HardSigmoid");
    }

    @Test
    void belowOpset14HardswishBecomesHardSigmoidTimesX() throws Exception {
        fused(model(13, HardActivationFusionTest::hardswishDividedLast), "HardSigmoid", "Mul");
    }

    @Test
    void inexactConstantsOrSharedIntermediatesAreLeftAlone() {
        List<ModelProto> untouched = List.of(
                model(14, b -> b.floats("almost", new long[0], new float[] {3.0001f})
                        .node("add", "Add", names("x", "almost"), names("a"))
                        .node("clip", "Clip", names("a", "zero", "six"), names("c"))
                        .node("div", "Div", names("c", "six"), names("y"))),
                model(14, b -> b.node("add", "Add", names("x", "three"), names("a"))
                        .node("clip", "Clip", names("a", "zero", "three"), names("c"))
                        .node("div", "Div", names("c", "six"), names("y"))),
                model(14, b -> b.node("hs", "HardSigmoid", names("x"), names("h"), Attributes.ofFloat("alpha", 0.2f))
                        .node("mul", "Mul", names("h", "x"), names("y"))),
                model(14, b -> {
                    hardswishDividedLast(b);
                    b.output("c");
                }));
        for (ModelProto model : untouched) {
            List<String> notes = new ArrayList<>();
            assertThat(HardActivationFusion.apply(model, notes)).isSameAs(model);
            assertThat(notes).isEmpty();
        }
    }
}
