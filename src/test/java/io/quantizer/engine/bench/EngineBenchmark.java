package io.quantizer.engine.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.quantizer.engine.evaluation.MachineInfo;
import io.quantizer.engine.recipe.QuantizationRecipe.CalibrationMethod;
import io.quantizer.engine.report.ReportWriter;
import io.quantizer.engine.runtime.Ort;

/**
 * The engine's benchmarks (issue 3: B1 inference speed, B2 calibration cost and memory, B3 quantization pass,
 * B4 fusion gate). Not a test: run it on a quiet machine, see README "Engine benchmarks". Every figure that is
 * compared is a ratio measured in the same run; the CPU model and flags are logged with it.
 *
 * <p>Arguments: {@code --corpus DIR} (../shared/corpus), {@code --bench DIR} (the folder make_bench_models.py
 * wrote), {@code --work DIR} (scratch and results), {@code --threads N} (ONNX Runtime intra-op threads),
 * {@code --only B1,B2,B3,B4}. Missing models are skipped with a line saying so.
 */
public final class EngineBenchmark {

    private EngineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        BigStack.run("bench", () -> run(args));
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        Path corpus = Path.of(a.getOrDefault("--corpus", "../shared/corpus"));
        Path bench = Path.of(a.getOrDefault("--bench", "/tmp/quantizer-bench"));
        Path work = Files.createDirectories(Path.of(a.getOrDefault("--work", "target/bench")));
        int threads = Integer.parseInt(a.getOrDefault("--threads", "1"));
        Set<String> only = Set.copyOf(Arrays.asList(a.getOrDefault("--only", "B1,B2,B3,B4").split(",")));
        Ort.configureThreads(threads);

        Map<String, Object> results = new LinkedHashMap<>();
        MachineInfo machine = MachineInfo.detect();
        results.put("machine", machine);
        log("CPU: " + machine.cpuModel() + " | flags " + machine.flags() + " | logical CPUs "
                + machine.logicalProcessors() + " | ORT intra-op threads " + threads);
        for (BenchModel m : BenchModel.all(corpus, bench)) {
            if (!m.present()) {
                log(m.name() + ": skipped, files absent (" + m.model() + ")");
                continue;
            }
            Map<String, Object> r = new LinkedHashMap<>();
            if (only.contains("B1") || only.contains("B3") || only.contains("B4")) {
                log(m.name() + ": B1/B3/B4 ...");
                r.putAll(new InferenceBench(work.resolve("threads-" + threads)).run(m));
                log(m.name() + ": " + ReportWriter.toJson(r));
            }
            if (only.contains("B2")) {
                log(m.name() + ": B2 calibration cost ...");
                Map<String, Object> b2 = new CalibrationBench(work.resolve("threads-" + threads)).run(m);
                r.put("B2", b2);
                log(m.name() + ": B2 " + ReportWriter.toJson(b2));
            }
            results.put(m.name(), r);
        }
        if (only.contains("B2")) {
            results.put("B2large", largeSet(corpus, bench, work));
            results.put("B2memory", memory(corpus, bench, work));
        }
        Path out = work.resolve("engine-bench-threads-" + threads + ".json");
        Files.writeString(out, ReportWriter.toJson(results));
        log("results written to " + out);
    }

    /**
     * MinMax on MobileNetV2 over 512 samples: the bench's 32 calibration images hardly amortise what a calibration
     * pays once (ONNX Runtime's first runs at a batch size), which a real calibration set of hundreds does.
     */
    private static Map<String, Object> largeSet(Path corpus, Path bench, Path work) throws Exception {
        BenchModel mobilenet = BenchModel.all(corpus, bench).get(2);
        if (!Files.exists(mobilenet.model())) {
            return Map.of();
        }
        Map<String, Object> r = new CalibrationBench(work).run(mobilenet, imagenetLike512(work),
                List.of(CalibrationMethod.MINMAX), 1);
        log("B2 " + mobilenet.name() + " over 512 samples: " + ReportWriter.toJson(r).replaceAll("\\s+", " "));
        return Map.of(mobilenet.name() + "/minmax/512", r);
    }

    private static Path imagenetLike512(Path work) throws Exception {
        Path big = work.resolve("imagenet_like_512.npy");
        if (!Files.exists(big)) {
            NpyWriter.normal(big, 5, 512, 3, 224, 224);
        }
        return big;
    }

    /** Peak memory of a fresh JVM calibrating 32 and 512 samples: it must stay flat. */
    private static Map<String, Object> memory(Path corpus, Path bench, Path work) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        BenchModel fmnist = BenchModel.all(corpus, bench).get(0);
        if (fmnist.present()) {
            for (String method : List.of("minmax", "entropy")) {
                probe(out, fmnist, fmnist.calibration(), method);
            }
        }
        BenchModel mobilenet = BenchModel.all(corpus, bench).get(2);
        if (Files.exists(mobilenet.model())) {
            probe(out, mobilenet, imagenetLike512(work), "entropy");
        }
        return out;
    }

    private static void probe(Map<String, Object> out, BenchModel m, Path data, String method) throws Exception {
        Map<String, Object> small = CalibrationBench.memory(m, data, method, 32);
        Map<String, Object> large = CalibrationBench.memory(m, data, method, 512);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("samples32", small);
        r.put("samples512", large);
        r.put("peakRssRatio512over32", (double) (Long) large.get("peakRssKb") / (Long) small.get("peakRssKb"));
        out.put(m.name() + "/" + method, r);
        log("B2 memory " + m.name() + "/" + method + ": " + ReportWriter.toJson(r).replaceAll("\\s+", " "));
    }

    private static void log(String line) {
        System.out.println("[bench] " + line);
        System.out.flush();
    }
}
