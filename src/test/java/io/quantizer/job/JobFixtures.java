package io.quantizer.job;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.quantizer.engine.TestData;
import io.quantizer.engine.TinyModels;

/**
 * Inputs for job tests, built in code: the engine tests' small image classifier (Conv → Relu → MaxPool →
 * Flatten → Gemm, x [batch, 1, 8, 8] → logits [batch, 10]) and .npz data sets drawn for it.
 */
public final class JobFixtures {

    private JobFixtures() {
    }

    public static byte[] classifier() {
        return TinyModels.classifier().toByteArray();
    }

    /**
     * The classifier with one node of an operator ONNX Runtime does not know: the file parses and has a valid
     * signature, so it uploads fine, but no ONNX Runtime session can be created from it.
     */
    public static byte[] unloadableClassifier() {
        ModelProto model = TinyModels.classifier();
        GraphProto graph = model.getGraph();
        GraphProto.Builder broken = graph.toBuilder();
        int last = graph.getNodeCount() - 1;
        broken.setNode(last, graph.getNode(last).toBuilder().setOutput(0, "pre_logits"));
        broken.addNode(TinyModels.node("NoSuchQuantizerTestOp", "pre_logits", null, "logits"));
        return model.toBuilder().setGraph(broken).build().toByteArray();
    }

    /** {@code samples} inputs named {@code x}, values in [0, 1). */
    public static Path calibration(Path dir, String file, int samples) throws IOException {
        Random random = new Random(samples);
        return new TestData().floats("x", TestData.uniform(random, samples * 64, 0f, 1f), samples, 1, 8, 8)
                .write(dir.resolve(file));
    }

    /** {@code samples} inputs named {@code x} and labels in [0, maxLabel]. */
    public static Path labelled(Path dir, String file, int samples, int maxLabel) throws IOException {
        Random random = new Random(samples + 1);
        long[] labels = new long[samples];
        for (int i = 0; i < samples; i++) {
            labels[i] = i % (maxLabel + 1);
        }
        return new TestData().floats("x", TestData.uniform(random, samples * 64, 0f, 1f), samples, 1, 8, 8)
                .longs("label", labels, samples)
                .write(dir.resolve(file));
    }

    /** Inputs of the wrong spatial size for the classifier: [samples, 1, 6, 6]. */
    public static Path wrongShape(Path dir, String file, int samples) throws IOException {
        return new TestData().floats("x", new float[samples * 36], samples, 1, 6, 6).write(dir.resolve(file));
    }
}
