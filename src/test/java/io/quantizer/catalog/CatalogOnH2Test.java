package io.quantizer.catalog;

import static io.quantizer.catalog.CatalogClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;

import io.quantizer.catalog.CatalogClient.Part;
import io.quantizer.engine.data.NumpyFixtures;
import io.quantizer.model.onnx.OnnxTestModels;
import io.quantizer.storage.ContentAddressedBlobs;
import io.quantizer.support.TempDataDirInitializer;
import tools.jackson.databind.JsonNode;

/** The embedded defaults (H2 in PostgreSQL mode, filesystem objects) run the same migration and flow. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TempDataDirInitializer.class)
class CatalogOnH2Test {

    @Autowired
    ApplicationContext context;

    @Test
    void modelsAndDatasetsRoundTrip() throws Exception {
        assertThat(context.getBean(JdbcClient.class).sql("SELECT H2VERSION()").query(String.class).single())
                .isNotBlank();
        CatalogClient api = CatalogClient.of(context);
        byte[] modelBytes = OnnxTestModels.linear().toBuilder().setProducerVersion(UUID.randomUUID().toString())
                .build().toByteArray();
        byte[] datasetBytes = NumpyFixtures.float32(new float[] {1, 2, 3, UUID.randomUUID().hashCode()}, 2, 2);

        JsonNode model = json(api.upload("/api/v1/models", Part.file("m.onnx", modelBytes)));
        JsonNode dataset = json(api.upload("/api/v1/datasets", Part.file("d.npy", datasetBytes)));

        assertThat(json(api.get("/api/v1/models/" + model.get("id").asString()))).isEqualTo(model);
        assertThat(json(api.get("/api/v1/datasets/" + dataset.get("id").asString()))).isEqualTo(dataset);
        assertThat(json(api.get("/api/v1/models")).get("items").get(0)).isEqualTo(model);
        assertThat(api.download("/api/v1/datasets/" + dataset.get("id").asString() + "/content", null).body())
                .isEqualTo(datasetBytes);
        assertThat(api.delete("/api/v1/models/" + model.get("id").asString()).statusCode()).isEqualTo(204);
        assertThat(api.delete("/api/v1/datasets/" + dataset.get("id").asString()).statusCode()).isEqualTo(204);
        // other tests share this application context, so look at these two blobs only
        assertThat(api.store().exists(ContentAddressedBlobs.keyFor(model.get("sha256").asString()))).isFalse();
        assertThat(api.store().exists(ContentAddressedBlobs.keyFor(dataset.get("sha256").asString()))).isFalse();
    }
}
