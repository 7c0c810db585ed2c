package io.quantizer.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.onnx.DecoderModels;
import io.quantizer.engine.onnx.ExternalData;
import io.quantizer.engine.onnx.OnnxModels;
import io.quantizer.engine.onnx.TensorData;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.report.Summary;

/**
 * Models in ONNX external-data form through the engine: weights stay in their files as references, the
 * quantized model is written with its own data file, and ONNX Runtime evaluates both from files.
 */
class ExternalDataPipelineTest {

    private static final DecoderModels.Shape SMALL = new DecoderModels.Shape(2048, 128, 512, 2);

    @TempDir
    Path dir;

    @Test
    void aDecoderWithExternalDataIsQuantizedAndEvaluatedFromFiles() throws Exception {
        Path model = DecoderModels.write(dir.resolve("in"), SMALL, 7);
        Path calibration = new TestData().longs("input_ids", DecoderModels.tokenIds(16, 8, SMALL.vocab(), 1), 16, 8)
                .write(dir.resolve("calib.npz"));
        Path out = dir.resolve("out/model.int8.onnx");

        Summary s = new QuantizationPipeline(QuantizationRecipe.defaults(),
                QuantizationPipelineTest.FAST.withoutLatency())
                .run(new QuantizationPipeline.Inputs(model, calibration, null, out, dir.resolve("work")),
                        (stage, f) -> { }).summary();

        Path data = out.resolveSibling("model.int8.onnx.data");
        assertThat(OnnxModels.files(out)).containsExactly(out, data);
        assertThat(Files.size(out)).as("the .onnx holds the graph, not the weights").isLessThan(64 * 1024);
        ModelProto written = ModelProto.parseFrom(Files.readAllBytes(out));
        assertThat(written.getGraph().getInitializerList()).filteredOn(ExternalData::isExternal)
                .isNotEmpty()
                .allSatisfy(t -> assertThat(t.getExternalDataList()).anySatisfy(e -> {
                    assertThat(e.getKey()).isEqualTo("location");
                    assertThat(e.getValue()).isEqualTo("model.int8.onnx.data");
                }));
        assertThat(written.getGraph().getNodeList()).anySatisfy(n -> assertThat(n.getOpType()).isEqualTo("DequantizeLinear"));
        assertThat(s.nodes().quantized()).anySatisfy(n -> assertThat(n).contains("MatMul"));
        assertThat(s.evaluation().outputs().get(0).cosine()).isGreaterThanOrEqualTo(0.99);
        assertThat(s.evaluation().fp32().sizeBytes()).isEqualTo(Files.size(model)
                + Files.size(model.resolveSibling(DecoderModels.EMBEDDING_FILE))
                + Files.size(model.resolveSibling(DecoderModels.WEIGHTS_FILE)));
        assertThat(s.evaluation().quantized().sizeBytes()).isEqualTo(Files.size(out) + Files.size(data))
                .isLessThan(s.evaluation().fp32().sizeBytes() / 3);
    }

    @Test
    void loadedWeightsAreReadFromTheirFileNotFromTheProto() throws Exception {
        Path model = DecoderModels.write(dir, SMALL, 3);
        ModelProto loaded = OnnxModels.load(model);
        TensorProto embed = loaded.getGraph().getInitializer(0);
        assertThat(embed.getRawData().isEmpty()).isTrue();
        assertThat(TensorData.floats(embed)).hasSize(SMALL.vocab() * SMALL.hidden());
        assertThat(TensorData.floatView(embed).get(0)).isEqualTo(TensorData.floats(embed)[0]);
    }

    @Test
    void referencesThatEscapeTheDirectoryOrTheFileAreRefused() throws Exception {
        Path model = DecoderModels.write(dir.resolve("m"), SMALL, 3);
        assertRefused(model, "../" + DecoderModels.WEIGHTS_FILE, null, "points into another directory");
        assertRefused(model, "/etc/passwd", null, "absolute path");
        assertRefused(model, "C:weights.bin", null, "absolute path");
        assertRefused(model, ".hidden", null, "not a plain file name");
        assertRefused(model, "weights\u0000.bin", null, "not a plain file name");
        assertRefused(model, "absent.bin", null, "is missing");
        assertRefused(model, DecoderModels.WEIGHTS_FILE, "99999999999", "lie outside the file");
        Files.createSymbolicLink(model.resolveSibling("link.bin"), model.resolveSibling(DecoderModels.WEIGHTS_FILE));
        assertRefused(model, "link.bin", null, "symbolic link");
    }

    private void assertRefused(Path model, String location, String offset, String problem) throws Exception {
        ModelProto original = ModelProto.parseFrom(Files.readAllBytes(model));
        TensorProto.Builder first = original.getGraph().getInitializer(1).toBuilder().clearExternalData()
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location));
        if (offset != null) {
            first.addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(offset));
        }
        ModelProto hostile = original.toBuilder().setGraph(original.getGraph().toBuilder().setInitializer(1, first))
                .build();
        Path file = model.resolveSibling("hostile.onnx");
        Files.write(file, hostile.toByteArray());
        assertThatThrownBy(() -> OnnxModels.load(file)).isInstanceOf(EngineInputException.class)
                .hasMessageContaining(first.getName()).hasMessageContaining(problem);
    }
}
