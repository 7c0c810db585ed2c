package io.quantizer.engine.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.quantizer.engine.onnx.HardActivationFusion;
import io.quantizer.engine.onnx.OrtTestRunner.Input;
import io.quantizer.engine.recipe.QuantizationRecipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextDetectorQuantizationTest {

    private static final int SIZE = 64;

    @TempDir
    Path dir;

    static void time(ModelProto fp32, ModelProto int8, int size) throws Exception {
        var env = io.quantizer.engine.runtime.Ort.environment();
        var lvl = ai.onnxruntime.OrtSession.SessionOptions.OptLevel.ALL_OPT;
        try (var o1 = io.quantizer.engine.runtime.Ort.sessionOptions(lvl); var o2 = io.quantizer.engine.runtime.Ort.sessionOptions(lvl);
                var a = env.createSession(fp32.toByteArray(), o1); var q = env.createSession(int8.toByteArray(), o2)) {
            Input in = Input.random(1, -2f, 2f, 1, 3, size, size);
            var t = ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(in.values()), in.shape());
            Map<String, ai.onnxruntime.OnnxTensor> feed = Map.of("x", t);
            for (int i = 0; i < 5; i++) { a.run(feed).close(); q.run(feed).close(); }
            long[] ta = new long[40];
            long[] tq = new long[40];
            for (int i = 0; i < 40; i++) {
                long s0 = System.nanoTime(); a.run(feed).close(); ta[i] = System.nanoTime() - s0;
                s0 = System.nanoTime(); q.run(feed).close(); tq[i] = System.nanoTime() - s0;
            }
            java.util.Arrays.sort(ta); java.util.Arrays.sort(tq);
            System.out.printf("size %d fp32 p50 %.2f ms int8 p50 %.2f ms speedup %.2f%n", size, ta[20] / 1e6, tq[20] / 1e6, (double) ta[20] / tq[20]);
        }
    }

    @Test
    void explore() throws Exception {
        ModelProto raw = TextDetectorModel.build(14, SIZE);
        List<String> notes = new ArrayList<>();
        ModelProto fused = HardActivationFusion.apply(raw, notes);
        System.out.println(notes);
        ModelProto.Builder allMul = raw.toBuilder();
        var g = allMul.getGraphBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getOpType().equals("Div")) {
                g.setNode(i, g.getNode(i).toBuilder().setOpType("Mul").setInput(1, "sixth"));
            }
        }
        int timeSize = Integer.getInteger("detSize", 0);
        for (ModelProto m : List.of(raw, allMul.build(), fused)) {
            QuantizationOutcome outcome = QuantizeTestSupport.quantize(m, QuantizationRecipe.defaults(),
                    QuantizeTestSupport.samples(TextDetectorModel.INPUT, 8, -2f, 2f, 1, 3, SIZE, SIZE));
            Map<String, Double> cos = QuantizeTestSupport.cosines(m, outcome.model(),
                    Map.of(TextDetectorModel.INPUT, Input.random(4242, -2f, 2f, 1, 3, SIZE, SIZE)));
            Map<String, Integer> floats = new TreeMap<>();
            outcome.nodes().stream().filter(n -> !n.quantized()).forEach(n -> floats.merge(n.opType(), 1, Integer::sum));
            System.out.println("nodes " + outcome.nodes().size() + " float " + floats + " cosine " + cos);
            outcome.nodes().stream().filter(n -> !n.quantized()).limit(5).forEach(System.out::println);
            FusionCheck.Result f = QuantizeTestSupport.fusion(outcome.model(), dir);
            System.out.println(f.opCounts() + " unfused " + f.unfusedNodes());
            if (timeSize > 0) {
                ModelProto big = m.toBuilder().setGraph(m.getGraph().toBuilder().setInput(0,
                        io.quantizer.engine.onnx.ModelBuilder.valueInfo("x", 1, 1, 3, -1, -1))).build();
                ModelProto bigQ = outcome.model().toBuilder().setGraph(outcome.model().getGraph().toBuilder().setInput(0,
                        io.quantizer.engine.onnx.ModelBuilder.valueInfo("x", 1, 1, 3, -1, -1))).build();
                time(big, bigQ, timeSize);
            }
        }
    }
}
