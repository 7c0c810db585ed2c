package io.quantizer.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.quantizer.engine.FeedModels;
import io.quantizer.engine.TestData;
import io.quantizer.engine.TinyModels;
import io.quantizer.engine.data.NumpyType;
import io.quantizer.job.JobTestClient.Response;
import io.quantizer.support.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Models fed beyond a float32 batch, through the job API on real PostgreSQL and S3 and the engine child: a
 * Silero-like stateful model with {@code constantInputs}, a float16 export, an int32 input; and the requests the
 * feed rule refuses at submit, each a 422 naming the tensor.
 */
@IntegrationTest
class JobFeedIT {

    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);
    private static final Map<String, Object> SILERO_CONSTANTS = Map.of("sr", 16000, "state", 0);

    @LocalServerPort
    int port;
    @TempDir
    Path dir;

    private JobTestClient client;
    private UUID stateful;
    private UUID audio;

    @BeforeEach
    void inputs() throws Exception {
        client = new JobTestClient(port);
        stateful = client.uploadModel(FeedModels.stateful().toByteArray(), "vad_like.onnx");
        Random random = new Random(21);
        audio = client.uploadDataset(new TestData().floats("input",
                TestData.uniform(random, 32 * FeedModels.FRAME, -1, 1), 32, FeedModels.FRAME)
                .write(dir.resolve("audio.npz")));
    }

    private Response submit(UUID model, UUID data, Map<String, Object> recipe) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("modelId", model);
        body.put("calibrationDatasetId", data);
        if (recipe != null) {
            body.put("recipe", recipe);
        }
        return client.submit(body);
    }

    private JsonNode succeeded(Response submitted) throws InterruptedException {
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        JsonNode done = client.await(UUID.fromString(submitted.json().get("id").asString()), JobTestClient::finished,
                JOB_TIMEOUT);
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        return done;
    }

    @Test
    void aStatefulModelWithConstantInputsIsAcceptedAndSucceeds() throws Exception {
        Response refused = submit(stateful, audio, null);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.detail()).contains("'state'", "'sr'", "constantInputs");

        Response submitted = submit(stateful, audio, Map.of("constantInputs", SILERO_CONSTANTS));
        assertThat(submitted.json().at("/recipe/constantInputs/sr").asInt()).isEqualTo(16000);

        JsonNode done = succeeded(submitted);
        JsonNode outputs = done.at("/result/evaluation/outputs");
        assertThat(outputs.findValuesAsString("name")).contains("output", "stateN");
        assertThat(done.at("/result/evaluation/sampleCount").asLong()).isEqualTo(32);
        assertThat(done.at("/result/nodes/quantized").size()).isPositive();
    }

    @Test
    void badConstantsAndDataAreRefusedNamingTheTensorAndNoJobIsCreated() throws Exception {
        long before = client.get(JobTestClient.JOBS + "?modelId=" + stateful).json().get("totalElements").asLong();
        UUID narrow = client.uploadDataset(new TestData().floats("input", new float[4 * 32], 4, 32)
                .write(dir.resolve("narrow.npz")));
        UUID withSr = client.uploadDataset(new TestData().floats("input", new float[4 * FeedModels.FRAME], 4,
                FeedModels.FRAME).longs("sr", new long[4], 4).write(dir.resolve("with-sr.npz")));

        Response unknown = submit(stateful, audio, Map.of("constantInputs",
                Map.of("sr", 16000, "state", 0, "srr", 8000)));
        Response fractional = submit(stateful, audio, Map.of("constantInputs", Map.of("sr", 16000.5, "state", 0)));
        Response outOfRange = submit(stateful, audio, Map.of("constantInputs", Map.of("sr", 16000, "state", 1e39)));
        Response wrongShape = submit(stateful, narrow, Map.of("constantInputs", SILERO_CONSTANTS));
        Response both = submit(stateful, withSr, Map.of("constantInputs", SILERO_CONSTANTS));
        Map<String, Object> many = new LinkedHashMap<>();
        for (int i = 0; i < 65; i++) {
            many.put("c" + i, 0);
        }
        Response tooMany = submit(stateful, audio, Map.of("constantInputs", many));
        Response notANumber = client.submit("{\"modelId\":\"" + stateful + "\",\"calibrationDatasetId\":\"" + audio
                + "\",\"recipe\":{\"constantInputs\":{\"sr\":\"NaN\",\"state\":0}}}", null);

        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.detail()).contains("'srr'", "not an input of the model", "[input, state, sr]");
        assertThat(unknown.json().at("/errors/0/field").asString()).isEqualTo("recipe.constantInputs.srr");
        assertThat(fractional.status()).isEqualTo(422);
        assertThat(fractional.detail()).contains("'sr' = 16000.5", "int64", "not a whole number");
        assertThat(outOfRange.status()).isEqualTo(422);
        assertThat(outOfRange.detail()).contains("'state'", "float32", "largest finite value");
        assertThat(wrongShape.status()).isEqualTo(422);
        assertThat(wrongShape.detail()).contains("'input'", "dimension 1 is 32 in the data but 64 in the model");
        assertThat(wrongShape.json().at("/errors/0/field").asString()).isEqualTo("calibrationDatasetId");
        assertThat(both.status()).isEqualTo(422);
        assertThat(both.detail()).contains("'sr'", "both as an array of the data set and in constantInputs");
        assertThat(tooMany.status()).isEqualTo(422);
        assertThat(tooMany.detail()).contains("constantInputs", "at most 64");
        assertThat(notANumber.status()).isEqualTo(400);
        assertThat(notANumber.detail()).contains("recipe.constantInputs");
        assertThat(client.get(JobTestClient.JOBS + "?modelId=" + stateful).json().get("totalElements").asLong())
                .isEqualTo(before);
    }

    @Test
    void aFixedBatchAboveOneIsRefusedAtSubmitWithTheWayOut() throws Exception {
        UUID batch8 = client.uploadModel(TinyModels.dense(8).toByteArray(), "batch8.onnx");
        UUID data = client.uploadDataset(new TestData().floats("x", new float[16 * 4], 16, 4)
                .write(dir.resolve("x16.npz")));

        Response refused = submit(batch8, data, null);

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.detail()).contains("'x'", "fixed batch of 8", "[N, 8, 4]");
    }

    @Test
    void aFloat16ModelIsQuantizedAndItsArtifactKeepsFloat16InputsAndOutputs() throws Exception {
        UUID half = client.uploadModel(FeedModels.float16Dense().toByteArray(), "half.onnx");
        UUID data = client.uploadDataset(new TestData().floats("x",
                TestData.uniform(new Random(22), 48 * 4, -1, 1), 48, 4).write(dir.resolve("x48.npz")));

        JsonNode done = succeeded(submit(half, data, null));

        Response artifact = client.get(JobTestClient.JOBS + "/" + done.get("id").asString() + "/artifact");
        ModelProto int8 = ModelProto.parseFrom(artifact.body());
        assertThat(int8.getGraph().getInput(0).getType().getTensorType().getElemType())
                .isEqualTo(DataType.FLOAT16_VALUE);
        assertThat(int8.getGraph().getOutput(0).getType().getTensorType().getElemType())
                .isEqualTo(DataType.FLOAT16_VALUE);
        assertThat(int8.getGraph().getNodeList()).anyMatch(n -> n.getOpType().equals("QuantizeLinear"));
        assertThat(done.at("/result/evaluation/outputs/0/cosine").asDouble()).isGreaterThan(0.99);
    }

    @Test
    void anInt32InputIsFedFromInt32Data() throws Exception {
        UUID ints = client.uploadModel(FeedModels.typed(DataType.INT32_VALUE).toByteArray(), "ids.onnx");
        double[] values = new double[40 * 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i * 7) % 11 - 5;
        }
        UUID data = client.uploadDataset(new TestData().typed("x", NumpyType.INT32, values, 40, 4)
                .write(dir.resolve("ids.npz")));
        UUID wrongType = client.uploadDataset(new TestData().typed("x", NumpyType.INT64, values, 40, 4)
                .write(dir.resolve("ids64.npz")));

        Response refused = submit(ints, wrongType, null);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.detail()).contains("'x'", "int32 expected, int64 given");

        JsonNode done = succeeded(submit(ints, data, null));
        assertThat(done.at("/result/evaluation/sampleCount").asLong()).isEqualTo(40);
    }
}
