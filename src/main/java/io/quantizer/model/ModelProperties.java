package io.quantizer.model;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import io.quantizer.model.onnx.OnnxLimits;

/**
 * {@code quantizer.models.onnx.*}: what an uploaded model's graph may declare (see {@link OnnxLimits}); a model
 * over any of them is refused with 422 {@code invalid-model} naming the limit.
 */
@ConfigurationProperties("quantizer.models.onnx")
record ModelProperties(
        @DefaultValue("10000") int maxInputs,
        @DefaultValue("10000") int maxOutputs,
        @DefaultValue("64") int maxDims,
        @DefaultValue("5000000") int maxNodes,
        @DefaultValue("1000") int maxOperatorTypes,
        @DefaultValue("64KB") DataSize maxNameBytes) {

    OnnxLimits limits() {
        return new OnnxLimits(maxInputs, maxOutputs, maxDims, maxNodes, maxOperatorTypes,
                Math.toIntExact(maxNameBytes.toBytes()));
    }
}
