package io.quantizer.engine.onnx;

import static io.quantizer.engine.onnx.ModelBuilder.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.quantizer.engine.onnx.OrtTestRunner.Input;
import org.junit.jupiter.api.Test;

/** Raising opset 13 to 21 (uint16 Q/DQ): the rewrites keep the model computing the same values. */
class OpsetUpgraderTest {

    /** ReduceMean and ReduceMax with axes attributes (inputs from 18), a Split without sizes (num_outputs from 18). */
    private static ModelProto reductions() {
        return new ModelBuilder().opset(13).input("x", 2, 4, 6).output("m", 2, 1, 6).output("mx", 2, 4)
                .output("s0", 2, 2, 6).output("s1", 2, 2, 6)
                .node("mean", "ReduceMean", names("x"), names("m"), Attributes.ofInts("axes", List.of(1L)))
                .node("max", "ReduceMax", names("x"), names("mx"), Attributes.ofInts("axes", List.of(2L)),
                        Attributes.ofInt("keepdims", 0))
                .node("split", "Split", names("x"), names("s0", "s1"), Attributes.ofInt("axis", 1))
                .build();
    }

    @Test
    void opset13ModelsBecomeOpset21WithTheSameOutputs() throws Exception {
        ModelProto before = reductions();
        ModelProto after = OpsetUpgrader.upgrade(before, 21);

        assertThat(Opsets.defaultDomainVersion(after)).isEqualTo(21);
        assertThat(after.getIrVersion()).isGreaterThanOrEqualTo(10);
        assertThat(after.getGraph().getNode(0).getInputCount()).isEqualTo(2); // axes became an input
        assertThat(Attributes.getInt(after.getGraph().getNode(2), "num_outputs", -1)).isEqualTo(2);
        Map<String, Input> feed = Map.of("x", Input.random(5, -1f, 1f, 2, 4, 6));
        Map<String, float[]> expected = OrtTestRunner.run(before, feed);
        Map<String, float[]> actual = OrtTestRunner.run(after, feed);
        expected.forEach((name, values) -> assertThat(actual.get(name)).as(name).containsExactly(values));
    }

    @Test
    void olderModelsGoThroughOpset13AndOperatorsThatChangedMeaningAreRefused() throws Exception {
        ModelProto old = new ModelBuilder().opset(11).input("x", 2, 4).output("y", 4)
                .node("sq", "ReduceSum", names("x"), names("y"), Attributes.ofInts("axes", List.of(0L)),
                        Attributes.ofInt("keepdims", 0))
                .build();
        ModelProto upgraded = OpsetUpgrader.upgrade(old, 21);
        assertThat(Opsets.defaultDomainVersion(upgraded)).isEqualTo(21);
        Map<String, Input> feed = Map.of("x", Input.random(6, -1f, 1f, 2, 4));
        assertThat(OrtTestRunner.run(upgraded, feed).get("y")).containsExactly(OrtTestRunner.run(old, feed).get("y"));

        ModelProto groupNorm = new ModelBuilder().opset(18).input("x", 1, 4, 2).output("y", 1, 4, 2)
                .random("scale", 1, 1f, 2).random("bias", 2, 1f, 2)
                .node("gn", "GroupNormalization", names("x", "scale", "bias"), names("y"),
                        Attributes.ofInt("num_groups", 2))
                .build();
        assertThatThrownBy(() -> OpsetUpgrader.upgrade(groupNorm, 21))
                .isInstanceOf(OpsetUpgrader.UpgradeRefused.class).hasMessageContaining("GroupNormalization 'gn'");
    }
}
