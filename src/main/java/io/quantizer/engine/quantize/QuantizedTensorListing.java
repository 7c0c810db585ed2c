package io.quantizer.engine.quantize;

import java.util.ArrayList;
import java.util.List;

import io.quantizer.engine.calibration.TensorRange;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.onnx.TensorData;

/** Lists every tensor the plan quantized with its range and parameters, in the order they were marked. */
final class QuantizedTensorListing {

    private final GraphIndex index;
    private final QuantizationPlan plan;
    private final QuantParamsTable params;

    QuantizedTensorListing(GraphIndex index, QuantizationPlan plan, QuantParamsTable params) {
        this.index = index;
        this.plan = plan;
        this.params = params;
    }

    List<QuantizedTensor> tensors() {
        List<QuantizedTensor> out = new ArrayList<>();
        for (String name : plan.activations().keySet()) {
            String root = plan.root(name);
            out.add(entry(name, "activation", params.activationRange(root), params.activation(root)));
        }
        plan.constants().forEach((name, mark) -> out.add(entry(name, mark.asActivation() ? "activation" : "weight",
                params.constantRange(name), params.constant(name))));
        for (QuantizationPlan.Bias bias : plan.biases()) {
            float[] values = TensorData.floats(index.constant(bias.name()));
            float min = 0;
            float max = 0;
            for (float v : values) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            out.add(entry(bias.name(), "bias", new TensorRange(min, max), params.bias(bias)));
        }
        return out;
    }

    private static QuantizedTensor entry(String name, String kind, TensorRange range, QuantParams p) {
        return new QuantizedTensor(name, kind, range.min(), range.max(), p.scales().clone(), p.zeroPoints().clone(),
                p.type().onnxName(), p.axis());
    }
}
