package io.quantizer.security;

import static io.quantizer.catalog.CatalogClient.assertProblem;
import static io.quantizer.catalog.CatalogClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.quantizer.catalog.CatalogClient;
import io.quantizer.catalog.CatalogClient.Part;
import io.quantizer.engine.data.NumpyFixtures;
import io.quantizer.model.onnx.OnnxTestModels;
import io.quantizer.support.TempDataDirInitializer;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import tools.jackson.databind.JsonNode;

/**
 * Authentication, roles, tenants, audit, quotas and the rate limit, end to end over HTTP: API keys the service
 * issues, and JWTs from a real OIDC provider (mock-oauth2-server, started in-process, serving discovery and
 * JWKS). Every refusal is checked for its exact status, for leaving nothing stored, and for the service still
 * serving afterwards. Jobs stay QUEUED (no worker), so they count against the job quota.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "quantizer.worker.enabled=false",
        "quantizer.quotas.max-active-jobs=26",
        "quantizer.quotas.max-stored-bytes=64KB",
        "quantizer.quotas.retry-after=30s",
        "quantizer.security.rate-limit.capacity=40",
        "quantizer.security.rate-limit.refill-per-second=5"})
@ContextConfiguration(initializers = TempDataDirInitializer.class)
class TenantSecurityTest {

    private static final String ISSUER_ID = "quantizer-test";
    private static final MockOAuth2Server OIDC = startOidc();
    private static final String MODELS = "/api/v1/models";
    private static final String DATASETS = "/api/v1/datasets";
    private static final String JOBS = "/api/v1/quantization-jobs";
    private static final String KEYS = "/api/v1/api-keys";

    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;

    private CatalogClient admin;

    private static MockOAuth2Server startOidc() {
        MockOAuth2Server server = new MockOAuth2Server();
        server.start();
        return server;
    }

    @DynamicPropertySource
    static void oidc(DynamicPropertyRegistry registry) {
        registry.add("quantizer.security.oidc.issuer-uri", () -> OIDC.issuerUrl(ISSUER_ID).toString());
    }

    @AfterAll
    static void stopOidc() {
        OIDC.shutdown();
    }

    @BeforeEach
    void connect() {
        admin = CatalogClient.of(context);
    }

    // --- authentication -------------------------------------------------------------------------------------

    @Test
    void withoutATokenEveryApiCallIs401WithAChallengeAndNothingIsStored() throws Exception {
        long models = count("models");
        CatalogClient anonymous = admin.as(null);

        HttpResponse<String> upload = anonymous.upload(MODELS, Part.file("m.onnx", linearModel()));
        assertProblem(upload, 401, "Authorization: Bearer");
        assertThat(upload.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWith("Bearer"));
        assertProblem(anonymous.get(MODELS), 401, "Authorization: Bearer");
        assertProblem(anonymous.delete(MODELS + "/" + UUID.randomUUID()), 401, "Authorization: Bearer");

        assertThat(count("models")).isEqualTo(models);
        assertServing();
    }

    @Test
    void aWrongOrMalformedTokenIs401InvalidToken() throws Exception {
        long models = count("models");
        for (String token : List.of("qz_" + "A".repeat(43), "not-a-key-nor-a-jwt", "eyJhbGciOiJub25lIn0.e30.")) {
            HttpResponse<String> response = admin.as(token).upload(MODELS, Part.file("m.onnx", linearModel()));
            assertProblem(response, 401, "The bearer token was refused");
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    challenge -> assertThat(challenge).contains("invalid_token"));
        }
        assertThat(count("models")).isEqualTo(models);
        assertServing();
    }

    @Test
    void anExpiredKeyIsRefused() throws Exception {
        String key = createKey("team-exp", List.of("submitter"), Instant.now().plusSeconds(2));
        assertThat(admin.as(key).get(MODELS).statusCode()).isEqualTo(200);

        Thread.sleep(2_500);

        assertProblem(admin.as(key).get(MODELS), 401, "unknown, revoked or expired");
        assertServing();
    }

    @Test
    void aRevokedKeyIsRefusedFromTheNextRequestOn() throws Exception {
        HttpResponse<String> created = admin.postJson(KEYS, "{\"tenant\": \"team-rev\", \"roles\": [\"submitter\"],"
                + " \"name\": \"ci\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String key = json(created).get("key").asString();
        String id = json(created).at("/apiKey/id").asString();
        assertThat(created.headers().firstValue("Location")).hasValue(KEYS + "/" + id);
        assertThat(admin.as(key).get(MODELS).statusCode()).isEqualTo(200);

        assertThat(admin.delete(KEYS + "/" + id).statusCode()).isEqualTo(204);

        long models = count("models");
        assertProblem(admin.as(key).upload(MODELS, Part.file("m.onnx", linearModel())), 401,
                "unknown, revoked or expired");
        assertThat(count("models")).isEqualTo(models);
        JsonNode listed = json(admin.get(KEYS + "?tenant=team-rev"));
        assertThat(listed.get("items").get(0).get("revokedAt").isNull()).isFalse();
        assertThat(listed.toString()).as("a listing never shows a token").doesNotContain(key);
        assertThat(jdbc.sql("select count(*) from api_keys where key_hash = :k").param("k", key)
                .query(Long.class).single()).as("only the hash is stored").isZero();
        assertServing();
    }

    @Test
    void keyRequestsAreValidatedWithBounds() throws Exception {
        long keys = count("api_keys");
        JsonNode problem = assertProblem(admin.postJson(KEYS, "{\"tenant\": \"Team A!\", \"roles\": [\"root\"], "
                + "\"expiresAt\": \"2000-01-01T00:00:00Z\", \"name\": \"" + "n".repeat(101) + "\"}"), 400,
                "4 invalid fields");
        assertThat(problem.get("errors").findValuesAsString("field"))
                .containsExactlyInAnyOrder("name", "tenant", "roles", "expiresAt");
        assertProblem(admin.postJson(KEYS, "{\"tenant\": \"team-a\", \"roles\": [\"reader\"], \"expiresAt\": \""
                + Instant.now().plusSeconds(400L * 86400) + "\"}"), 400, "days ahead");
        assertProblem(admin.postJson(KEYS, "{\"tenant\": \"team-a\", \"roles\": []}"), 400, "at least one");
        assertThat(count("api_keys")).isEqualTo(keys);
        assertServing();
    }

    // --- roles ----------------------------------------------------------------------------------------------

    @Test
    void aReaderReadsButCannotChangeAndOnlyAdminsManageKeysAndAudit() throws Exception {
        CatalogClient submitter = admin.as(createKey("team-roles", List.of("submitter"), null));
        CatalogClient reader = admin.as(createKey("team-roles", List.of("reader"), null));
        String modelId = json(submitter.upload(MODELS, Part.file("m.onnx", linearModel()))).get("id").asString();
        long models = count("models");

        assertThat(reader.get(MODELS + "/" + modelId).statusCode()).isEqualTo(200);
        HttpResponse<String> upload = reader.upload(MODELS, Part.file("m.onnx", linearModel()));
        assertProblem(upload, 403, "do not allow POST");
        assertProblem(reader.delete(MODELS + "/" + modelId), 403, "do not allow DELETE");
        assertProblem(reader.post(JOBS + "/" + UUID.randomUUID() + "/cancel"), 403, "[reader]");
        assertProblem(submitter.postJson(KEYS, "{\"tenant\": \"team-roles\", \"roles\": [\"admin\"]}"), 403,
                "need admin");
        assertProblem(submitter.get("/api/v1/audit-events"), 403, "need admin");

        assertThat(count("models")).isEqualTo(models);
        assertThat(reader.get(MODELS + "/" + modelId).statusCode()).isEqualTo(200);
        assertServing();
    }

    // --- tenants --------------------------------------------------------------------------------------------

    @Test
    void anotherTenantGets404ForEverythingAndListsShowOnlyItsOwn() throws Exception {
        CatalogClient a = admin.as(createKey("team-a", List.of("submitter"), null));
        CatalogClient b = admin.as(createKey("team-b", List.of("submitter"), null));
        byte[] modelBytes = linearModel();
        JsonNode model = json(a.upload(MODELS, Part.file("m.onnx", modelBytes)));
        String modelId = model.get("id").asString();
        assertThat(model.get("tenant").asString()).isEqualTo("team-a");
        String datasetId = json(a.upload(DATASETS, Part.file("d.npy", dataset()))).get("id").asString();
        HttpResponse<String> submitted = a.postJson(JOBS, submitBody(modelId, datasetId));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String jobId = json(submitted).get("id").asString();
        long models = count("models");
        long datasets = count("datasets");

        for (String path : List.of(MODELS + "/" + modelId, MODELS + "/" + modelId + "/content",
                DATASETS + "/" + datasetId, DATASETS + "/" + datasetId + "/content", JOBS + "/" + jobId,
                JOBS + "/" + jobId + "/artifact", JOBS + "/" + jobId + "/report")) {
            assertProblem(b.get(path), 404, "exists");
        }
        assertProblem(b.delete(MODELS + "/" + modelId), 404, "No model with id " + modelId);
        assertProblem(b.delete(DATASETS + "/" + datasetId), 404, "No dataset with id " + datasetId);
        assertProblem(b.post(JOBS + "/" + jobId + "/cancel"), 404, "No job with id " + jobId);
        assertProblem(b.postJson(JOBS, submitBody(modelId, datasetId)), 422, "no model with id " + modelId);
        for (String list : List.of(MODELS + "?size=100", DATASETS + "?size=100", JOBS + "?size=100")) {
            assertThat(b.get(list).body()).doesNotContain(modelId, datasetId, jobId);
        }

        assertThat(count("models")).isEqualTo(models);
        assertThat(count("datasets")).isEqualTo(datasets);
        assertThat(json(a.get(JOBS + "/" + jobId)).get("status").asString()).isEqualTo("QUEUED");
        assertThat(a.get(MODELS + "?size=100").body()).contains(modelId);
        assertThat(a.get(JOBS + "?size=100").body()).contains(jobId);
        assertThat(admin.get(MODELS + "?size=100").body()).as("admins see every tenant").contains(modelId);
        assertThat(admin.get(JOBS + "/" + jobId).statusCode()).isEqualTo(200);

        // the same bytes uploaded by another tenant: an answer of the same shape, its own id, nothing shared
        JsonNode again = json(b.upload(MODELS, Part.file("m.onnx", modelBytes)));
        assertThat(again.get("id").asString()).isNotEqualTo(modelId);
        assertThat(again.get("tenant").asString()).isEqualTo("team-b");
        assertThat(again.get("sha256").asString()).isEqualTo(model.get("sha256").asString());
        assertThat(again.properties().stream().map(Map.Entry::getKey).toList())
                .isEqualTo(model.properties().stream().map(Map.Entry::getKey).toList());
        assertServing();
    }

    @Test
    void theIdempotencyKeyIsPerTenant() throws Exception {
        CatalogClient a = admin.as(createKey("idem-a", List.of("submitter"), null));
        CatalogClient b = admin.as(createKey("idem-b", List.of("submitter"), null));
        String bodyA = inputsOf(a);
        String bodyB = inputsOf(b);

        HttpResponse<String> first = a.postJson(JOBS, bodyA, "Idempotency-Key", "nightly-1");
        HttpResponse<String> other = b.postJson(JOBS, bodyB, "Idempotency-Key", "nightly-1");
        HttpResponse<String> replay = a.postJson(JOBS, bodyA, "Idempotency-Key", "nightly-1");

        assertThat(List.of(first.statusCode(), other.statusCode(), replay.statusCode())).containsOnly(202);
        assertThat(json(other).get("id").asString()).isNotEqualTo(json(first).get("id").asString());
        assertThat(json(replay).get("id").asString()).isEqualTo(json(first).get("id").asString());
    }

    @Test
    void fiftyConcurrentSubmitsFromTwoTenantsAreAllKeptAndNoneSeenByTheOther() throws Exception {
        List<CatalogClient> tenants = List.of(admin.as(createKey("conc-a", List.of("submitter"), null)),
                admin.as(createKey("conc-b", List.of("submitter"), null)));
        List<String> bodies = new ArrayList<>();
        for (CatalogClient tenant : tenants) {
            bodies.add(inputsOf(tenant));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<HttpResponse<String>>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                int t = i % 2;
                futures.add(pool.submit(() -> tenants.get(t).postJson(JOBS, bodies.get(t))));
            }
            List<Set<String>> ids = List.of(new HashSet<>(), new HashSet<>());
            for (int i = 0; i < futures.size(); i++) {
                HttpResponse<String> response = futures.get(i).get();
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                ids.get(i % 2).add(json(response).get("id").asString());
            }
            for (int t = 0; t < 2; t++) {
                assertThat(ids.get(t)).hasSize(25);
                JsonNode listed = json(tenants.get(t).get(JOBS + "?size=100"));
                Set<String> visible = new HashSet<>(listed.get("items").findValuesAsString("id"));
                assertThat(visible).as("tenant %d sees all its jobs", t).containsAll(ids.get(t));
                assertThat(visible).as("tenant %d sees none of the other's", t).doesNotContainAnyElementsOf(ids.get(1 - t));
                for (String id : ids.get(1 - t).stream().limit(3).toList()) {
                    assertThat(tenants.get(t).get(JOBS + "/" + id).statusCode()).isEqualTo(404);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertServing();
    }

    // --- OIDC JWTs ------------------------------------------------------------------------------------------

    @Test
    void aJwtFromTheIssuerActsInItsTenantClaimWithItsRoles() throws Exception {
        CatalogClient submitter = admin.as(jwt("alice", Map.of("tenant", "jwt-team", "roles", List.of("submitter")), 300));
        JsonNode model = json(submitter.upload(MODELS, Part.file("m.onnx", linearModel())));
        assertThat(model.get("tenant").asString()).isEqualTo("jwt-team");
        String modelId = model.get("id").asString();

        CatalogClient reader = admin.as(jwt("bob", Map.of("tenant", "jwt-team", "roles", "reader"), 300));
        assertThat(reader.get(MODELS + "/" + modelId).statusCode()).isEqualTo(200);
        long models = count("models");
        assertProblem(reader.upload(MODELS, Part.file("m.onnx", linearModel())), 403, "[reader]");
        CatalogClient otherTenant = admin.as(jwt("carol", Map.of("tenant", "jwt-other", "roles", List.of("submitter")),
                300));
        assertProblem(otherTenant.get(MODELS + "/" + modelId), 404, modelId);
        assertProblem(admin.as(jwt("dave", Map.of("roles", List.of("submitter")), 300)).get(MODELS), 401,
                "'tenant' claim");
        // the provider stamps iat now, so an exp ten minutes back is refused by the expiry checks as exp < iat
        assertProblem(admin.as(jwt("erin", Map.of("tenant", "jwt-team", "roles", List.of("submitter")), -600))
                .get(MODELS), 401, "expiresAt");
        assertThat(count("models")).isEqualTo(models);

        JsonNode audit = json(admin.get("/api/v1/audit-events?tenant=jwt-team&action=model.uploaded"));
        assertThat(audit.get("items").get(0).get("resourceId").asString()).isEqualTo(modelId);
        assertThat(audit.get("items").get(0).get("actor").asString()).startsWith("jwt:").endsWith("#alice");
        assertServing();
    }

    // --- audit ----------------------------------------------------------------------------------------------

    @Test
    void theAuditLogRecordsWhoDidWhatAndIsFilteredAndBounded() throws Exception {
        Instant start = Instant.now().minusSeconds(1);
        CatalogClient a = admin.as(createKey("audit-a", List.of("submitter"), null));
        String modelId = json(a.upload(MODELS, Part.file("m.onnx", linearModel()))).get("id").asString();
        String datasetId = json(a.upload(DATASETS, Part.file("d.npy", dataset()))).get("id").asString();
        String jobId = json(a.postJson(JOBS, submitBody(modelId, datasetId))).get("id").asString();
        assertThat(a.post(JOBS + "/" + jobId + "/cancel").statusCode()).isEqualTo(202);
        assertThat(a.delete(MODELS + "/" + modelId).statusCode()).isEqualTo(204);

        JsonNode events = json(admin.get("/api/v1/audit-events?tenant=audit-a&size=100&from=" + start));
        List<String> actions = events.get("items").findValuesAsString("action");
        assertThat(actions).containsExactly("model.deleted", "job.cancelled", "job.submitted", "dataset.uploaded",
                "model.uploaded", "api-key.created");
        List<String> actors = events.get("items").findValuesAsString("actor");
        assertThat(actors.subList(0, 5)).allMatch(actor -> actor.startsWith("api-key:"));
        assertThat(actors.get(5)).as("the admin issued the key").isEqualTo("bootstrap-admin");
        assertThat(json(admin.get("/api/v1/audit-events?tenant=audit-a&action=job.cancelled")).get("items")
                .get(0).get("resourceId").asString()).isEqualTo(jobId);
        assertThat(json(admin.get("/api/v1/audit-events?tenant=audit-a&to=" + start)).get("items")).isEmpty();
        assertProblem(admin.get("/api/v1/audit-events?size=101"), 400, "size");
        assertProblem(admin.get("/api/v1/audit-events?action=model.exploded"), 400, "Unknown action");
    }

    // --- quotas and the rate limit --------------------------------------------------------------------------

    @Test
    void anUploadOverTheTenantsStorageQuotaIs429AndNothingIsStored() throws Exception {
        CatalogClient tenant = admin.as(createKey("quota-store", List.of("submitter"), null));
        assertThat(tenant.upload(DATASETS, Part.file("d.npy", dataset())).statusCode()).isEqualTo(201);
        long datasets = count("datasets");
        long blobs = admin.store().list("").size();

        HttpResponse<String> response = tenant.upload(DATASETS, Part.file("big.npy",
                NumpyFixtures.float32(new float[20_000], 20_000, 1)));

        assertProblem(response, 429, "quantizer.quotas.max-stored-bytes");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("30");
        assertThat(count("datasets")).isEqualTo(datasets);
        assertThat(admin.store().list("").size()).isEqualTo(blobs);
        assertThat(admin.as(createKey("quota-other", List.of("submitter"), null))
                .upload(DATASETS, Part.file("d.npy", dataset())).statusCode())
                .as("another tenant's quota is its own").isEqualTo(201);
        assertServing();
    }

    @Test
    void aSubmitOverTheTenantsJobQuotaIs429AndNoJobIsQueued() throws Exception {
        CatalogClient tenant = admin.as(createKey("quota-jobs", List.of("submitter"), null));
        String body = inputsOf(tenant);
        for (int i = 0; i < 26; i++) {
            assertThat(tenant.postJson(JOBS, body).statusCode()).isEqualTo(202);
        }
        long jobs = count("quantization_jobs");

        HttpResponse<String> response = tenant.postJson(JOBS, body);

        assertProblem(response, 429, "quantizer.quotas.max-active-jobs");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("30");
        assertThat(count("quantization_jobs")).isEqualTo(jobs);
        String oldest = json(tenant.get(JOBS + "?size=1")).get("items").get(0).get("id").asString();
        assertThat(tenant.post(JOBS + "/" + oldest + "/cancel").statusCode()).isEqualTo(202);
        assertThat(tenant.postJson(JOBS, body).statusCode()).as("a cancelled job frees its place").isEqualTo(202);
        assertServing();
    }

    @Test
    void aTokenOverItsRequestRateGets429WithRetryAfterAndOthersAreServed() throws Exception {
        CatalogClient greedy = admin.as(createKey("rate", List.of("reader"), null));
        List<HttpResponse<String>> limited = new ArrayList<>();
        for (int i = 0; i < 150 && limited.isEmpty(); i++) {
            HttpResponse<String> response = greedy.get(MODELS);
            if (response.statusCode() != 200) {
                limited.add(response);
            }
        }
        assertThat(limited).as("the 41st request within a second or so is over the limit").isNotEmpty();
        HttpResponse<String> response = limited.get(0);
        assertProblem(response, 429, "quantizer.security.rate-limit");
        assertThat(response.headers().firstValue("Retry-After").map(Integer::parseInt))
                .hasValueSatisfying(seconds -> assertThat(seconds).isBetween(1, 2));
        assertServing();
        Thread.sleep(1_100);
        assertThat(greedy.get(MODELS).statusCode()).as("the bucket refills").isEqualTo(200);
    }

    // --- helpers --------------------------------------------------------------------------------------------

    private String createKey(String tenant, List<String> roles, Instant expiresAt) throws Exception {
        String body = "{\"tenant\": \"" + tenant + "\", \"roles\": " + CatalogClient.JSON.writeValueAsString(roles)
                + (expiresAt == null ? "" : ", \"expiresAt\": \"" + expiresAt + "\"") + "}";
        HttpResponse<String> response = admin.postJson(KEYS, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json(response).get("key").asString();
    }

    private static String jwt(String subject, Map<String, Object> claims, long expirySeconds) {
        return OIDC.issueToken(ISSUER_ID, subject, "quantizer", claims, expirySeconds).serialize();
    }

    /** Uploads a model and a data set as {@code tenant}; returns a submit body naming them. */
    private static String inputsOf(CatalogClient tenant) throws Exception {
        String modelId = json(tenant.upload(MODELS, Part.file("m.onnx", linearModel()))).get("id").asString();
        String datasetId = json(tenant.upload(DATASETS, Part.file("d.npy", dataset()))).get("id").asString();
        return submitBody(modelId, datasetId);
    }

    private static String submitBody(String modelId, String datasetId) {
        return "{\"modelId\": \"" + modelId + "\", \"calibrationDatasetId\": \"" + datasetId + "\"}";
    }

    private static byte[] linearModel() {
        return OnnxTestModels.linear().toByteArray();
    }

    private static byte[] dataset() {
        return NumpyFixtures.float32(new float[6], 2, 3);
    }

    private long count(String table) {
        return jdbc.sql("select count(*) from " + table).query(Long.class).single();
    }

    private void assertServing() throws Exception {
        assertThat(admin.get(MODELS).statusCode()).isEqualTo(200);
    }
}
