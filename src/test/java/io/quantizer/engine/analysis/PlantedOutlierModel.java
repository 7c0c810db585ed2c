package io.quantizer.engine.analysis;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.quantizer.engine.TinyModels;
import io.quantizer.engine.onnx.ModelBuilder;
import io.quantizer.engine.runtime.Ort;

/**
 * A small CNN classifier with one planted bad layer: channel 0 of conv2's output is scaled up by {@link #OUTLIER}
 * (and conv3's weights reading it scaled down by as much, so fp32 computes the same function). The outlier channel
 * stretches conv2's activation range so far that int8 flattens the other channels: returning conv2's group to float
 * is the fix, and the analysis should find it.
 */
final class PlantedOutlierModel {

    static final float OUTLIER = 400f;
    static final String BAD_NODE = "conv2";
    static final int CHANNELS = 8;

    private PlantedOutlierModel() {
    }

    static ModelProto build() {
        Random random = new Random(3);
        ModelBuilder b = new ModelBuilder().input("x", -1, 3, 8, 8).output("logits", -1, 10);
        b.floats("w1", new long[] {CHANNELS, 3, 3, 3}, gaussian(random, CHANNELS * 27, 0.3f))
                .floats("b1", new long[] {CHANNELS}, gaussian(random, CHANNELS, 0.1f));
        float[] w2 = gaussian(random, CHANNELS * CHANNELS * 9, 0.15f);
        float[] b2 = gaussian(random, CHANNELS, 0.1f);
        for (int i = 0; i < CHANNELS * 9; i++) {
            w2[i] *= OUTLIER; // output channel 0
        }
        b2[0] = Math.abs(b2[0]) * OUTLIER;
        float[] w3 = gaussian(random, CHANNELS * CHANNELS * 9, 0.15f);
        for (int o = 0; o < CHANNELS; o++) {
            for (int k = 0; k < 9; k++) {
                w3[o * CHANNELS * 9 + k] /= OUTLIER; // input channel 0
            }
        }
        b.floats("w2", new long[] {CHANNELS, CHANNELS, 3, 3}, w2).floats("b2", new long[] {CHANNELS}, b2)
                .floats("w3", new long[] {CHANNELS, CHANNELS, 3, 3}, w3)
                .floats("b3", new long[] {CHANNELS}, gaussian(random, CHANNELS, 0.1f))
                .floats("fc_w", new long[] {10, CHANNELS}, gaussian(random, 10 * CHANNELS, 0.5f))
                .floats("fc_b", new long[] {10}, gaussian(random, 10, 0.1f));
        AttributeProto pads = TinyModels.ints("pads", 1, 1, 1, 1);
        b.node("conv1", "Conv", ModelBuilder.names("x", "w1", "b1"), ModelBuilder.names("c1"), pads)
                .node("relu1", "Relu", ModelBuilder.names("c1"), ModelBuilder.names("r1"))
                .node(BAD_NODE, "Conv", ModelBuilder.names("r1", "w2", "b2"), ModelBuilder.names("c2"), pads)
                .node("relu2", "Relu", ModelBuilder.names("c2"), ModelBuilder.names("r2"))
                .node("conv3", "Conv", ModelBuilder.names("r2", "w3", "b3"), ModelBuilder.names("c3"), pads)
                .node("relu3", "Relu", ModelBuilder.names("c3"), ModelBuilder.names("r3"))
                .node("pool", "GlobalAveragePool", ModelBuilder.names("r3"), ModelBuilder.names("p"))
                .node("flat", "Flatten", ModelBuilder.names("p"), ModelBuilder.names("f"))
                .node("fc", "Gemm", ModelBuilder.names("f", "fc_w", "fc_b"), ModelBuilder.names("logits"),
                        AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT)
                                .setI(1).build());
        return b.build();
    }

    /** The fp32 model's own top class per sample of x [n, 3, 8, 8]: labels on which fp32 scores 100 %. */
    static long[] labels(Path model, float[] x) throws OrtException {
        int n = x.length / (3 * 64);
        long[] labels = new long[n];
        try (OrtSession s = Ort.environment().createSession(model.toString());
             OnnxTensor in = OnnxTensor.createTensor(Ort.environment(), FloatBuffer.wrap(x), new long[] {n, 3, 8, 8});
             OrtSession.Result r = s.run(Map.of("x", in))) {
            float[][] logits = (float[][]) r.get(0).getValue();
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int c = 1; c < logits[i].length; c++) {
                    best = logits[i][c] > logits[i][best] ? c : best;
                }
                labels[i] = best;
            }
        }
        return labels;
    }

    private static float[] gaussian(Random random, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * scale);
        }
        return v;
    }
}
