package io.quantizer.deploy;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;

/**
 * The parts of KEDA's {@code keda.sh/v1alpha1} CRDs the chart uses, as strict records (fields named as in KEDA's
 * CRD schema). Anything else the chart renders under these kinds fails to deserialize.
 */
final class KedaResources {

    private KedaResources() {
    }

    record ScaledObject(String apiVersion, String kind, ObjectMeta metadata, ScaledObjectSpec spec) {
    }

    record ScaledObjectSpec(ScaleTargetRef scaleTargetRef, Integer minReplicaCount, Integer maxReplicaCount,
                            Integer pollingInterval, Integer cooldownPeriod, Advanced advanced,
                            List<Trigger> triggers) {
    }

    record ScaleTargetRef(String apiVersion, String kind, String name) {
    }

    record Advanced(HorizontalPodAutoscalerConfig horizontalPodAutoscalerConfig) {
    }

    record HorizontalPodAutoscalerConfig(HorizontalPodAutoscalerBehavior behavior) {
    }

    /** KEDA trigger metadata is a string-to-string map. */
    record Trigger(String type, Map<String, String> metadata, AuthenticationRef authenticationRef) {
    }

    record AuthenticationRef(String name) {
    }

    record TriggerAuthentication(String apiVersion, String kind, ObjectMeta metadata,
                                 TriggerAuthenticationSpec spec) {
    }

    record TriggerAuthenticationSpec(List<SecretTargetRef> secretTargetRef) {
    }

    record SecretTargetRef(String parameter, String name, String key) {
    }
}
