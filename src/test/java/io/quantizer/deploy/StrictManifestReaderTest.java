package io.quantizer.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.apps.Deployment;

/** The reader the chart tests rely on really refuses what the API server would refuse or silently drop. */
class StrictManifestReaderTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: demo
            spec:
              selector:
                matchLabels: {app: demo}
              template:
                metadata:
                  labels: {app: demo}
                spec:
                  containers:
                    - name: app
                      image: demo:1
                      %s
            """;

    @Test
    void readsAValidDeploymentTyped() {
        Object resource = StrictManifestReader.readAll(DEPLOYMENT.formatted("env: [{name: A, value: \"1\"}]")).get(0);

        assertThat(resource).isInstanceOfSatisfying(Deployment.class, deployment -> assertThat(
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().get(0).getValue())
                .isEqualTo("1"));
    }

    @Test
    void refusesAMisspeltField() {
        assertThatThrownBy(() -> StrictManifestReader.readAll(
                DEPLOYMENT.formatted("readinesProbe: {httpGet: {path: /, port: 8080}}")))
                .hasStackTraceContaining("readinesProbe");
    }

    @Test
    void refusesAFieldAtTheWrongLevel() {
        assertThatThrownBy(() -> StrictManifestReader.readAll(DEPLOYMENT.formatted("runAsNonRoot: true")))
                .hasStackTraceContaining("runAsNonRoot");
    }

    @Test
    void refusesANumberWhereKubernetesWantsAString() {
        assertThatThrownBy(() -> StrictManifestReader.readAll(DEPLOYMENT.formatted("env: [{name: A, value: 1}]")))
                .hasStackTraceContaining("value");
    }

    @Test
    void refusesUnknownKindsAndUnknownKedaFields() {
        assertThatThrownBy(() -> StrictManifestReader.readAll("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"))
                .hasMessageContaining("v1/Pod");
        assertThatThrownBy(() -> StrictManifestReader.readAll("""
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: s}
                spec:
                  scaleTargetRef: {name: w}
                  maxReplicas: 3
                """)).hasStackTraceContaining("maxReplicas");
    }
}
