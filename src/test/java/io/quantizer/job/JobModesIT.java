package io.quantizer.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.quantizer.job.JobTestClient.Response;
import io.quantizer.support.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The modes that do not calibrate, as users submit them: a job without a calibration set runs to SUCCEEDED with
 * the evaluation set as its comparison, and its result says what the mode did (no calibration, the right precision);
 * combinations the engine cannot honour are refused at submit.
 */
@IntegrationTest
class JobModesIT {

    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);

    @LocalServerPort
    int port;
    @TempDir
    Path dir;

    private JobTestClient client;
    private UUID model;
    private UUID evaluation;

    @BeforeEach
    void inputs() throws Exception {
        client = new JobTestClient(port);
        model = client.uploadModel(JobFixtures.classifier(), "tiny_classifier.onnx");
        evaluation = client.uploadDataset(JobFixtures.labelled(dir, "evaluation.npz", 100, 9));
    }

    private JsonNode runWithoutCalibration(Map<String, Object> recipe) throws Exception {
        Response submitted = client.submit(Map.of("modelId", model, "evaluationDatasetId", evaluation,
                "recipe", recipe));
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        assertThat(submitted.json().get("calibrationDatasetId").isNull()).isTrue();
        UUID id = UUID.fromString(submitted.json().get("id").asString());
        JsonNode done = client.await(id, JobTestClient::finished, JOB_TIMEOUT);
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.at("/result/evaluation/dataset").asString()).isEqualTo("evaluation");
        // the fixture's labels are random: the verdict may be degraded, never unusable for these modes
        assertThat(done.at("/result/quality/verdict").asString()).isIn("good", "degraded");
        assertThat(done.at("/result/stageSeconds/calibration").asDouble()).isZero();
        Response report = client.get(JobTestClient.JOBS + "/" + id + "/report");
        assertThat(report.json().at("/details/calibration").isNull()).isTrue();
        return done;
    }

    private ModelProto artifact(JsonNode job, String fileName) throws Exception {
        Response artifact = client.get(JobTestClient.JOBS + "/" + job.get("id").asString() + "/artifact");
        assertThat(artifact.status()).isEqualTo(200);
        assertThat(artifact.headers().getContentDisposition().getFilename()).isEqualTo(fileName);
        return ModelProto.parseFrom(artifact.body());
    }

    private static List<String> opTypes(ModelProto model) {
        return model.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    }

    @Test
    void aDynamicJobNeedsNoCalibrationSet() throws Exception {
        JsonNode done = runWithoutCalibration(Map.of("mode", "dynamic"));
        assertThat(done.at("/recipe/mode").asString()).isEqualTo("dynamic");
        assertThat(done.at("/result/nodes/quantized").toString()).contains("Gemm");
        assertThat(done.at("/result/nodes/keptFloat").toString()).contains("Conv", "dynamic mode quantizes only");
        assertThat(opTypes(artifact(done, "tiny_classifier-int8.onnx")))
                .contains("DynamicQuantizeLinear", "MatMulInteger").doesNotContain("Gemm", "QuantizeLinear");
    }

    @Test
    void aWeightOnlyJobStoresMatMulNBitsAndReportsEachWeightsError() throws Exception {
        JsonNode done = runWithoutCalibration(Map.of("mode", "weight-only",
                "weightOnly", Map.of("bits", 4, "blockSize", 16, "algorithm", "hqq")));
        assertThat(done.at("/recipe/weightOnly/accuracyLevel").asInt()).isZero();
        assertThat(opTypes(artifact(done, "tiny_classifier-int4.onnx"))).contains("MatMulNBits");
        Response report = client.get(JobTestClient.JOBS + "/" + done.get("id").asString() + "/report");
        JsonNode error = report.json().at("/details/weightErrors/0");
        assertThat(error.get("elementType").asString()).isEqualTo("uint4");
        assertThat(error.get("relativeError").asDouble()).isBetween(0.0, 0.2);
        assertThat(error.get("sqnrDb").asDouble()).isGreaterThan(10);
    }

    @Test
    void anFp16JobKeepsFloat32AtTheEdges() throws Exception {
        JsonNode done = runWithoutCalibration(Map.of("mode", "fp16"));
        ModelProto half = artifact(done, "tiny_classifier-fp16.onnx");
        assertThat(half.getGraph().getInput(0).getType().getTensorType().getElemType()).isEqualTo(1);
        assertThat(half.getGraph().getOutput(0).getType().getTensorType().getElemType()).isEqualTo(1);
        assertThat(half.getGraph().getInitializerList()).anyMatch(t -> t.getDataType() == 10);
        assertThat(done.at("/result/warnings").toString()).doesNotContain("int8");
    }

    @Test
    void combinationsAModeCannotHonourAreRefused() {
        Response bits = client.submit(Map.of("modelId", model, "evaluationDatasetId", evaluation,
                "recipe", Map.of("mode", "weight-only", "weightOnly", Map.of("bits", 3))));
        Response block = client.submit(Map.of("modelId", model, "evaluationDatasetId", evaluation,
                "recipe", Map.of("mode", "weight-only", "weightOnly", Map.of("blockSize", 7))));
        Response stray = client.submit(Map.of("modelId", model, "evaluationDatasetId", evaluation,
                "recipe", Map.of("mode", "dynamic", "weightOnly", Map.of("bits", 4))));
        Response int8Activations = client.submit(Map.of("modelId", model, "evaluationDatasetId", evaluation,
                "recipe", Map.of("mode", "dynamic", "activationType", "int8")));
        Response staticWithoutCalibration = client.submit(Map.of("modelId", model, "evaluationDatasetId", evaluation));
        Response noData = client.submit(Map.of("modelId", model, "recipe", Map.of("mode", "fp16")));

        assertThat(bits.status()).isEqualTo(422);
        assertThat(bits.detail()).contains("weightOnly.bits", "4 or 8", "3");
        assertThat(block.status()).isEqualTo(422);
        assertThat(block.detail()).contains("weightOnly.blockSize", "7");
        assertThat(stray.status()).isEqualTo(422);
        assertThat(stray.detail()).contains("weightOnly", "dynamic");
        assertThat(int8Activations.status()).isEqualTo(422);
        assertThat(int8Activations.detail()).contains("activationType", "uint8");
        assertThat(staticWithoutCalibration.status()).isEqualTo(400);
        assertThat(staticWithoutCalibration.detail()).contains("calibrationDatasetId", "static");
        assertThat(noData.status()).isEqualTo(400);
        assertThat(noData.detail()).contains("evaluationDatasetId", "fp16");
        assertThat(client.get(JobTestClient.JOBS + "?modelId=" + model).json().get("totalElements").asLong())
                .isZero();
    }
}
