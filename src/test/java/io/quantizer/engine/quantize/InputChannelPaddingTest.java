package io.quantizer.engine.quantize;

import static io.quantizer.engine.onnx.ModelBuilder.names;
import static io.quantizer.engine.quantize.QuantizeTestSupport.count;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.calibration.TensorRange;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.ModelBuilder;
import io.quantizer.engine.onnx.OrtTestRunner;
import io.quantizer.engine.onnx.OrtTestRunner.Input;
import io.quantizer.engine.recipe.QuantizationRecipe;

class InputChannelPaddingTest {

    /**
     * Convs on three inputs: grey (1 channel), RGB depthwise (group 3), RGBA (4 channels), and behind the RGBA one
     * a conv narrowing to 3 channels, then one reading those 3.
     */
    static ModelProto threeInputs() {
        return new ModelBuilder().input("grey", -1, 1, 6, 6).input("rgb", -1, 3, 6, 6).input("rgba", -1, 4, 6, 6)
                .output("g", -1, 5, 4, 4).output("d", -1, 3, 4, 4).output("n", -1, 2, 2, 2)
                .random("wg", 1, 0.5f, 5, 1, 3, 3).random("wd", 2, 0.5f, 3, 1, 3, 3).random("wa", 3, 0.5f, 3, 4, 3, 3)
                .random("wn", 4, 0.5f, 2, 3, 3, 3)
                .node("conv_grey", "Conv", names("grey", "wg"), names("g"))
                .node("conv_depthwise", "Conv", names("rgb", "wd"), names("d"), Attributes.ofInt("group", 3))
                .node("conv_rgba", "Conv", names("rgba", "wa"), names("a"))
                .node("conv_narrow", "Conv", names("a", "wn"), names("n"))
                .build();
    }

    @Test
    void groupOneConvsWithChannelsShortOfAMultipleOfFourArePadded() throws Exception {
        Map<String, Input> sample = Map.of("grey", Input.random(1, -1f, 1f, 2, 1, 6, 6),
                "rgb", Input.random(2, -1f, 1f, 2, 3, 6, 6), "rgba", Input.random(3, -1f, 1f, 2, 4, 6, 6));
        QuantizationOutcome outcome = QuantizeTestSupport.quantize(threeInputs(), QuantizationRecipe.defaults(),
                List.of(sample));
        ModelProto int8 = outcome.model();

        assertThat(count(int8, "Pad")).isEqualTo(2);
        NodeProto pad = int8.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Pad")).findFirst()
                .orElseThrow();
        assertThat(weightDims(int8, "conv_narrow")).containsExactly(2L, 4L, 3L, 3L);
        NodeProto quantize = QuantizeTestSupport.producerOf(int8, pad.getInput(0));
        assertThat(quantize.getOpType()).isEqualTo("QuantizeLinear");
        assertThat(quantize.getInput(0)).isEqualTo("grey");
        assertThat(pad.getInput(2)).as("pads with the zero point").isEqualTo(quantize.getInput(2));
        assertThat(int8.getGraph().getNodeList()).filteredOn(n -> n.getInputList().contains(pad.getOutput(0)))
                .extracting(NodeProto::getOpType).containsExactly("DequantizeLinear");
        assertThat(weightDims(int8, "conv_grey")).containsExactly(5L, 4L, 3L, 3L);
        assertThat(weightDims(int8, "conv_depthwise")).containsExactly(3L, 1L, 3L, 3L);
        assertThat(weightDims(int8, "conv_rgba")).containsExactly(3L, 4L, 3L, 3L);
        assertThat(outcome.notes()).anySatisfy(n -> assertThat(n).contains("conv_grey").contains("from 1 to 4"));
        assertThat(QuantizeTestSupport.cosines(threeInputs(), int8, sample).values()).allMatch(c -> c > 0.999);
    }

    @Test
    void oneDimensionalConvolutionsAreLeftAlone() throws Exception {
        ModelProto audio = new ModelBuilder().input("wave", -1, 1, 64).output("bank", -1, 8, 57)
                .random("filters", 9, 0.5f, 8, 1, 8)
                .node("filter_bank", "Conv", names("wave", "filters"), names("bank"))
                .build();
        QuantizationOutcome outcome = QuantizeTestSupport.quantize(audio, QuantizationRecipe.defaults(),
                List.of(Map.of("wave", Input.random(4, -1f, 1f, 2, 1, 64))));

        assertThat(count(outcome.model(), "Pad")).isZero();
        assertThat(weightDims(outcome.model(), "filter_bank")).containsExactly(8L, 1L, 8L);
    }

    @Test
    void paddingLeavesTheOutputBitForBitTheSame() throws Exception {
        ModelProto fp32 = CnnQuantizationTest.cnn(); // x has 3 channels
        QdqQuantizer quantizer = new QdqQuantizer(QuantizationRecipe.defaults());
        List<Map<String, Input>> samples = QuantizeTestSupport.samples("x", 8, -1f, 1f, 2, 3, 8, 8);
        Map<String, TensorRange> ranges = QuantizeTestSupport.minMax(fp32, quantizer.tensorsToCalibrate(fp32),
                samples);
        ModelProto padded = quantizer.quantize(fp32, ranges, true).model();
        ModelProto plain = quantizer.quantize(fp32, ranges, false).model();
        assertThat(count(padded, "Pad")).isEqualTo(1);
        assertThat(count(plain, "Pad")).isZero();

        Map<String, Input> sample = Map.of("x", Input.random(77, -1f, 1f, 4, 3, 8, 8));
        float[] a = OrtTestRunner.run(padded, sample).get("y");
        float[] b = OrtTestRunner.run(plain, sample).get("y");
        // the padded channels hold the input's zero point and the weights' zero point: they add exactly 0
        assertThat(a).containsExactly(b);
    }

    private static List<Long> weightDims(ModelProto model, String conv) {
        NodeProto node = model.getGraph().getNodeList().stream().filter(n -> n.getName().equals(conv)).findFirst()
                .orElseThrow();
        String quantizedWeight = QuantizeTestSupport.producerOf(model, node.getInput(1)).getInput(0);
        TensorProto weight = model.getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals(quantizedWeight)).findFirst().orElseThrow();
        return weight.getDimsList();
    }
}
