package io.quantizer.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.quantizer.deploy.KedaResources.ScaledObject;
import io.quantizer.deploy.KedaResources.TriggerAuthentication;

/** The chart's optional parts: Ingress, KEDA autoscaling, credentials, filesystem storage, JSON logs, overrides. */
class HelmChartOptionsTest {

    @Test
    void ingressRoutesItsHostsToTheApiServiceHttpPort() {
        RenderedChart chart = RenderedChart.render("""
                ingress:
                  enabled: true
                  className: nginx
                  annotations:
                    nginx.ingress.kubernetes.io/proxy-body-size: "0"
                  hosts:
                    - host: quantizer.ml.example.org
                      paths: [{path: /, pathType: Prefix}]
                  tls:
                    - secretName: quantizer-tls
                      hosts: [quantizer.ml.example.org]
                """);

        Ingress ingress = chart.get(Ingress.class, "qz-quantizer");
        assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
        assertThat(ingress.getSpec().getTls()).singleElement()
                .satisfies(tls -> assertThat(tls.getSecretName()).isEqualTo("quantizer-tls"));
        IngressRule rule = ingress.getSpec().getRules().get(0);
        assertThat(rule.getHost()).isEqualTo("quantizer.ml.example.org");
        assertThat(rule.getHttp().getPaths()).singleElement().satisfies(path -> {
            assertThat(path.getBackend().getService().getName()).isEqualTo("qz-quantizer");
            assertThat(path.getBackend().getService().getPort().getName()).isEqualTo("http");
        });
    }

    @Test
    void kedaScalesWorkersOnQueuedAndRunningJobs() {
        RenderedChart chart = RenderedChart.render("""
                database:
                  host: pg
                  existingSecret: pg-credentials
                  existingSecretPasswordKey: pw
                worker:
                  concurrency: 2
                  autoscaling:
                    enabled: true
                    minReplicas: 0
                    maxReplicas: 6
                """);

        ScaledObject scaled = chart.all(ScaledObject.class).get(0);
        assertThat(scaled.spec().scaleTargetRef().name()).isEqualTo(chart.deployment("worker").getMetadata().getName());
        assertThat(scaled.spec().scaleTargetRef().kind()).isEqualTo("Deployment");
        assertThat(scaled.spec().minReplicaCount()).isZero();
        assertThat(scaled.spec().maxReplicaCount()).isEqualTo(6);
        assertThat(scaled.spec().advanced().horizontalPodAutoscalerConfig().behavior().getScaleDown()
                .getStabilizationWindowSeconds()).isEqualTo(300);
        KedaResources.Trigger trigger = scaled.spec().triggers().get(0);
        assertThat(trigger.type()).isEqualTo("postgresql");
        assertThat(trigger.metadata()).containsEntry("host", "pg.ml.svc").containsEntry("port", "5432")
                .containsEntry("dbName", "quantizer").containsEntry("userName", "quantizer")
                .containsEntry("targetQueryValue", "2")
                .containsEntry("query",
                        "SELECT COUNT(*) FROM quantization_jobs WHERE status IN ('QUEUED', 'RUNNING')");

        TriggerAuthentication auth = chart.all(TriggerAuthentication.class).get(0);
        assertThat(auth.metadata().getName()).isEqualTo(trigger.authenticationRef().name());
        assertThat(auth.spec().secretTargetRef()).singleElement().satisfies(ref -> {
            assertThat(ref.parameter()).isEqualTo("password");
            assertThat(ref.name()).isEqualTo("pg-credentials");
            assertThat(ref.key()).isEqualTo("pw");
        });
        // KEDA's HPA owns the replica count; a fixed one would fight it on every upgrade
        assertThat(chart.deployment("worker").getSpec().getReplicas()).isNull();
        assertThat(chart.deployment("api").getSpec().getReplicas()).isEqualTo(2);
    }

    @Test
    void kedaKeepsAFullyQualifiedDatabaseHost() {
        RenderedChart chart = RenderedChart.render("""
                database: {host: db.prod.example.org, password: s3cret}
                worker: {autoscaling: {enabled: true}}
                """);

        assertThat(chart.all(ScaledObject.class).get(0).spec().triggers().get(0).metadata())
                .containsEntry("host", "db.prod.example.org");
        assertThat(chart.all(TriggerAuthentication.class).get(0).spec().secretTargetRef().get(0).name())
                .isEqualTo("qz-quantizer-credentials");
    }

    @Test
    void kedaWithoutADatabasePasswordIsRefused() {
        assertThatThrownBy(() -> RenderedChart.template("worker: {autoscaling: {enabled: true}}\n"))
                .hasMessageContaining("worker.autoscaling.enabled needs the database password");
    }

    @Test
    void existingSecretsAreReferencedAndNoSecretIsCreated() {
        RenderedChart chart = RenderedChart.render("""
                database: {existingSecret: pg, existingSecretPasswordKey: pass}
                storage:
                  s3:
                    existingSecret: s3-keys
                    existingSecretAccessKeyKey: id
                    existingSecretSecretKeyKey: key
                """);

        assertThat(chart.all(Secret.class)).isEmpty();
        for (String role : new String[] {"api", "worker"}) {
            Map<String, EnvVar> env = HelmChartTest.env(chart.container(role));
            assertSecretRef(env.get("SPRING_DATASOURCE_PASSWORD"), "pg", "pass");
            assertSecretRef(env.get("QUANTIZER_STORAGE_S3_ACCESSKEY"), "s3-keys", "id");
            assertSecretRef(env.get("QUANTIZER_STORAGE_S3_SECRETKEY"), "s3-keys", "key");
        }
    }

    @Test
    void credentialsGivenAsValuesGoIntoAChartSecret() {
        RenderedChart chart = RenderedChart.render("""
                database: {password: db-pass}
                storage: {s3: {accessKey: AKIA1, secretKey: shh}}
                """);

        Secret secret = chart.get(Secret.class, "qz-quantizer-credentials");
        assertThat(decode(secret.getData())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "database-password", "db-pass", "s3-access-key", "AKIA1", "s3-secret-key", "shh"));
        Map<String, EnvVar> env = HelmChartTest.env(chart.container("worker"));
        assertSecretRef(env.get("SPRING_DATASOURCE_PASSWORD"), "qz-quantizer-credentials", "database-password");
        assertSecretRef(env.get("QUANTIZER_STORAGE_S3_ACCESSKEY"), "qz-quantizer-credentials", "s3-access-key");
        // secrets never land in the ConfigMap
        assertThat(chart.config().getData().values()).noneMatch(text -> text.contains("db-pass") || text.contains("shh"));
    }

    private static Map<String, String> decode(Map<String, String> data) {
        return data.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                e -> new String(Base64.getDecoder().decode(e.getValue()), StandardCharsets.UTF_8)));
    }

    private static void assertSecretRef(EnvVar var, String secret, String key) {
        assertThat(var).isNotNull();
        SecretKeySelector ref = var.getValueFrom().getSecretKeyRef();
        assertThat(ref.getName()).isEqualTo(secret);
        assertThat(ref.getKey()).isEqualTo(key);
    }

    @Test
    void filesystemStorageMountsTheSharedClaimInBothRoles() {
        RenderedChart chart = RenderedChart.render("storage: {type: filesystem, filesystem: {existingClaim: objects-rwx}}\n");

        for (String role : new String[] {"api", "worker"}) {
            PodSpec pod = chart.deployment(role).getSpec().getTemplate().getSpec();
            assertThat(pod.getVolumes()).filteredOn(volume -> volume.getPersistentVolumeClaim() != null)
                    .singleElement().satisfies(volume ->
                            assertThat(volume.getPersistentVolumeClaim().getClaimName()).isEqualTo("objects-rwx"));
            assertThat(chart.container(role).getVolumeMounts())
                    .anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/var/lib/quantizer/objects"));
        }
        JsonNode storage = StrictManifestReader.tree(chart.config().getData().get("application.yaml"))
                .at("/quantizer/storage");
        assertThat(storage.path("type").asText()).isEqualTo("filesystem");
        assertThat(storage.at("/filesystem/root").asText()).isEqualTo("/var/lib/quantizer/objects");
        assertThat(storage.has("s3")).isFalse();
    }

    @Test
    void jsonLogsAndOverridesReachTheConfiguration() {
        RenderedChart chart = RenderedChart.render("""
                logging: {format: logstash}
                config:
                  quantizer:
                    worker:
                      engine-threads: 4
                """);

        assertThat(StrictManifestReader.tree(chart.config().getData().get("application.yaml"))
                .at("/logging/structured/format/console").asText()).isEqualTo("logstash");
        assertThat(StrictManifestReader.tree(chart.config().getData().get("overrides.yaml"))
                .at("/quantizer/worker/engine-threads").asInt()).isEqualTo(4);
    }

    @Test
    void disruptionBudgetsAndPreStopCanBeTuned() {
        RenderedChart chart = RenderedChart.render("""
                api:
                  replicas: 3
                  preStopSleepSeconds: 0
                  podDisruptionBudget: {enabled: true, minAvailable: 2}
                worker:
                  podDisruptionBudget: {enabled: false}
                """);

        PodDisruptionBudget api = chart.get(PodDisruptionBudget.class, "qz-quantizer-api");
        assertThat(api.getSpec().getMinAvailable().getIntVal()).isEqualTo(2);
        assertThat(api.getSpec().getMaxUnavailable()).isNull();
        assertThat(chart.find(PodDisruptionBudget.class, "qz-quantizer-worker")).isEmpty();
        assertThat(chart.container("api").getLifecycle()).isNull();
        Deployment deployment = chart.deployment("api");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    }
}
