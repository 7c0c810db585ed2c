package io.quantizer.engine.quantize;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.quantizer.engine.onnx.ModelPreprocessor;
import io.quantizer.engine.onnx.OnnxModels;
import io.quantizer.engine.onnx.OrtTestRunner.Input;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.runtime.Ort;

/**
 * Not a test: quantizes {@link TextDetectorModel} as a job does (preprocessing, min/max calibration on 8 random
 * images, default recipe) and prints the nodes left float, the conversions ONNX Runtime keeps, the output cosine,
 * and batch-1 latency at ORT_ENABLE_ALL on one intra-op thread, alternating run by run, of the user's fp32 model,
 * of the preprocessed fp32 graph (hardswish fused) and of each int8 variant.
 * Arguments: image size (320), timed runs (60), work folder (target/text-detector-bench), then variants to
 * compare with the pipeline's result: {@code decomposed} (no preprocessing) and {@code hardswish} (see variant).
 */
public final class TextDetectorBench {

    private TextDetectorBench() {
    }

    public static void main(String[] args) throws Exception {
        io.quantizer.engine.bench.BigStack.run("text-detector-bench", () -> run(args));
    }

    private static void run(String[] args) throws Exception {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 320;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        Path work = Files.createDirectories(Path.of(args.length > 2 ? args[2] : "target/text-detector-bench"));
        Ort.configureThreads(1);
        ModelProto fp32 = TextDetectorModel.build(14, size);
        Path file = work.resolve("detector.onnx");
        OnnxModels.save(fp32, file);
        ModelProto prepared = new ModelPreprocessor().prepare(file, QuantizationRecipe.defaults(), work.resolve("prep"))
                .model();
        Input image = Input.random(4242, -2f, 2f, 1, 3, size, size);
        Map<String, ModelProto> variants = new java.util.LinkedHashMap<>();
        variants.put("pipeline", prepared);
        for (int v = 3; v < args.length; v++) {
            variants.put(args[v], variant(args[v], fp32, prepared));
        }
        Map<String, ModelProto> int8 = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, ModelProto> v : variants.entrySet()) {
            QuantizationOutcome outcome = QuantizeTestSupport.quantize(v.getValue(), QuantizationRecipe.defaults(),
                    QuantizeTestSupport.samples(TextDetectorModel.INPUT, 8, -2f, 2f, 1, 3, size, size));
            Map<String, Integer> kept = new TreeMap<>();
            outcome.nodes().stream().filter(n -> !n.quantized()).forEach(n -> kept.merge(n.opType(), 1, Integer::sum));
            Map<String, Integer> islands = new TreeMap<>();
            outcome.nodes().stream().filter(n -> n.quantized() && n.reason().contains("computed in float"))
                    .forEach(n -> islands.merge(n.opType(), 1, Integer::sum));
            System.out.println(v.getKey() + ": fp32 nodes " + fp32.getGraph().getNodeCount() + ", quantized graph's nodes "
                    + v.getValue().getGraph().getNodeCount() + ", left float "
                    + kept.values().stream().mapToInt(Integer::intValue).sum() + " " + kept
                    + ", float islands between Q/DQ " + islands);
            System.out.println("  cosine " + QuantizeTestSupport.cosines(fp32, outcome.model(),
                    Map.of(TextDetectorModel.INPUT, image)));
            FusionCheck.Result fusion = QuantizeTestSupport.fusion(outcome.model(), work);
            System.out.println("  optimised int8 graph " + fusion.opCounts() + ", unfused " + fusion.unfusedNodes());
            int8.put(v.getKey(), outcome.model());
            OnnxModels.save(outcome.model(), work.resolve("int8-" + v.getKey() + ".onnx"));
        }
        Map<String, ModelProto> timed = new java.util.LinkedHashMap<>();
        timed.put("fp32 after preprocessing", prepared);
        int8.forEach((name, model) -> timed.put("int8 " + name, model));
        time(fp32, timed, image, runs, size);
    }

    /** decomposed: the user's graph as is; hardswish: HardSwish nodes re-fused after ORT's preprocessing. */
    private static ModelProto variant(String name, ModelProto fp32, ModelProto prepared) {
        return switch (name) {
            case "decomposed" -> fp32;
            case "hardswish" -> io.quantizer.engine.onnx.HardActivationFusion.apply(prepared, new java.util.ArrayList<>());
            default -> throw new IllegalArgumentException("unknown variant " + name);
        };
    }

    /** Inputs from a direct buffer: from a Java array, creating the tensor costs as much as an int8 run. */
    private static FloatBuffer direct(float[] values) {
        FloatBuffer buffer = java.nio.ByteBuffer.allocateDirect(values.length * Float.BYTES)
                .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        buffer.put(values).rewind();
        return buffer;
    }

    private static void time(ModelProto fp32, Map<String, ModelProto> int8, Input image, int runs, int size)
            throws Exception {
        OrtEnvironment env = Ort.environment();
        java.util.List<OrtSession> sessions = new java.util.ArrayList<>();
        java.util.List<String> names = new java.util.ArrayList<>();
        names.add("fp32");
        try (OrtSession.SessionOptions options = Ort.sessionOptions(OptLevel.ALL_OPT);
                OnnxTensor tensor = OnnxTensor.createTensor(env, direct(image.values()), image.shape())) {
            sessions.add(env.createSession(fp32.toByteArray(), options));
            for (Map.Entry<String, ModelProto> e : int8.entrySet()) {
                sessions.add(env.createSession(e.getValue().toByteArray(), options));
                names.add(e.getKey());
            }
            Map<String, OnnxTensor> feed = Map.of(TextDetectorModel.INPUT, tensor);
            long[][] times = new long[sessions.size()][runs];
            for (int i = -5; i < runs; i++) {
                for (int s = 0; s < sessions.size(); s++) {
                    long start = System.nanoTime();
                    sessions.get(s).run(feed).close();
                    if (i >= 0) {
                        times[s][i] = System.nanoTime() - start;
                    }
                }
            }
            for (int s = 0; s < sessions.size(); s++) {
                Arrays.sort(times[s]);
                System.out.printf("batch 1, %dx%d, %s: p50 %.2f ms, fp32/this %.2fx%n", size, size, names.get(s),
                        times[s][runs / 2] / 1e6, (double) times[0][runs / 2] / times[s][runs / 2]);
            }
        } finally {
            for (OrtSession session : sessions) {
                session.close();
            }
        }
    }
}
