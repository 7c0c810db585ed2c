package io.quantizer.engine.evaluation;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.quantizer.engine.EngineInputException;
import io.quantizer.engine.runtime.FeedReader;

/**
 * Feeds each decoded batch to both models and accumulates per-output fidelity, top-k and argmax agreement.
 * float16 outputs are compared as float32 (ONNX Runtime widens them on reading).
 * The classification output is the first float output shaped [samples, classes] (classes ≥ 2, and more than any
 * label seen in the first batch); without one, top-k and agreement stay null.
 */
final class FidelityPass {

    private final OrtSession reference;
    private final OrtSession quantized;
    private final Map<String, OutputComparison> comparisons = new LinkedHashMap<>();
    private String classificationOutput;
    private TopK topK;
    private boolean decided;
    private long samples;

    FidelityPass(OrtSession reference, OrtSession quantized) {
        this.reference = reference;
        this.quantized = quantized;
    }

    void run(FeedReader reader, int batchSize, DoubleConsumer progress) throws IOException, OrtException {
        long total = reader.remaining();
        while (reader.remaining() > 0) {
            try (FeedReader.Batch batch = reader.next(batchSize);
                 OrtSession.Result x = reference.run(batch.inputs());
                 OrtSession.Result y = quantized.run(batch.inputs())) {
                long[] labels = labels(batch);
                for (Map.Entry<String, OnnxValue> e : x) {
                    compare(e.getKey(), e.getValue(), y.get(e.getKey()).orElseThrow(), batch.size(), labels);
                }
                samples += batch.size();
            }
            progress.accept((double) samples / total);
        }
    }

    private void compare(String name, OnnxValue a, OnnxValue b, int batch, long[] labels) {
        if (!(a instanceof OnnxTensor ta) || !(b instanceof OnnxTensor tb)
                || (ta.getInfo().type != OnnxJavaType.FLOAT && ta.getInfo().type != OnnxJavaType.FLOAT16)) {
            return;
        }
        FloatBuffer fa = ta.getFloatBuffer();
        FloatBuffer fb = tb.getFloatBuffer();
        comparisons.computeIfAbsent(name, OutputComparison::new).add(fa, fb);
        long[] shape = ta.getInfo().getShape();
        if (!decided && shape.length == 2 && shape[0] == batch && shape[1] >= 2
                && (labels == null || maxLabel(labels) < shape[1])) {
            classificationOutput = name;
            topK = new TopK((int) shape[1]);
            decided = true;
        }
        if (name.equals(classificationOutput)) {
            checkLabels(labels, name);
            topK.add(fa, fb, labels);
        }
    }

    /** The classification output is fixed after the first batch: a later batch cannot switch it. */
    private void checkLabels(long[] labels, String output) {
        if (labels == null) {
            return;
        }
        for (long label : labels) {
            if (label < 0 || label >= topK.classes()) {
                throw new EngineInputException("label " + label + " is outside the " + topK.classes()
                        + " classes of output '" + output + "'");
            }
        }
    }

    private long[] labels(FeedReader.Batch batch) {
        if (batch.labels() == null) {
            return null;
        }
        long[] labels = new long[batch.size()];
        batch.labels().get(0, labels);
        return labels;
    }

    private static long maxLabel(long[] labels) {
        long max = Long.MIN_VALUE;
        for (long l : labels) {
            max = Math.max(max, l);
        }
        return max;
    }

    long samples() {
        return samples;
    }

    List<OutputFidelity> outputs() {
        List<OutputFidelity> out = new ArrayList<>();
        comparisons.values().forEach(c -> out.add(c.result()));
        return out;
    }

    /** Null without a classification-shaped output. */
    TopK topK() {
        return topK;
    }

    String classificationOutput() {
        return classificationOutput;
    }
}
