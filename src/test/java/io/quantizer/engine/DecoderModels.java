package io.quantizer.engine;

import java.util.List;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.ModelBuilder;

/**
 * A decoder-shaped language model generated in code (random weights, for the weight-only mode's size and
 * fidelity checks): token ids → embedding table (Gather) → {@code layers} pre-norm blocks of single-head causal-free
 * attention (Q, K, V, output projections) and a ReLU MLP, each with a residual → final LayerNorm → LM head MatMul
 * to logits over the vocabulary.
 */
public final class DecoderModels {

    private DecoderModels() {
    }

    /** @param width model width; the MLP is 4× wider */
    public static ModelProto decoder(int vocab, int width, int layers, int sequence, long seed) {
        ModelBuilder b = new ModelBuilder().opset(17);
        b.graph().addInput(ModelBuilder.valueInfo("ids", TensorProto.DataType.INT64_VALUE, -1, sequence));
        b.output("logits", -1, sequence, vocab);
        float std = (float) (1 / Math.sqrt(width));
        b.random("embedding", seed, 1f, vocab, width);
        b.node("embed", "Gather", List.of("embedding", "ids"), List.of("h0"));
        b.floats("ln_gamma", new long[] {width}, filled(width, 1f));
        b.floats("ln_beta", new long[] {width}, new float[width]);
        b.floats("attn_scale", new long[0], new float[] {std});
        String h = "h0";
        for (int l = 0; l < layers; l++) {
            String p = "l" + l + "_";
            long s = seed + 100L * (l + 1);
            b.random(p + "wq", s, std, width, width).random(p + "wk", s + 1, std, width, width)
                    .random(p + "wv", s + 2, std, width, width).random(p + "wo", s + 3, std, width, width)
                    .random(p + "up", s + 4, std, width, 4L * width)
                    .random(p + "down", s + 5, (float) (1 / Math.sqrt(4.0 * width)), 4L * width, width);
            layerNorm(b, h, p + "n1");
            b.node(p + "q", "MatMul", List.of(p + "n1", p + "wq"), List.of(p + "q"));
            b.node(p + "k", "MatMul", List.of(p + "n1", p + "wk"), List.of(p + "k"));
            b.node(p + "v", "MatMul", List.of(p + "n1", p + "wv"), List.of(p + "v"));
            b.node(p + "kt", "Transpose", List.of(p + "k"), List.of(p + "kt"),
                    Attributes.ofInts("perm", List.of(0L, 2L, 1L)));
            b.node(p + "scores", "MatMul", List.of(p + "q", p + "kt"), List.of(p + "scores"));
            b.node(p + "scaled", "Mul", List.of(p + "scores", "attn_scale"), List.of(p + "scaled"));
            b.node(p + "softmax", "Softmax", List.of(p + "scaled"), List.of(p + "probs"),
                    Attributes.ofInt("axis", -1));
            b.node(p + "context", "MatMul", List.of(p + "probs", p + "v"), List.of(p + "context"));
            b.node(p + "o", "MatMul", List.of(p + "context", p + "wo"), List.of(p + "attn"));
            b.node(p + "res1", "Add", List.of(h, p + "attn"), List.of(p + "h1"));
            layerNorm(b, p + "h1", p + "n2");
            b.node(p + "up", "MatMul", List.of(p + "n2", p + "up"), List.of(p + "upped"));
            b.node(p + "relu", "Relu", List.of(p + "upped"), List.of(p + "act"));
            b.node(p + "down", "MatMul", List.of(p + "act", p + "down"), List.of(p + "mlp"));
            b.node(p + "res2", "Add", List.of(p + "h1", p + "mlp"), List.of(p + "h2"));
            h = p + "h2";
        }
        layerNorm(b, h, "final_norm");
        b.random("lm_head", seed + 7, std, width, vocab);
        b.node("lm_head", "MatMul", List.of("final_norm", "lm_head"), List.of("logits"));
        return b.build();
    }

    private static void layerNorm(ModelBuilder b, String in, String out) {
        b.node(out, "LayerNormalization", List.of(in, "ln_gamma", "ln_beta"), List.of(out),
                Attributes.ofInt("axis", -1), Attributes.ofFloat("epsilon", 1e-5f));
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
