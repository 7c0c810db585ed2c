package io.quantizer.engine.analysis;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtSession;
import io.quantizer.engine.runtime.FeedReader;

/**
 * The fp32 model's float outputs and the labels on the analysis subset, held so that each model the analysis tries
 * runs alone instead of beside fp32 again. Their size is the subset's samples times the outputs' size, bounded by
 * {@code analysis.samples}.
 */
final class ReferenceOutputs {

    private final Set<String> outputs;
    private final Map<String, float[]> values = new LinkedHashMap<>();
    private final Map<String, Integer> perSample = new LinkedHashMap<>();
    private final long[] labels;
    private boolean labelled;

    ReferenceOutputs(Set<String> outputs, int samples) {
        this.outputs = Set.copyOf(outputs);
        this.labels = new long[samples];
    }

    void add(long offset, FeedReader.Batch batch, OrtSession.Result fp32) {
        for (String name : outputs) {
            FloatBuffer b = floats(fp32.get(name).orElse(null));
            if (b == null) {
                continue;
            }
            int each = b.remaining() / batch.size();
            perSample.putIfAbsent(name, each);
            float[] all = values.computeIfAbsent(name, k -> new float[labels.length * each]);
            b.get(all, (int) offset * each, batch.size() * each);
        }
        if (batch.labels() != null) {
            labelled = true;
            batch.labels().get(0, labels, (int) offset, batch.size());
        }
    }

    Set<String> names() {
        return values.keySet();
    }

    /** The fp32 values of {@code output} for {@code count} samples from {@code offset}. */
    FloatBuffer slice(String output, long offset, int count) {
        int each = perSample.get(output);
        return FloatBuffer.wrap(values.get(output), (int) offset * each, count * each);
    }

    int perSample(String output) {
        return perSample.get(output);
    }

    boolean labelled() {
        return labelled;
    }

    long label(long sample) {
        return labels[(int) sample];
    }

    /** A float (or float16, widened) tensor's values; null for anything else. */
    static FloatBuffer floats(OnnxValue value) {
        return value instanceof OnnxTensor t
                && (t.getInfo().type == OnnxJavaType.FLOAT || t.getInfo().type == OnnxJavaType.FLOAT16)
                ? t.getFloatBuffer() : null;
    }
}
