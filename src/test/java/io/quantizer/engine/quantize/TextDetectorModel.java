package io.quantizer.engine.quantize;

import static io.quantizer.engine.onnx.ModelBuilder.names;

import java.util.List;
import java.util.Random;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.quantizer.engine.onnx.Attributes;
import io.quantizer.engine.onnx.ModelBuilder;

/**
 * A small PP-OCRv4-detector-like model with random weights: a PP-LCNet/MobileNetV3-style backbone whose
 * hardswish is written out as exporters do ({@code x * clip(x + 3, 0, 6) / 6} and {@code x * relu6(x + 3) * (1/6)}),
 * squeeze-and-excitation blocks gated by HardSigmoid (alpha 0.2, as Paddle exports it), an FPN summing upsampled
 * (Resize) levels, and a DB head (Conv, two ConvTranspose, Sigmoid). Convolutions carry a folded BatchNorm: He
 * initialisation times a per-channel gain and a small bias, so activations keep a realistic, roughly unit scale.
 */
final class TextDetectorModel {

    static final String INPUT = "x";
    static final String OUTPUT = "maps";

    private final ModelBuilder b;
    private final Random random = new Random(7);
    private int id;

    private TextDetectorModel(long opset, int size) {
        b = new ModelBuilder().opset(opset).input(INPUT, 1, 3, size, size).output(OUTPUT);
        b.floats("three", new long[0], new float[] {3f}).floats("zero", new long[0], new float[] {0f})
                .floats("six", new long[0], new float[] {6f}).floats("sixth", new long[0], new float[] {1f / 6f})
                .floats("resize_scales", new long[] {4}, new float[] {1f, 1f, 2f, 2f});
    }

    /** @param size the input's height and width (a multiple of 32) */
    static ModelProto build(long opset, int size) {
        return new TextDetectorModel(opset, size).graph();
    }

    private ModelProto graph() {
        String x = hardswish(conv(INPUT, 3, 16, 3, 2, 1), true);
        // stages at strides 4, 8, 16, 32
        int[][] stages = {{16, 24, 2, 0}, {24, 48, 2, 0}, {48, 96, 2, 1}, {96, 128, 2, 1}};
        String[] levels = new String[4];
        int channels = 16;
        for (int s = 0; s < stages.length; s++) {
            x = block(x, stages[s][0], stages[s][1], stages[s][2], stages[s][3] == 1, s % 2 == 0);
            x = block(x, stages[s][1], stages[s][1], 1, stages[s][3] == 1, s % 2 == 1);
            levels[s] = x;
            channels = stages[s][1];
        }
        // FPN: lateral 1x1 convs to 32 channels, top-down sums of upsampled levels, 3x3 smoothing to 8 each
        int fpn = 32;
        String[] lateral = new String[4];
        int[] in = {24, 48, 96, channels};
        for (int s = 0; s < 4; s++) {
            lateral[s] = conv(levels[s], in[s], fpn, 1, 1, 1);
        }
        String[] merged = new String[4];
        merged[3] = lateral[3];
        for (int s = 2; s >= 0; s--) {
            merged[s] = add(lateral[s], upsample(merged[s + 1]));
        }
        String[] smoothed = new String[4];
        for (int s = 0; s < 4; s++) {
            String p = conv(merged[s], fpn, fpn / 4, 3, 1, 1);
            for (int up = 0; up < s; up++) {
                p = upsample(p);
            }
            smoothed[s] = p;
        }
        String fused = fresh("fuse");
        b.node(fresh("concat"), "Concat", names(smoothed), names(fused), Attributes.ofInt("axis", 1));
        // DB head: conv-relu, two transposed convs back to full resolution, sigmoid probability map
        String h = relu(conv(fused, fpn, fpn / 4, 3, 1, 1));
        h = relu(convTranspose(h, fpn / 4, fpn / 4));
        h = convTranspose(h, fpn / 4, 1);
        b.node("probability", "Sigmoid", names(h), names(OUTPUT));
        return b.build();
    }

    /** Depthwise 3x3 + hardswish, optional SE, pointwise 1x1 + hardswish. */
    private String block(String x, int in, int out, int stride, boolean se, boolean divide) {
        String y = hardswish(conv(x, in, in, 3, stride, in), divide);
        if (se) {
            y = squeezeExcite(y, in);
        }
        return hardswish(conv(y, in, out, 1, 1, 1), !divide);
    }

    private String squeezeExcite(String x, int c) {
        String pooled = fresh("se_pool");
        b.node(fresh("se_gap"), "GlobalAveragePool", names(x), names(pooled));
        String reduced = relu(conv(pooled, c, c / 4, 1, 1, 1));
        String expanded = conv(reduced, c / 4, c, 1, 1, 1);
        String gate = fresh("se_gate");
        b.node(fresh("se_hardsigmoid"), "HardSigmoid", names(expanded), names(gate), Attributes.ofFloat("alpha", 0.2f),
                Attributes.ofFloat("beta", 0.5f));
        String y = fresh("se_out");
        b.node(fresh("se_mul"), "Mul", names(x, gate), names(y));
        return y;
    }

    /** {@code x * clip(x + 3, 0, 6) / 6} when {@code divide}, else {@code x * relu6(x + 3) * (1/6)}. */
    private String hardswish(String x, boolean divide) {
        String shifted = fresh("hs_add");
        b.node(fresh("hs_add"), "Add", names(x, "three"), names(shifted));
        String clipped = fresh("hs_clip");
        b.node(fresh("hs_clip"), "Clip", names(shifted, "zero", "six"), names(clipped));
        String product = fresh("hs_mul");
        b.node(fresh("hs_mul"), "Mul", names(x, clipped), names(product));
        String y = fresh("hs_out");
        if (divide) {
            b.node(fresh("hs_div"), "Div", names(product, "six"), names(y));
        } else {
            b.node(fresh("hs_scale"), "Mul", names(product, "sixth"), names(y));
        }
        return y;
    }

    private String conv(String x, int in, int out, int k, int stride, int groups) {
        String w = fresh("w");
        String bias = fresh("bias");
        int fanIn = in / groups * k * k;
        float[] weights = new float[out * fanIn];
        float[] biases = new float[out];
        for (int o = 0; o < out; o++) {
            // He initialisation times a BatchNorm-like gain in [0.6, 1.4]
            double gain = Math.sqrt(2.0 / fanIn) * (0.6 + 0.8 * random.nextDouble());
            for (int i = 0; i < fanIn; i++) {
                weights[o * fanIn + i] = (float) (random.nextGaussian() * gain);
            }
            biases[o] = (float) (random.nextGaussian() * 0.2);
        }
        b.floats(w, new long[] {out, in / groups, k, k}, weights).floats(bias, new long[] {out}, biases);
        String y = fresh("conv");
        long pad = k / 2;
        b.node(fresh("conv"), "Conv", names(x, w, bias), names(y), Attributes.ofInt("group", groups),
                Attributes.ofInts("kernel_shape", List.of((long) k, (long) k)),
                Attributes.ofInts("strides", List.of((long) stride, (long) stride)),
                Attributes.ofInts("pads", List.of(pad, pad, pad, pad)));
        return y;
    }

    private String convTranspose(String x, int in, int out) {
        String w = fresh("wt");
        String bias = fresh("bias");
        b.random(w, random.nextLong(), (float) Math.sqrt(2.0 / in), in, out, 2, 2)
                .random(bias, random.nextLong(), 0.1f, out);
        String y = fresh("deconv");
        b.node(fresh("deconv"), "ConvTranspose", names(x, w, bias), names(y),
                Attributes.ofInts("kernel_shape", List.of(2L, 2L)), Attributes.ofInts("strides", List.of(2L, 2L)));
        return y;
    }

    private String relu(String x) {
        String y = fresh("relu");
        b.node(fresh("relu"), "Relu", names(x), names(y));
        return y;
    }

    private String add(String a, String c) {
        String y = fresh("fpn_add");
        b.node(fresh("fpn_add"), "Add", names(a, c), names(y));
        return y;
    }

    private String upsample(String x) {
        String y = fresh("up");
        b.node(fresh("resize"), "Resize", names(x, "", "resize_scales"), names(y), Attributes.ofString("mode", "nearest"));
        return y;
    }

    private String fresh(String base) {
        return base + "_" + (id++);
    }
}
