package io.quantizer.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.quantizer.queue.WorkerProperties;
import io.quantizer.storage.StorageProperties;
import io.quantizer.storage.UploadProperties;
import org.springframework.util.unit.DataSize;

/** The chart with its default values: lint, then every production property of the rendered manifests. */
class HelmChartTest {

    private static final List<String> ROLES = List.of("api", "worker");

    private static RenderedChart chart;

    @BeforeAll
    static void render() {
        chart = RenderedChart.render("");
    }

    @Test
    void lintsCleanInStrictMode() {
        LintResult lint = new Helm(RenderedChart.CHART).lint().strict().call();

        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(message -> message.contains("[ERROR]") || message.contains("[WARNING]"));
    }

    @Test
    void rendersOnlyTypedKnownKindsAndNoOptionalOnes() {
        Map<String, Long> kinds = chart.resources().stream()
                .collect(Collectors.groupingBy(r -> r.getClass().getSimpleName(), Collectors.counting()));

        assertThat(kinds).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ServiceAccount", 1L, "ConfigMap", 1L, "Service", 1L, "Deployment", 2L, "PodDisruptionBudget", 2L));
    }

    @Test
    void apiAndWorkerAreSeparateDeploymentsOfTheSameImage() {
        Deployment api = chart.deployment("api");
        Deployment worker = chart.deployment("worker");

        assertThat(chart.container("api").getImage()).isEqualTo(chart.container("worker").getImage())
                .isEqualTo("quantizer:0.1.0");
        assertThat(api.getSpec().getReplicas()).isEqualTo(2);
        assertThat(worker.getSpec().getReplicas()).isEqualTo(1);
        assertThat(api.getSpec().getSelector().getMatchLabels()).containsEntry("app.kubernetes.io/component", "api");
        assertThat(worker.getSpec().getSelector().getMatchLabels())
                .containsEntry("app.kubernetes.io/component", "worker");
        for (Deployment deployment : List.of(api, worker)) {
            assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        }

        assertThat(roleConfig("api").at("/quantizer/worker/enabled").asBoolean(true)).isFalse();
        JsonNode workerConfig = roleConfig("worker");
        assertThat(workerConfig.at("/quantizer/worker/enabled").asBoolean(false)).isTrue();
        assertThat(workerConfig.at("/quantizer/worker/concurrency").asInt()).isEqualTo(1);
        assertThat(env(chart.container("api")).get("SPRING_CONFIG_ADDITIONAL_LOCATION").getValue())
                .isEqualTo("file:/config/application.yaml,file:/config/api.yaml,file:/config/overrides.yaml");
        assertThat(env(chart.container("worker")).get("SPRING_CONFIG_ADDITIONAL_LOCATION").getValue())
                .isEqualTo("file:/config/application.yaml,file:/config/worker.yaml,file:/config/overrides.yaml");
    }

    @Test
    void serviceRoutesToTheApiOnly() {
        Service service = chart.get(Service.class, "qz-quantizer");

        assertThat(service.getSpec().getSelector())
                .containsEntry("app.kubernetes.io/component", "api")
                .isEqualTo(chart.deployment("api").getSpec().getSelector().getMatchLabels());
        assertThat(service.getSpec().getPorts()).extracting(p -> p.getName(), p -> p.getTargetPort().getStrVal())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("http", "http"),
                        org.assertj.core.groups.Tuple.tuple("management", "management"));
        assertThat(chart.container("api").getPorts()).extracting(p -> p.getName(), p -> p.getContainerPort())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("http", 8080),
                        org.assertj.core.groups.Tuple.tuple("management", 8081));
    }

    @Test
    void probesUseTheHealthGroupsOnTheManagementPort() {
        int managementPort = sharedConfig().at("/management/server/port").asInt();
        assertThat(managementPort).isEqualTo(8081);
        for (String role : ROLES) {
            Container container = chart.container(role);
            assertThat(container.getPorts()).anySatisfy(port -> {
                assertThat(port.getName()).isEqualTo("management");
                assertThat(port.getContainerPort()).isEqualTo(managementPort);
            });
            assertProbe(container.getLivenessProbe(), "/actuator/health/liveness");
            assertProbe(container.getReadinessProbe(), "/actuator/health/readiness");
            // the liveness group (never the database) also gates startup, so a slow database delays readiness
            // rather than killing the pod while Flyway waits for it
            assertProbe(container.getStartupProbe(), "/actuator/health/liveness");
            Probe startup = container.getStartupProbe();
            assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold()).isGreaterThanOrEqualTo(120);
        }
    }

    private static void assertProbe(Probe probe, String path) {
        assertThat(probe).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
        assertThat(probe.getTimeoutSeconds()).isPositive();
    }

    @Test
    void podsMeetTheRestrictedPodSecurityProfile() {
        for (String role : ROLES) {
            PodSpec pod = chart.deployment(role).getSpec().getTemplate().getSpec();
            PodSecurityContext podContext = pod.getSecurityContext();
            assertThat(podContext.getRunAsNonRoot()).isTrue();
            assertThat(podContext.getRunAsUser()).isEqualTo(10001L);
            assertThat(podContext.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getAutomountServiceAccountToken()).isFalse();
            assertThat(pod.getInitContainers()).isEmpty();

            SecurityContext container = chart.container(role).getSecurityContext();
            assertThat(container.getRunAsNonRoot()).isTrue();
            assertThat(container.getAllowPrivilegeEscalation()).isFalse();
            assertThat(container.getPrivileged()).isFalse();
            assertThat(container.getReadOnlyRootFilesystem()).isTrue();
            assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(container.getCapabilities().getAdd()).isEmpty();
            assertThat(container.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

            // restricted allows only these volume types; no hostPath
            assertThat(pod.getVolumes()).allSatisfy(volume -> assertThat(
                    volume.getConfigMap() != null || volume.getEmptyDir() != null || volume.getSecret() != null
                            || volume.getPersistentVolumeClaim() != null).as(volume.getName()).isTrue());
        }
        assertThat(chart.get(ServiceAccount.class, "qz-quantizer").getAutomountServiceAccountToken()).isFalse();
    }

    @Test
    void writableDirectoriesAreSizeBoundEmptyDirs() {
        String dataDir = sharedConfig().at("/quantizer/data-dir").asText();
        String workDir = roleConfig("worker").at("/quantizer/worker/work-dir").asText();
        assertThat(workDir).startsWith(dataDir + "/");

        for (String role : ROLES) {
            Map<String, String> mounts = mountedEmptyDirs(role);
            assertThat(mounts).containsKeys("/tmp", dataDir);
            assertThat(chart.container(role).getVolumeMounts()).filteredOn(m -> m.getMountPath().equals("/config"))
                    .singleElement().satisfies(m -> assertThat(m.getReadOnly()).isTrue());
        }
        assertThat(mountedEmptyDirs("worker")).containsKey(workDir);
        assertThat(mountedEmptyDirs("api")).doesNotContainKey(workDir);
        Volume work = volume("worker", mountedEmptyDirs("worker").get(workDir));
        assertThat(work.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("20Gi"));

        // uploads are staged under the data dir (quantizer.upload.temp-dir defaults below it): room for several
        long maxUpload = DataSize.parse(sharedConfig().at("/quantizer/upload/max-size").asText()).toBytes();
        Volume apiData = volume("api", mountedEmptyDirs("api").get(dataDir));
        assertThat(bytes(apiData.getEmptyDir().getSizeLimit())).isGreaterThanOrEqualTo(3 * maxUpload);
    }

    /** Mount path to volume name, for the role's emptyDir volumes (each must carry a size limit). */
    private static Map<String, String> mountedEmptyDirs(String role) {
        Map<String, Volume> volumes = chart.deployment(role).getSpec().getTemplate().getSpec().getVolumes().stream()
                .collect(Collectors.toMap(Volume::getName, Function.identity()));
        return chart.container(role).getVolumeMounts().stream()
                .filter(mount -> volumes.get(mount.getName()).getEmptyDir() != null)
                .peek(mount -> assertThat(volumes.get(mount.getName()).getEmptyDir().getSizeLimit())
                        .as("sizeLimit of " + mount.getName()).isNotNull())
                .collect(Collectors.toMap(VolumeMount::getMountPath, VolumeMount::getName));
    }

    private static Volume volume(String role, String name) {
        return chart.deployment(role).getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void resourcesAreBoundedAndLeaveRoomForOnnxRuntimeNativeMemory() {
        for (String role : ROLES) {
            var resources = chart.container(role).getResources();
            assertThat(resources.getRequests()).containsKeys("cpu", "memory");
            assertThat(resources.getLimits()).containsKeys("cpu", "memory");
            // memory request = limit: a worker is never OOM-killed just because its node got busy
            assertThat(resources.getRequests().get("memory")).isEqualTo(resources.getLimits().get("memory"));
        }

        String apiOptions = env(chart.container("api")).get("JAVA_TOOL_OPTIONS").getValue();
        Matcher percentage = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)").matcher(apiOptions);
        assertThat(percentage.find()).as(apiOptions).isTrue();
        assertThat(Integer.parseInt(percentage.group(1))).isBetween(25, 75);

        // worker: supervisor heap + JVM overhead + per job (child heap + ORT native memory, budget 1.5x heap)
        long limit = bytes(chart.container("worker").getResources().getLimits().get("memory"));
        String workerOptions = env(chart.container("worker")).get("JAVA_TOOL_OPTIONS").getValue();
        Matcher xmx = Pattern.compile("-Xmx(\\d+)m").matcher(workerOptions);
        assertThat(xmx.find()).as(workerOptions).isTrue();
        long supervisorHeap = Long.parseLong(xmx.group(1)) << 20;
        JsonNode worker = roleConfig("worker").at("/quantizer/worker");
        Matcher childHeap = Pattern.compile("(\\d+)GB").matcher(worker.path("child-max-heap").asText());
        assertThat(childHeap.matches()).isTrue();
        long childBytes = Long.parseLong(childHeap.group(1)) << 30;
        long needed = supervisorHeap + (512L << 20) + worker.path("concurrency").asLong() * (childBytes * 5 / 2);
        assertThat(limit).as("worker memory limit vs. what its JVMs and ONNX Runtime need").isGreaterThanOrEqualTo(needed);
        assertThat(workerOptions).doesNotContain("UseG1GC", "UseSerialGC", "UseParallelGC")
                .as("each JVM keeps the collector its own ergonomics pick");
    }

    private static long bytes(Quantity quantity) {
        return Quantity.getAmountInBytes(quantity).setScale(0, java.math.RoundingMode.UNNECESSARY)
                .min(BigDecimal.valueOf(Long.MAX_VALUE)).longValueExact();
    }

    @Test
    void terminationWaitsLongerThanTheGracefulShutdown() {
        long apiShutdown = seconds(roleConfig("api").at("/spring/lifecycle/timeout-per-shutdown-phase").asText());
        PodSpec api = chart.deployment("api").getSpec().getTemplate().getSpec();
        long preStop = chart.container("api").getLifecycle().getPreStop().getSleep().getSeconds();
        assertThat(preStop).isPositive();
        assertThat(api.getTerminationGracePeriodSeconds()).isGreaterThan(preStop + apiShutdown);

        // worker: the web server's graceful phase, then db-scheduler, which waits up to twice its max wait for
        // running executions (once to let them hand their jobs back, once more after interrupting them)
        JsonNode worker = roleConfig("worker");
        long webPhase = seconds(worker.at("/spring/lifecycle/timeout-per-shutdown-phase").asText());
        long schedulerWait = seconds(worker.at("/db-scheduler/shutdown-max-wait").asText());
        assertThat(schedulerWait).isGreaterThanOrEqualTo(20);
        assertThat(chart.deployment("worker").getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .isGreaterThanOrEqualTo(webPhase + 2 * schedulerWait + 15);
    }

    private static long seconds(String springDuration) {
        return org.springframework.boot.convert.DurationStyle.SIMPLE.parse(springDuration).toSeconds();
    }

    @Test
    void disruptionBudgetsCoverEachRoleWithoutBlockingDrains() {
        for (String role : ROLES) {
            PodDisruptionBudget pdb = chart.get(PodDisruptionBudget.class, "qz-quantizer-" + role);
            assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
            assertThat(pdb.getSpec().getMinAvailable()).isNull();
            assertThat(pdb.getSpec().getSelector().getMatchLabels())
                    .isEqualTo(chart.deployment(role).getSpec().getSelector().getMatchLabels());
        }
        assertThat(chart.all(Ingress.class)).isEmpty();
    }

    @Test
    void podsRollWhenTheConfigurationChangesAndAreScrapedForMetrics() {
        for (String role : ROLES) {
            Map<String, String> annotations = chart.deployment(role).getSpec().getTemplate().getMetadata()
                    .getAnnotations();
            assertThat(annotations.get("checksum/config")).matches("[0-9a-f]{64}");
            assertThat(annotations).containsEntry("prometheus.io/path", "/actuator/prometheus")
                    .containsEntry("prometheus.io/port", "8081");
        }
        String other = RenderedChart.render("logging:\n  format: ecs\n").deployment("api").getSpec().getTemplate()
                .getMetadata().getAnnotations().get("checksum/config");
        assertThat(other).isNotEqualTo(
                chart.deployment("api").getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config"));
    }

    @Test
    void sharedConfigurationBindsToTheServiceProperties() {
        StorageProperties storage = binder("application.yaml").bind("quantizer.storage", StorageProperties.class).get();

        assertThat(storage.type()).isEqualTo(StorageProperties.Type.S3);
        assertThat(storage.s3().bucket()).isEqualTo("quantizer");
        assertThat(storage.s3().region()).isEqualTo("us-east-1");
        assertThat(storage.s3().pathStyleAccess()).isFalse();
        UploadProperties upload = binder("application.yaml").bind("quantizer.upload", UploadProperties.class).get();
        assertThat(upload.maxSize()).isEqualTo(DataSize.ofGigabytes(2));
        assertThat(sharedConfig().at("/spring/datasource/url").asText())
                .isEqualTo("jdbc:postgresql://postgresql:5432/quantizer?sslmode=prefer");
        assertThat(sharedConfig().at("/logging").isMissingNode()).isTrue();
        assertThat(env(chart.container("api"))).doesNotContainKeys("SPRING_DATASOURCE_PASSWORD",
                "QUANTIZER_STORAGE_S3_ACCESSKEY");
    }

    @Test
    void workerConfigurationBindsToTheWorkerProperties() {
        WorkerProperties worker = binder("worker.yaml", "application.yaml")
                .bind("quantizer.worker", WorkerProperties.class).get();

        assertThat(worker.enabled()).isTrue();
        assertThat(worker.concurrency()).isEqualTo(1);
        assertThat(worker.workDir()).isEqualTo(Path.of("/var/lib/quantizer/work"));
        assertThat(worker.childMaxHeap()).isEqualTo(DataSize.ofGigabytes(2));
        assertThat(worker.timeout()).isEqualTo(java.time.Duration.ofMinutes(30));
        assertThat(worker.maxAttempts()).isEqualTo(3);
        assertThat(worker.maxResultSize()).isEqualTo(DataSize.ofMegabytes(1));
        assertThat(binder("api.yaml").bind("quantizer.worker.enabled", Boolean.class).get()).isFalse();
    }

    /** The ConfigMap's files as Spring property sources, first file first (it wins). */
    private static Binder binder(String... configFiles) {
        List<PropertySource<?>> sources = new java.util.ArrayList<>();
        try {
            for (String file : configFiles) {
                sources.addAll(new YamlPropertySourceLoader().load(file,
                        new ByteArrayResource(chart.config().getData().get(file).getBytes())));
            }
            return new Binder(ConfigurationPropertySources.from(sources));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode sharedConfig() {
        return sharedConfigOf(chart);
    }

    private static JsonNode roleConfig(String role) {
        return roleConfigOf(chart, role);
    }

    /** The application.yaml both roles load from the chart's ConfigMap. */
    static JsonNode sharedConfigOf(RenderedChart rendered) {
        return StrictManifestReader.tree(rendered.config().getData().get("application.yaml"));
    }

    /** The role's own file ({@code api.yaml} or {@code worker.yaml}) from the chart's ConfigMap. */
    static JsonNode roleConfigOf(RenderedChart rendered, String role) {
        return StrictManifestReader.tree(rendered.config().getData().get(role + ".yaml"));
    }

    static Map<String, EnvVar> env(Container container) {
        return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, Function.identity()));
    }
}
