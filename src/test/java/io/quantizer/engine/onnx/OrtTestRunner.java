package io.quantizer.engine.onnx;

import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.quantizer.engine.runtime.Ort;

/** Runs models in ONNX Runtime from tests: float inputs in, every float output back flattened. */
public final class OrtTestRunner {

    private OrtTestRunner() {
    }

    public record Input(long[] shape, float[] values) {
        public static Input random(long seed, float low, float high, long... shape) {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            Random random = new Random(seed);
            float[] values = new float[(int) n];
            for (int i = 0; i < values.length; i++) {
                values[i] = low + random.nextFloat() * (high - low);
            }
            return new Input(shape, values);
        }
    }

    public static Map<String, float[]> run(ModelProto model, Map<String, Input> inputs) throws OrtException {
        return run(model, inputs, OptLevel.ALL_OPT);
    }

    public static Map<String, float[]> run(ModelProto model, Map<String, Input> inputs, OptLevel level)
            throws OrtException {
        Map<String, OnnxTensor> tensors = new HashMap<>();
        try (OrtSession.SessionOptions options = Ort.sessionOptions(level);
                OrtSession session = Ort.environment().createSession(model.toByteArray(), options)) {
            for (Map.Entry<String, Input> e : inputs.entrySet()) {
                tensors.put(e.getKey(), OnnxTensor.createTensor(Ort.environment(),
                        FloatBuffer.wrap(e.getValue().values()), e.getValue().shape()));
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            try (OrtSession.Result result = session.run(tensors)) {
                for (Map.Entry<String, OnnxValue> e : result) {
                    if (e.getValue() instanceof OnnxTensor t && t.getFloatBuffer() != null) {
                        FloatBuffer buffer = t.getFloatBuffer();
                        float[] values = new float[buffer.remaining()];
                        buffer.get(values);
                        out.put(e.getKey(), values);
                    }
                }
            }
            return out;
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 && nb == 0 ? 1 : dot / Math.sqrt(na * nb);
    }

    public static float maxAbsDiff(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
