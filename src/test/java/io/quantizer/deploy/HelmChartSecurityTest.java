package io.quantizer.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import org.junit.jupiter.api.Test;

/** The chart's security settings: NetworkPolicies, TLS to the database, workers without a public API. */
class HelmChartSecurityTest {

    private static final String POLICY_VALUES = """
            networkPolicy:
              enabled: true
              ingressController:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: traefik}}
              monitoring:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: observability}}
                  podSelector: {matchLabels: {app: prometheus}}
              database:
                - ipBlock: {cidr: 10.0.5.0/24}
              objectStore:
                - ipBlock: {cidr: 52.216.0.0/15}
              objectStorePorts: [443, 9000]
            database:
              port: 6432
            """;

    private static NetworkPolicy policy(RenderedChart chart, String role) {
        return chart.get(NetworkPolicy.class, RenderedChart.RELEASE + "-quantizer-" + role);
    }

    private static List<Object> ports(List<NetworkPolicyPort> ports) {
        return ports.stream().map(p -> p.getProtocol() + "/" + portValue(p.getPort())).map(Object.class::cast)
                .toList();
    }

    private static String portValue(IntOrString port) {
        return port.getStrVal() != null ? port.getStrVal() : String.valueOf(port.getIntVal());
    }

    @Test
    void noNetworkPolicyUnlessEnabled() {
        assertThat(RenderedChart.render("").all(NetworkPolicy.class)).isEmpty();
    }

    @Test
    void theApiTakesHttpFromTheIngressControllerAndManagementFromMonitoringOnly() {
        RenderedChart chart = RenderedChart.render(POLICY_VALUES);
        NetworkPolicy api = policy(chart, "api");

        assertThat(api.getSpec().getPodSelector().getMatchLabels())
                .containsEntry("app.kubernetes.io/component", "api");
        assertThat(api.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        List<NetworkPolicyIngressRule> ingress = api.getSpec().getIngress();
        assertThat(ingress).hasSize(2);
        assertThat(ports(ingress.get(0).getPorts())).containsExactly("TCP/http");
        assertThat(ingress.get(0).getFrom()).singleElement().satisfies(peer -> assertThat(
                peer.getNamespaceSelector().getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "traefik"));
        assertThat(ports(ingress.get(1).getPorts())).containsExactly("TCP/management");
        assertThat(ingress.get(1).getFrom()).singleElement().satisfies(peer -> {
            assertThat(peer.getNamespaceSelector().getMatchLabels())
                    .containsEntry("kubernetes.io/metadata.name", "observability");
            assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("app", "prometheus");
        });
        // the named ports exist on the api container
        assertThat(chart.container("api").getPorts()).extracting(p -> p.getName())
                .contains("http", "management");
    }

    @Test
    void workersTakeNoApiTrafficAndServeTheApiOnLoopbackOnly() {
        RenderedChart chart = RenderedChart.render(POLICY_VALUES);
        NetworkPolicy worker = policy(chart, "worker");

        assertThat(worker.getSpec().getPodSelector().getMatchLabels())
                .containsEntry("app.kubernetes.io/component", "worker");
        assertThat(worker.getSpec().getIngress()).singleElement()
                .satisfies(rule -> assertThat(ports(rule.getPorts())).containsExactly("TCP/management"));
        assertThat(chart.container("worker").getPorts()).extracting(p -> p.getName()).containsExactly("management");
        JsonNode workerConfig = HelmChartTest.roleConfigOf(chart, "worker");
        assertThat(workerConfig.at("/server/address").asText()).isEqualTo("127.0.0.1");
        assertThat(workerConfig.at("/management/server/address").asText()).isEqualTo("0.0.0.0");
        assertThat(HelmChartTest.roleConfigOf(chart, "api").at("/server/address").isMissingNode()).isTrue();
    }

    @Test
    void egressGoesToDnsTheDatabaseAndTheObjectStoreOnly() {
        RenderedChart chart = RenderedChart.render(POLICY_VALUES);

        for (String role : List.of("api", "worker")) {
            List<NetworkPolicyEgressRule> egress = policy(chart, role).getSpec().getEgress();
            assertThat(egress).as(role).hasSize(3);
            assertThat(egress).allSatisfy(rule -> {
                assertThat(rule.getTo()).as("a rule without peers would allow every destination").isNotEmpty();
                assertThat(rule.getPorts()).isNotEmpty();
            });
            assertThat(ports(egress.get(0).getPorts())).containsExactly("UDP/53", "TCP/53");
            assertThat(egress.get(0).getTo()).singleElement().satisfies(peer -> assertThat(
                    peer.getPodSelector().getMatchLabels()).containsEntry("k8s-app", "kube-dns"));
            assertThat(ports(egress.get(1).getPorts())).containsExactly("TCP/6432");
            assertThat(egress.get(1).getTo()).extracting(NetworkPolicyPeer::getIpBlock)
                    .extracting(b -> b.getCidr()).containsExactly("10.0.5.0/24");
            assertThat(ports(egress.get(2).getPorts())).containsExactly("TCP/443", "TCP/9000");
            assertThat(egress.get(2).getTo()).extracting(NetworkPolicyPeer::getIpBlock)
                    .extracting(b -> b.getCidr()).containsExactly("52.216.0.0/15");
        }
    }

    @Test
    void callbackReceiversGetTheirOwnEgressRuleAndAllowList() {
        RenderedChart chart = RenderedChart.render(POLICY_VALUES.replace("  objectStorePorts: [443, 9000]\n",
                """
                  objectStorePorts: [443, 9000]
                  callbacks:
                    - ipBlock: {cidr: 10.42.0.0/16}
                  callbackPorts: [8443]
                callbacks:
                  allow: [10.42.0.0/16]
                """));

        for (String role : List.of("api", "worker")) {
            List<NetworkPolicyEgressRule> egress = policy(chart, role).getSpec().getEgress();
            assertThat(egress).as(role).hasSize(4);
            assertThat(ports(egress.get(3).getPorts())).containsExactly("TCP/8443");
            assertThat(egress.get(3).getTo()).extracting(NetworkPolicyPeer::getIpBlock)
                    .extracting(b -> b.getCidr()).containsExactly("10.42.0.0/16");
        }
        assertThat(HelmChartTest.sharedConfigOf(chart).at("/quantizer/callbacks/allow/0").asText())
                .isEqualTo("10.42.0.0/16");
    }

    @Test
    void verifyFullChecksTheServerAgainstACaFromASecret() {
        RenderedChart chart = RenderedChart.render("""
                database:
                  host: pg.db.svc
                  sslMode: verify-full
                  sslRootCert:
                    existingSecret: pg-ca
                    key: root.crt
                """);

        assertThat(HelmChartTest.sharedConfigOf(chart).at("/spring/datasource/url").asText()).isEqualTo(
                "jdbc:postgresql://pg.db.svc:5432/quantizer?sslmode=verify-full"
                        + "&sslrootcert=/etc/quantizer/database-ca/root.crt");
        for (String role : List.of("api", "worker")) {
            Map<String, VolumeMount> mounts = new java.util.HashMap<>();
            chart.container(role).getVolumeMounts().forEach(m -> mounts.put(m.getName(), m));
            assertThat(mounts.get("database-ca").getMountPath()).isEqualTo("/etc/quantizer/database-ca");
            assertThat(mounts.get("database-ca").getReadOnly()).isTrue();
            Volume volume = chart.deployment(role).getSpec().getTemplate().getSpec().getVolumes().stream()
                    .filter(v -> v.getName().equals("database-ca")).findFirst().orElseThrow();
            assertThat(volume.getSecret().getSecretName()).isEqualTo("pg-ca");
            assertThat(volume.getSecret().getItems()).singleElement()
                    .satisfies(item -> assertThat(item.getPath()).isEqualTo("root.crt"));
        }
        // without a CA nothing is mounted and the URL is unchanged
        RenderedChart plain = RenderedChart.render("");
        assertThat(plain.container("api").getVolumeMounts()).noneMatch(m -> m.getName().equals("database-ca"));
    }

    @Test
    void theBootstrapAdminKeyComesFromASecretWhenOneIsNamed() {
        RenderedChart chart = RenderedChart.render("""
                security:
                  adminKey:
                    existingSecret: quantizer-admin
                    key: token
                """);
        for (String role : List.of("api", "worker")) {
            var env = chart.container(role).getEnv().stream()
                    .filter(e -> e.getName().equals("QUANTIZER_SECURITY_ADMINKEY")).findFirst().orElseThrow();
            assertThat(env.getValue()).isNull();
            assertThat(env.getValueFrom().getSecretKeyRef().getName()).isEqualTo("quantizer-admin");
            assertThat(env.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
        }
        assertThat(RenderedChart.render("").container("api").getEnv())
                .noneMatch(e -> e.getName().equals("QUANTIZER_SECURITY_ADMINKEY"));
    }

    @Test
    void uploadAdmissionRetentionAndWorkerLimitsReachTheConfiguration() {
        RenderedChart chart = RenderedChart.render("""
                upload: {maxSize: 4GB, maxConcurrent: 3, minFreeSpace: 2GB}
                jobs: {retention: 30d}
                worker: {maxAttempts: 5, maxResultSize: 4MB}
                """);

        JsonNode shared = HelmChartTest.sharedConfigOf(chart);
        assertThat(shared.at("/quantizer/upload/max-concurrent").asInt()).isEqualTo(3);
        assertThat(shared.at("/quantizer/upload/min-free-space").asText()).isEqualTo("2GB");
        assertThat(shared.at("/quantizer/jobs/retention").asText()).isEqualTo("30d");
        JsonNode worker = HelmChartTest.roleConfigOf(chart, "worker");
        assertThat(worker.at("/quantizer/worker/max-attempts").asInt()).isEqualTo(5);
        assertThat(worker.at("/quantizer/worker/max-result-size").asText()).isEqualTo("4MB");
        assertThat(HelmChartTest.sharedConfigOf(RenderedChart.render("")).at("/quantizer/jobs").isMissingNode())
                .as("no retention by default").isTrue();
    }
}
