package io.quantizer.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;

import com.fasterxml.jackson.databind.DeserializationFeature;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.quantizer.client.ApiClient;
import io.quantizer.client.ApiException;
import io.quantizer.client.api.DatasetsApi;
import io.quantizer.client.api.ModelsApi;
import io.quantizer.client.api.QuantizationJobsApi;
import io.quantizer.client.model.Dataset;
import io.quantizer.client.model.EvaluationResult;
import io.quantizer.client.model.LayerAnalysis;
import io.quantizer.client.model.Model;
import io.quantizer.client.model.OutputFidelity;
import io.quantizer.client.model.Problem;
import io.quantizer.client.model.Quality;
import io.quantizer.client.model.QuantizationJob;
import io.quantizer.client.model.QuantizationJob.StatusEnum;
import io.quantizer.client.model.QuantizationJobRequest;
import io.quantizer.client.model.QuantizationResult;
import io.quantizer.job.JobFixtures;
import io.quantizer.support.TempDataDirInitializer;
import io.quantizer.support.TestAuth;

/**
 * The contract is usable as a contract: a Java client that openapi-generator builds from {@code openapi.yaml}
 * (the {@code contract-client} execution in pom.xml, into target/generated-test-sources/openapi) runs a whole
 * job on the embedded defaults and reads its evaluation and per-layer results as typed values, and a refused
 * request as a typed {@link Problem}. The client is made strict about unknown fields, so a response carrying a
 * field the contract does not declare fails here. {@link OpenApiContractTest} keeps openapi.yaml equal to what
 * the service serves; this test shows what it says is what the service sends.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TempDataDirInitializer.class)
class GeneratedClientTest {

    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);

    @LocalServerPort
    int port;
    @TempDir
    Path dir;

    private ApiClient client;

    @BeforeEach
    void connect() {
        client = new ApiClient();
        client.updateBaseUri("http://localhost:" + port);
        // the contract's bearer scheme: the native client sends it through a request interceptor
        client.setRequestInterceptor(request -> request.header(TestAuth.AUTHORIZATION, TestAuth.admin()));
        client.setObjectMapper(client.getObjectMapper().copy()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
    }

    @Test
    void runsAWholeJobAndReadsTheResultAsTypedValues() throws Exception {
        Path modelFile = dir.resolve("tiny_classifier.onnx");
        Files.write(modelFile, JobFixtures.classifier());
        Model model = new ModelsApi(client).uploadModel(modelFile.toFile(), java.util.List.of(), "tiny classifier");
        assertThat(model.getName()).isEqualTo("tiny classifier");
        assertThat(model.getOutputs()).singleElement().satisfies(out -> assertThat(out.getName()).isEqualTo("logits"));

        DatasetsApi datasets = new DatasetsApi(client);
        Dataset calibration = datasets.uploadDataset(
                JobFixtures.calibration(dir, "calibration.npz", 64).toFile(), "calibration");
        Dataset evaluation = datasets.uploadDataset(
                JobFixtures.labelled(dir, "evaluation.npz", 100, 9).toFile(), "evaluation");
        assertThat(calibration.getSampleCount()).isEqualTo(64L);
        assertThat(evaluation.getSampleCount()).isEqualTo(100L);
        assertThat(evaluation.getLabelTensor()).isEqualTo("label");

        QuantizationJobsApi jobs = new QuantizationJobsApi(client);
        QuantizationJob queued = jobs.submitQuantizationJob(new QuantizationJobRequest()
                .modelId(model.getId())
                .calibrationDatasetId(calibration.getId())
                .evaluationDatasetId(evaluation.getId()), UUID.randomUUID().toString());
        assertThat(queued.getStatus()).isIn(StatusEnum.QUEUED, StatusEnum.RUNNING);
        assertThat(queued.getResult()).isNull();

        QuantizationJob job = awaitFinished(jobs, queued.getId());
        assertThat(job.getStatus()).as("%s", job.getError()).isEqualTo(StatusEnum.SUCCEEDED);
        assertThat(job.getError()).isNull();
        QuantizationResult result = job.getResult();

        // the fixtures SwaggerUiBrowserTest runs too: per-channel int8 keeps the classifier's top class
        assertThat(result.getQuality().getVerdict()).isEqualTo(Quality.VerdictEnum.GOOD);
        assertThat(result.getQuality().getReasons()).isEmpty();

        EvaluationResult eval = result.getEvaluation();
        assertThat(eval.getDataset()).isEqualTo("evaluation");
        assertThat(eval.getSampleCount()).isEqualTo(100L);
        assertThat(eval.getClassificationOutput()).isEqualTo("logits");
        double fp32Top1 = eval.getFp32().getTop1();
        double int8Top1 = eval.getQuantized().getTop1();
        assertThat(fp32Top1).isBetween(0.0, 1.0);
        assertThat(int8Top1).isBetween(0.0, 1.0);
        assertThat(eval.getTop1Drop()).isCloseTo(fp32Top1 - int8Top1, within(1e-9));
        assertThat(eval.getArgmaxAgreement()).isGreaterThanOrEqualTo(0.95);
        assertThat(eval.getOutputs()).hasSize(1);
        OutputFidelity logits = eval.getOutputs().get(0);
        assertThat(logits.getName()).isEqualTo("logits");
        assertThat(logits.getCosine()).isGreaterThan(0.99).isLessThanOrEqualTo(1.0 + 1e-9);
        assertThat(logits.getSqnrDb()).isGreaterThan(20.0);
        assertThat(logits.getMaxAbsError()).isGreaterThanOrEqualTo(logits.getMeanAbsError());
        assertThat(eval.getFp32().getLatencyMs().getBatch1().getP50()).isPositive();
        assertThat(eval.getQuantized().getLatencyMs().getBatch1().getP50()).isPositive();
        assertThat(eval.getQuantized().getLatencyMs().getBatch1().getBatchSize()).isEqualTo(1);
        assertThat(eval.getQuantized().getLatencyMs().getBatch1().getP95())
                .isGreaterThanOrEqualTo(eval.getQuantized().getLatencyMs().getBatch1().getP50());

        assertThat(result.getNodes().getQuantized())
                .containsExactly("conv_Conv", "relu_Relu", "pool_MaxPool", "flat_Flatten", "logits_Gemm");
        assertThat(result.getNodes().getKeptFloat()).isEmpty();

        // every job carries its per-layer analysis, typed; no accuracy target, no search
        LayerAnalysis layers = result.getLayers();
        assertThat(layers.getMetric()).isEqualTo("top1");
        assertThat(layers.getSamples()).isBetween(1, 64);
        assertThat(layers.getExtraForwardPasses()).isEqualTo((2L + layers.getGroups().size()) * layers.getSamples())
                .isLessThanOrEqualTo(2 * eval.getSampleCount());
        assertThat(layers.getTensors()).isNotEmpty().allSatisfy(t -> assertThat(t.getCosine()).isBetween(-1.0, 1.0 + 1e-9));
        assertThat(layers.getGroups()).isNotEmpty();
        assertThat(layers.getGroups().get(0).getRank()).isEqualTo(1);
        assertThat(layers.getGroups().get(0).getNodes()).contains(layers.getGroups().get(0).getId());
        assertThat(result.getAccuracySearch()).isNull();

        File artifact = jobs.downloadQuantizedModel(job.getId());
        byte[] onnx = Files.readAllBytes(artifact.toPath());
        assertThat((long) onnx.length).isEqualTo(result.getQuantizedModel().getSizeBytes());
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(onnx)))
                .isEqualTo(result.getQuantizedModel().getSha256());
        assertThat(ModelProto.parseFrom(onnx).getGraph().getNodeList())
                .anySatisfy(node -> assertThat(node.getOpType()).isEqualTo("QuantizeLinear"));

        assertThat(jobs.downloadQuantizationReport(job.getId()).getSummary().getQuantizedModel().getSha256())
                .isEqualTo(result.getQuantizedModel().getSha256());
    }

    @Test
    void readsARefusalAsATypedProblem() throws Exception {
        UUID unknown = UUID.randomUUID();
        ApiException refused = catchThrowableOfType(ApiException.class, () ->
                new QuantizationJobsApi(client).submitQuantizationJob(new QuantizationJobRequest()
                        .modelId(unknown).calibrationDatasetId(UUID.randomUUID()), null));

        assertThat(refused.getCode()).isEqualTo(422);
        assertThat(refused.getResponseHeaders().firstValue("Content-Type")).hasValue("application/problem+json");
        Problem problem = client.getObjectMapper().readValue(refused.getResponseBody(), Problem.class);
        assertThat(problem.getStatus()).isEqualTo(422);
        assertThat(problem.getTitle()).isEqualTo("Unknown model or data set");
        assertThat(problem.getInstance()).hasPath("/api/v1/quantization-jobs");
        assertThat(problem.getDetail()).contains(unknown.toString());
        assertThat(problem.getErrors()).anySatisfy(error -> {
            assertThat(error.getField()).isEqualTo("modelId");
            assertThat(error.getMessage()).contains(unknown.toString());
        });
    }

    private static QuantizationJob awaitFinished(QuantizationJobsApi jobs, UUID id) throws Exception {
        Instant deadline = Instant.now().plus(JOB_TIMEOUT);
        while (true) {
            QuantizationJob job = jobs.getQuantizationJob(id);
            StatusEnum status = job.getStatus();
            if (status != StatusEnum.QUEUED && status != StatusEnum.RUNNING) {
                return job;
            }
            assertThat(Instant.now()).as("job %s still %s after %s", id, status, JOB_TIMEOUT).isBefore(deadline);
            Thread.sleep(200);
        }
    }
}
