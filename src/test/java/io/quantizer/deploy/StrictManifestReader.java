package io.quantizer.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/**
 * Reads rendered manifests into typed Kubernetes models and refuses any field the model does not know.
 * <p>
 * fabric8's models swallow unknown fields into an {@code additionalProperties} map through {@code @JsonAnySetter},
 * so FAIL_ON_UNKNOWN_PROPERTIES alone never fires. This reader switches every any-setter off, which turns a
 * misspelt or misplaced key ({@code readinesProbe}, {@code securityContext} at the wrong level) into an error.
 * Numbers or booleans where the API wants a string fail as well. KEDA's kinds have no fabric8 model; they are read into the strict records in {@link KedaResources}.
 */
final class StrictManifestReader {

    private static final Map<String, Class<?>> TYPES = Map.of(
            "v1/ServiceAccount", ServiceAccount.class,
            "v1/Secret", Secret.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "networking.k8s.io/v1/Ingress", Ingress.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class,
            "keda.sh/v1alpha1/ScaledObject", KedaResources.ScaledObject.class,
            "keda.sh/v1alpha1/TriggerAuthentication", KedaResources.TriggerAuthentication.class);

    private static final ObjectMapper TYPED = YAMLMapper.builder()
            .annotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated annotated) {
                    return Boolean.FALSE;
                }
            })
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            // the API server refuses a number or boolean where a string belongs (an env value, a label): so do we
            .withCoercionConfig(LogicalType.Textual, config -> config
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();

    private static final ObjectMapper TREE = new ObjectMapper(new YAMLFactory());

    private StrictManifestReader() {
    }

    /** Every document of a multi-document YAML stream (helm template output), typed. */
    static List<Object> readAll(String yaml) {
        List<Object> resources = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = TREE.readerFor(JsonNode.class).readValues(yaml)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document == null || document.isNull() || document.isEmpty()) {
                    continue;
                }
                resources.add(read(document));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("rendered chart is not valid YAML", e);
        }
        return resources;
    }

    static Object read(JsonNode document) throws IOException {
        String key = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
        Class<?> type = TYPES.get(key);
        if (type == null) {
            throw new IllegalArgumentException("the chart rendered a kind this test does not know: " + key);
        }
        return TYPED.treeToValue(document, type);
    }

    /** Reads one YAML document (a file from a ConfigMap, say) as a tree. */
    static JsonNode tree(String yaml) {
        try {
            return TREE.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
