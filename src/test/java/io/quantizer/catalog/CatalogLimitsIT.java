package io.quantizer.catalog;

import static io.quantizer.catalog.CatalogClient.assertProblem;
import static io.quantizer.catalog.CatalogClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import io.quantizer.catalog.CatalogClient.Part;
import io.quantizer.dataset.DatasetUsage;
import io.quantizer.engine.data.NumpyFixtures;
import io.quantizer.model.ModelUsage;
import io.quantizer.model.onnx.OnnxTestModels;
import io.quantizer.support.IntegrationTest;

/** The upload size cap (413) and the in-use veto (409) on both catalog endpoints, on PostgreSQL and S3. */
@IntegrationTest
@TestPropertySource(properties = "quantizer.upload.max-size=64KB")
@Import(CatalogLimitsIT.Usages.class)
class CatalogLimitsIT extends CatalogApiTestBase {

    /** Stands in for the jobs feature: ids in {@link #BUSY} are used by an unfinished job. */
    @TestConfiguration
    static class Usages {
        static final Set<UUID> BUSY = ConcurrentHashMap.newKeySet();

        @Bean
        ModelUsage busyModels() {
            return id -> BUSY.contains(id) ? Optional.of("job 7 (RUNNING) quantizes it") : Optional.empty();
        }

        @Bean
        DatasetUsage busyDatasets() {
            return id -> BUSY.contains(id) ? Optional.of("job 7 (QUEUED) calibrates with it") : Optional.empty();
        }
    }

    @Test
    void uploadsOverTheCapAre413AndLeaveNothingBehind() throws Exception {
        CatalogClient.Stock before = api.stock();

        assertProblem(api.upload("/api/v1/models", Part.file("big.onnx", new byte[100 * 1024])), 413,
                "quantizer.upload.max-size");
        assertProblem(api.upload("/api/v1/datasets", Part.file("big.npy",
                NumpyFixtures.float32(new float[25_000], 25_000))), 413, "65536");
        api.assertUnchanged(before);
    }

    @Test
    void deletingWhatAnUnfinishedJobUsesIs409() throws Exception {
        byte[] model = OnnxTestModels.linear().toBuilder().setProducerVersion(UUID.randomUUID().toString()).build()
                .toByteArray();
        String modelId = json(api.upload("/api/v1/models", Part.file("m.onnx", model))).get("id").asString();
        String datasetId = json(api.upload("/api/v1/datasets", Part.file("d.npy",
                NumpyFixtures.float32(new float[] {UUID.randomUUID().hashCode()}, 1)))).get("id").asString();
        Usages.BUSY.add(UUID.fromString(modelId));
        Usages.BUSY.add(UUID.fromString(datasetId));
        try {
            assertProblem(api.delete("/api/v1/models/" + modelId), 409, "job 7 (RUNNING) quantizes it");
            assertProblem(api.delete("/api/v1/datasets/" + datasetId), 409, "job 7 (QUEUED) calibrates with it");
            assertThat(api.get("/api/v1/models/" + modelId).statusCode()).isEqualTo(200);
            assertThat(api.download("/api/v1/datasets/" + datasetId + "/content", null).statusCode()).isEqualTo(200);
        } finally {
            Usages.BUSY.clear();
        }
        assertThat(api.delete("/api/v1/models/" + modelId).statusCode()).isEqualTo(204);
        assertThat(api.delete("/api/v1/datasets/" + datasetId).statusCode()).isEqualTo(204);
    }
}
