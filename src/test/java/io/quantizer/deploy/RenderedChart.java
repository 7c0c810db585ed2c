package io.quantizer.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * The chart in {@code helm/quantizer}, rendered by {@code helm template} (helm-java runs Helm in-process, no
 * cluster, no network) and read back through {@link StrictManifestReader}.
 */
final class RenderedChart {

    static final Path CHART = Path.of("helm", "quantizer");
    static final String RELEASE = "qz";
    static final String NAMESPACE = "ml";
    /** Rendered as for this cluster version (helm template otherwise assumes an old default). */
    static final String KUBE_VERSION = "1.32.0";

    private final List<Object> resources;

    private RenderedChart(List<Object> resources) {
        this.resources = resources;
    }

    /** Renders with values.yaml plus the given values (YAML text, may be empty). */
    static RenderedChart render(String valuesYaml) {
        return new RenderedChart(StrictManifestReader.readAll(template(valuesYaml)));
    }

    /** Raw {@code helm template} output; throws with Helm's message when rendering or schema validation fails. */
    static String template(String valuesYaml) {
        TemplateCommand command = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        if (!valuesYaml.isBlank()) {
            command = command.withValuesFile(writeValues(valuesYaml));
        }
        return command.call();
    }

    private static Path writeValues(String valuesYaml) {
        try {
            Path file = Files.createTempFile("quantizer-values", ".yaml");
            file.toFile().deleteOnExit();
            return Files.writeString(file, valuesYaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Object> resources() {
        return resources;
    }

    <T> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError(
                "no " + type.getSimpleName() + " named " + name + " in " + resources));
    }

    Deployment deployment(String role) {
        return get(Deployment.class, RELEASE + "-quantizer-" + role);
    }

    Container container(String role) {
        List<Container> containers = deployment(role).getSpec().getTemplate().getSpec().getContainers();
        if (containers.size() != 1) {
            throw new AssertionError(role + " should run exactly one container, got " + containers);
        }
        return containers.get(0);
    }

    ConfigMap config() {
        return get(ConfigMap.class, RELEASE + "-quantizer-config");
    }
}
