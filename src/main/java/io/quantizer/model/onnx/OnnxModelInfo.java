package io.quantizer.model.onnx;

import java.util.List;
import java.util.Map;

/**
 * What the metadata reader learns from a model without loading its weights.
 *
 * @param opsets         operator set version per domain; the default domain is reported as {@code ai.onnx}
 * @param parameterCount floating-point weight elements in initializers, {@code Constant} nodes and tensor
 *                       attributes, sparse initializers (stored values), including every subgraph
 * @param operatorCounts nodes per operator type, subgraphs included; operators outside the default domain are
 *                       keyed {@code domain:OpType}
 * @param externalData   the tensors whose bytes the model keeps in external-data files, unchecked
 */
public record OnnxModelInfo(long irVersion, Map<String, Long> opsets, String producerName, String producerVersion,
                            List<TensorSignature> inputs, List<TensorSignature> outputs, long parameterCount,
                            Map<String, Long> operatorCounts, List<ExternalReference> externalData) {

    public OnnxModelInfo {
        opsets = Map.copyOf(opsets);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        operatorCounts = Map.copyOf(operatorCounts);
        externalData = List.copyOf(externalData);
    }
}
