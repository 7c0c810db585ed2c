package io.quantizer.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quantizer.job.JobTestClient.Response;
import io.quantizer.storage.ObjectStore;
import io.quantizer.support.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.FileSystemResource;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import tools.jackson.databind.JsonNode;

/**
 * The job resource end to end on real PostgreSQL and S3: whole jobs through the in-process worker and the real
 * engine child process, and every bad request the endpoint can get.
 */
@IntegrationTest
class JobApiIT {

    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);

    @LocalServerPort
    int port;
    @Autowired
    ObjectStore store;
    @TempDir
    Path dir;

    private JobTestClient client;
    private UUID model;
    private UUID calibration;
    private UUID evaluation;

    @BeforeEach
    void inputs() throws Exception {
        client = new JobTestClient(port);
        model = client.uploadModel(JobFixtures.classifier(), "tiny_classifier.onnx");
        calibration = client.uploadDataset(JobFixtures.calibration(dir, "calibration.npz", 64));
        evaluation = client.uploadDataset(JobFixtures.labelled(dir, "evaluation.npz", 100, 9));
    }

    private Map<String, Object> body(Object recipe) {
        return recipe == null
                ? Map.of("modelId", model, "calibrationDatasetId", calibration, "evaluationDatasetId", evaluation)
                : Map.of("modelId", model, "calibrationDatasetId", calibration, "evaluationDatasetId", evaluation,
                "recipe", recipe);
    }

    private long jobsOfModel(UUID modelId) {
        return client.get(JobTestClient.JOBS + "?modelId=" + modelId).json().get("totalElements").asLong();
    }

    @Test
    void aWholeJobQuantizesTheModelAndPublishesOneArtifactAndReport() throws Exception {
        Response submitted = client.submit(body(Map.of("calibration", Map.of("method", "minmax"))));

        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        UUID id = UUID.fromString(submitted.json().get("id").asString());
        assertThat(submitted.headers().getLocation()).hasToString(JobTestClient.JOBS + "/" + id);
        JsonNode queued = submitted.json();
        assertThat(queued.get("status").asString()).isIn("QUEUED", "RUNNING");
        assertThat(queued.at("/recipe/activationType").asString()).isEqualTo("uint8");
        assertThat(queued.at("/recipe/perChannel").asBoolean()).isTrue();
        assertThat(queued.at("/recipe/calibration/method").asString()).isEqualTo("minmax");

        JsonNode done = client.await(id, JobTestClient::finished, JOB_TIMEOUT);

        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("attempt").asInt()).isEqualTo(1);
        assertThat(done.get("progress").asDouble()).isEqualTo(1.0);
        assertThat(done.get("startedAt").isNull()).isFalse();
        assertThat(done.get("finishedAt").isNull()).isFalse();
        assertThat(done.get("error").isNull()).isTrue();
        JsonNode result = done.get("result");
        assertThat(result.has("evaluation")).as(result.toString()).isTrue();
        assertThat(result.at("/jobTimings/engineSeconds").asDouble()).isPositive();

        Response artifact = client.get(JobTestClient.JOBS + "/" + id + "/artifact");
        assertThat(artifact.status()).isEqualTo(200);
        assertThat(artifact.headers().getContentDisposition().getFilename()).isEqualTo("tiny_classifier-int8.onnx");
        assertThat(artifact.body().length).isEqualTo(result.at("/quantizedModel/sizeBytes").asLong());
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(artifact.body())))
                .isEqualTo(result.at("/quantizedModel/sha256").asString());
        assertThat(ai.onnx.proto.OnnxMl.ModelProto.parseFrom(artifact.body()).getGraph().getNodeList())
                .anyMatch(n -> n.getOpType().equals("QuantizeLinear"));

        Response report = client.get(JobTestClient.JOBS + "/" + id + "/report");
        assertThat(report.status()).isEqualTo(200);
        assertThat(report.json().get("summary")).isNotNull();

        assertThat(store.list("jobs/" + id + "/")).containsExactlyInAnyOrder(
                "jobs/" + id + "/attempt-1/model.int8.onnx", "jobs/" + id + "/attempt-1/report.json");

        String metrics = client.get("/actuator/prometheus").text();
        assertThat(metrics).contains("quantizer_jobs{", "status=\"SUCCEEDED\"", "quantizer_queue_depth",
                "quantizer_job_stage_duration_seconds_count{", "stage=\"CALIBRATING\"",
                "quantizer_jobs_completed_total{", "outcome=\"succeeded\"");

        Response again = client.post(JobTestClient.JOBS + "/" + id + "/cancel");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.detail()).contains("SUCCEEDED");
    }

    @Test
    void aTensorRtJobPublishesItsCalibrationCacheUnderItsOwnLink() throws Exception {
        UUID id = UUID.fromString(client.submit(body(Map.of("target", "tensorrt"))).json().get("id").asString());
        JsonNode done = client.await(id, JobTestClient::finished, JOB_TIMEOUT);
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.at("/recipe/activationType").asString()).isEqualTo("int8");
        assertThat(done.at("/result/target/evaluatedOnTarget").asBoolean()).isFalse();
        String link = done.at("/links/calibrationCache").asString();
        assertThat(link).isEqualTo(JobTestClient.JOBS + "/" + id + "/calibration-cache");

        Response cache = client.get(link);
        assertThat(cache.status()).as(cache.text()).isEqualTo(200);
        assertThat(cache.headers().getContentDisposition().getFilename())
                .isEqualTo("tiny_classifier-int8.calibration.cache");
        assertThat(cache.text()).startsWith("TRT-8601-EntropyCalibration2\n");
        JsonNode described = done.at("/result/calibrationCache");
        assertThat(cache.text().lines().count() - 1).isEqualTo(described.get("entries").asLong());
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cache.body())))
                .isEqualTo(described.get("sha256").asString());
        // the cache is one of the job's artifacts, stored once: the link serves that same object
        assertThat(done.at("/result/artifacts/1/name").asString()).isEqualTo("model.int8.calibration.cache");
        assertThat(done.at("/result/artifacts/1/sha256").asString()).isEqualTo(described.get("sha256").asString());
        assertThat(store.list("jobs/" + id + "/")).containsExactlyInAnyOrder(
                "jobs/" + id + "/attempt-1/model.int8.onnx", "jobs/" + id + "/attempt-1/report.json",
                "jobs/" + id + "/attempt-1/model.int8.calibration.cache");

        UUID plain = UUID.fromString(client.submit(body(null)).json().get("id").asString());
        JsonNode plainDone = client.await(plain, JobTestClient::finished, JOB_TIMEOUT);
        assertThat(plainDone.at("/links/calibrationCache").isNull()).isTrue();
        Response none = client.get(JobTestClient.JOBS + "/" + plain + "/calibration-cache");
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.detail()).contains("target cpu-vnni", "only target tensorrt");
    }

    @Test
    void aModelOnnxRuntimeCannotLoadFailsTheJobWithOnnxRuntimesMessage() throws Exception {
        UUID broken = client.uploadModel(JobFixtures.unloadableClassifier(), "broken.onnx");
        Response submitted = client.submit(Map.of("modelId", broken, "calibrationDatasetId", calibration));
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        UUID id = UUID.fromString(submitted.json().get("id").asString());

        JsonNode done = client.await(id, JobTestClient::finished, JOB_TIMEOUT);

        assertThat(done.get("status").asString()).isEqualTo("FAILED");
        JsonNode error = done.get("error");
        assertThat(error.get("type").asString()).endsWith("/engine-rejected-input");
        assertThat(error.get("detail").asString()).contains("NoSuchQuantizerTestOp");
        assertThat(store.list("jobs/" + id + "/")).isEmpty();
        assertThat(client.get(JobTestClient.JOBS + "/" + id + "/artifact").status()).isEqualTo(409);
        Response cancel = client.post(JobTestClient.JOBS + "/" + id + "/cancel");
        assertThat(cancel.status()).isEqualTo(409);
        assertThat(cancel.detail()).contains("already FAILED");
    }

    @Test
    void theSameIdempotencyKeyAndBodyGiveTheSameJobAndAnotherBodyIsRefused() {
        String key = "key-" + UUID.randomUUID();
        String json = "{\"modelId\":\"" + model + "\",\"calibrationDatasetId\":\"" + calibration + "\"}";
        // the same request spelt differently (defaults written out) is the same request
        String sameMeaning = "{\"calibrationDatasetId\":\"" + calibration + "\",\"modelId\":\"" + model
                + "\",\"recipe\":{\"mode\":\"static\",\"perChannel\":true}}";

        Response first = client.submit(json, key);
        Response second = client.submit(sameMeaning, key);
        Response other = client.submit("{\"modelId\":\"" + model + "\",\"calibrationDatasetId\":\"" + calibration
                + "\",\"evaluationDatasetId\":\"" + evaluation + "\"}", key);

        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).isEqualTo(202);
        assertThat(second.json().get("id")).isEqualTo(first.json().get("id"));
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.detail()).contains("Idempotency-Key", first.json().get("id").asString());
        assertThat(client.submit(json, "x".repeat(201)).status()).isEqualTo(400);
    }

    @Test
    void unknownIdsAreRefusedAndNoJobIsCreated() {
        UUID nobody = UUID.randomUUID();

        Response unknownModel = client.submit(Map.of("modelId", nobody, "calibrationDatasetId", calibration));
        Response unknownData = client.submit(Map.of("modelId", model, "calibrationDatasetId", nobody,
                "evaluationDatasetId", nobody));

        assertThat(unknownModel.status()).isEqualTo(422);
        assertThat(unknownModel.headers().getContentType()).hasToString("application/problem+json");
        assertThat(unknownModel.detail()).contains("modelId", nobody.toString());
        assertThat(unknownData.status()).isEqualTo(422);
        assertThat(unknownData.json().get("errors")).hasSize(2);
        assertThat(jobsOfModel(nobody)).isZero();
        for (String path : List.of("", "/artifact", "/report")) {
            Response missing = client.get(JobTestClient.JOBS + "/" + nobody + path);
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.detail()).contains(nobody.toString());
        }
        assertThat(client.post(JobTestClient.JOBS + "/" + nobody + "/cancel").status()).isEqualTo(404);
        assertThat(client.get(JobTestClient.JOBS + "/not-a-uuid").status()).isEqualTo(400);
    }

    @Test
    void badRecipesAreRefusedNamingTheFieldAndNoJobIsCreated() {
        long before = jobsOfModel(model);

        Response unknownField = client.submit(body(Map.of("perChanel", false)));
        Response unknownValue = client.submit(body(Map.of("calibration", Map.of("method", "kl"))));
        Response outOfRange = client.submit(body(Map.of("calibration", Map.of("percentile", 101))));
        Response wrongType = client.submit(body(Map.of("excludeNodes", "conv")));
        Response badAlpha = client.submit(body(Map.of("smoothQuant", Map.of("enabled", true, "alpha", 2))));

        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.detail()).contains("recipe.perChanel", "perChannel");
        assertThat(unknownValue.status()).isEqualTo(422);
        assertThat(unknownValue.detail()).contains("recipe.calibration.method", "'kl'", "entropy");
        assertThat(outOfRange.status()).isEqualTo(422);
        assertThat(outOfRange.detail()).contains("percentile", "101");
        assertThat(wrongType.status()).isIn(400, 422);
        assertThat(badAlpha.status()).isEqualTo(422);
        assertThat(badAlpha.detail()).contains("smoothQuant.alpha", "[0, 1]");
        assertThat(jobsOfModel(model)).isEqualTo(before);
    }

    @Test
    void badAccuracyTargetsAreRefusedNamingTheFieldAndNoJobIsCreated() {
        long before = jobsOfModel(model);

        Response both = client.submit(body(Map.of("accuracy", Map.of("maxTop1Drop", 0.01, "minCosine", 0.99))));
        Response none = client.submit(body(Map.of("accuracy", Map.of("maxTrials", 3))));
        Response drop = client.submit(body(Map.of("accuracy", Map.of("maxTop1Drop", 1.5))));
        Response trials = client.submit(body(Map.of("accuracy", Map.of("minCosine", 0.99, "maxTrials", -1))));
        Response time = client.submit(body(Map.of("accuracy", Map.of("minCosine", 0.99, "timeLimit", 0))));
        Response samples = client.submit(body(Map.of("analysis", Map.of("samples", 0))));
        // the calibration set has no labels and there is no evaluation set: a top-1 target cannot be measured
        Response unlabelled = client.submit(Map.of("modelId", model, "calibrationDatasetId", calibration,
                "recipe", Map.of("accuracy", Map.of("maxTop1Drop", 0.01))));

        assertThat(both.status()).isEqualTo(422);
        assertThat(both.detail()).contains("exactly one target");
        assertThat(none.status()).isEqualTo(422);
        assertThat(drop.status()).isEqualTo(422);
        assertThat(drop.detail()).contains("accuracy.maxTop1Drop", "1.5");
        assertThat(drop.json().at("/errors/0/field").asString()).isEqualTo("recipe.accuracy.maxTop1Drop");
        assertThat(trials.status()).isEqualTo(422);
        assertThat(trials.detail()).contains("accuracy.maxTrials", "-1");
        assertThat(time.status()).isEqualTo(422);
        assertThat(time.detail()).contains("accuracy.timeLimit", "seconds");
        assertThat(samples.status()).isEqualTo(422);
        assertThat(samples.detail()).contains("analysis.samples");
        assertThat(unlabelled.status()).isEqualTo(422);
        assertThat(unlabelled.detail()).contains("accuracy.maxTop1Drop", "labels");
        assertThat(unlabelled.json().at("/errors/0/field").asString()).isEqualTo("recipe.accuracy.maxTop1Drop");
        assertThat(jobsOfModel(model)).isEqualTo(before);
    }

    @Test
    void anAccuracyControlledJobReturnsItsAnalysisAndTrialsAsTypedFields() throws Exception {
        Response submitted = client.submit(body(Map.of("accuracy", Map.of("minCosine", 0.9999, "maxTrials", 2),
                "analysis", Map.of("samples", 16))));
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        assertThat(submitted.json().at("/recipe/accuracy/timeLimit").asInt()).isEqualTo(600);
        UUID id = UUID.fromString(submitted.json().get("id").asString());

        JsonNode done = client.await(id, JobTestClient::finished, JOB_TIMEOUT);

        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        JsonNode layers = done.at("/result/layers");
        assertThat(layers.get("metric").asString()).isEqualTo("top1");
        assertThat(layers.get("samples").asInt()).isEqualTo(16);
        assertThat(layers.get("extraForwardPasses").isIntegralNumber()).isTrue();
        assertThat(layers.get("tensors").get(0).get("sqnrDb").isNumber()).isTrue();
        assertThat(layers.get("groups").get(0).get("rank").asInt()).isEqualTo(1);
        assertThat(layers.get("groups").get(0).get("nodes").isArray()).isTrue();
        JsonNode search = done.at("/result/accuracySearch");
        assertThat(search.at("/target/metric").asString()).isEqualTo("cosine");
        assertThat(search.get("met").isBoolean()).isTrue();
        assertThat(search.get("trials").get(0).get("index").asInt()).isZero();
        assertThat(search.get("trials").get(0).get("floatGroups").isArray()).isTrue();
        assertThat(search.get("returnedTrial").asInt()).isLessThan(search.get("trials").size());
    }

    @Test
    void malformedRequestsAreBadRequests() {
        Response missing = client.submit(Map.of("modelId", model));
        Response unknown = client.submit(Map.of("modelId", model, "calibrationDatasetId", calibration,
                "evaluationDatasetID", evaluation));
        Response notJson = client.submit("{\"modelId\":", null);
        Response badUuid = client.submit("{\"modelId\":\"42\",\"calibrationDatasetId\":\"" + calibration + "\"}", null);

        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.detail()).contains("calibrationDatasetId");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.detail()).contains("evaluationDatasetID");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(badUuid.status()).isEqualTo(400);
    }

    @Test
    void aDataSetThatDoesNotFitTheModelIsRefusedNamingTheTensor() throws Exception {
        UUID wrong = client.uploadDataset(JobFixtures.wrongShape(dir, "wrong.npz", 8));
        UUID badLabels = client.uploadDataset(JobFixtures.labelled(dir, "labels.npz", 30, 12));
        long before = jobsOfModel(model);

        Response shape = client.submit(Map.of("modelId", model, "calibrationDatasetId", wrong));
        Response labels = client.submit(Map.of("modelId", model, "calibrationDatasetId", calibration,
                "evaluationDatasetId", badLabels));

        assertThat(shape.status()).isEqualTo(422);
        assertThat(shape.detail()).contains("'x'", "dimension 2 is 6 in the data but 8 in the model");
        assertThat(shape.json().at("/errors/0/field").asString()).isEqualTo("calibrationDatasetId");
        assertThat(labels.status()).isEqualTo(422);
        assertThat(labels.detail()).contains("'label'", "0 to 12", "outside 0..9");
        assertThat(jobsOfModel(model)).isEqualTo(before);
    }

    @Test
    void listsFilterByStatusAndModelAndPage() throws Exception {
        UUID own = client.uploadModel(JobFixtures.classifier(), "listed.onnx");
        UUID a = UUID.fromString(client.submit(Map.of("modelId", own, "calibrationDatasetId", calibration))
                .json().get("id").asString());
        UUID b = UUID.fromString(client.submit(Map.of("modelId", own, "calibrationDatasetId", calibration,
                "recipe", Map.of("perChannel", false))).json().get("id").asString());
        client.await(a, JobTestClient::finished, JOB_TIMEOUT);
        client.await(b, JobTestClient::finished, JOB_TIMEOUT);

        JsonNode page = client.get(JobTestClient.JOBS + "?modelId=" + own + "&size=1").json();
        JsonNode succeeded = client.get(JobTestClient.JOBS + "?modelId=" + own + "&status=SUCCEEDED").json();
        JsonNode queued = client.get(JobTestClient.JOBS + "?modelId=" + own + "&status=QUEUED").json();

        assertThat(page.get("totalElements").asLong()).isEqualTo(2);
        assertThat(page.get("totalPages").asInt()).isEqualTo(2);
        assertThat(page.get("items")).hasSize(1);
        assertThat(page.at("/items/0/id").asString()).isEqualTo(b.toString()); // newest first
        assertThat(succeeded.get("totalElements").asLong()).isEqualTo(2);
        assertThat(queued.get("totalElements").asLong()).isZero();
        assertThat(client.get(JobTestClient.JOBS + "?status=DONE").status()).isEqualTo(400);
        assertThat(client.get(JobTestClient.JOBS + "?size=0").status()).isEqualTo(400);
        assertThat(client.get(JobTestClient.JOBS + "?size=101").status()).isEqualTo(400);
    }

    @Test
    void theOneShotFormUploadsEverythingAndSubmitsInOneCall() throws Exception {
        MultiValueMap<String, Object> parts = new LinkedMultiValueMap<>();
        parts.add("model", new FileSystemResource(Files.write(dir.resolve("one-shot.onnx"), JobFixtures.classifier())));
        parts.add("calibration", new FileSystemResource(JobFixtures.calibration(dir, "one-shot-calib.npz", 32)));
        parts.add("evaluation", new FileSystemResource(JobFixtures.labelled(dir, "one-shot-eval.npz", 40, 9)));
        parts.add("recipe", "{\"perChannel\":false}");

        Response submitted = client.multipart(JobTestClient.JOBS, parts);

        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        JsonNode job = submitted.json();
        assertThat(job.at("/recipe/perChannel").asBoolean()).isFalse();
        assertThat(client.get("/api/v1/models/" + job.get("modelId").asString()).json().get("name").asString())
                .isEqualTo("one-shot.onnx");
        assertThat(client.get("/api/v1/datasets/" + job.get("evaluationDatasetId").asString()).status())
                .isEqualTo(200);
        UUID id = UUID.fromString(job.get("id").asString());
        assertThat(client.await(id, JobTestClient::finished, JOB_TIMEOUT).get("status").asString())
                .isEqualTo("SUCCEEDED");
    }

    @Test
    void aRefusedOneShotRequestLeavesNoUploadBehind() throws Exception {
        long models = client.get("/api/v1/models?size=1").json().get("totalElements").asLong();
        long datasets = client.get("/api/v1/datasets?size=1").json().get("totalElements").asLong();
        MultiValueMap<String, Object> parts = new LinkedMultiValueMap<>();
        parts.add("model", new FileSystemResource(Files.write(dir.resolve("refused.onnx"), JobFixtures.classifier())));
        parts.add("calibration", new FileSystemResource(JobFixtures.wrongShape(dir, "refused.npz", 4)));

        Response refused = client.multipart(JobTestClient.JOBS, parts);
        parts.add("recipe", "{\"mode\":\"qat\"}"); // not a mode
        Response badRecipe = client.multipart(JobTestClient.JOBS, parts);
        MultiValueMap<String, Object> noModel = new LinkedMultiValueMap<>();
        noModel.add("calibration", new FileSystemResource(dir.resolve("refused.npz")));
        Response missingPart = client.multipart(JobTestClient.JOBS, noModel);

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.detail()).contains("dimension 2 is 6 in the data but 8 in the model");
        assertThat(badRecipe.status()).isEqualTo(422);
        assertThat(badRecipe.detail()).contains("recipe.mode");
        assertThat(missingPart.status()).isEqualTo(400);
        assertThat(missingPart.detail()).contains("model");
        assertThat(client.get("/api/v1/models?size=1").json().get("totalElements").asLong()).isEqualTo(models);
        assertThat(client.get("/api/v1/datasets?size=1").json().get("totalElements").asLong()).isEqualTo(datasets);
    }
}
