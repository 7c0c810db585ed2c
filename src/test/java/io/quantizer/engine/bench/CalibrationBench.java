package io.quantizer.engine.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import ai.onnxruntime.OrtSession;
import io.quantizer.engine.calibration.CalibrationResult;
import io.quantizer.engine.calibration.CalibrationRunner;
import io.quantizer.engine.data.NumpyDataset;
import io.quantizer.engine.onnx.ModelPreprocessor;
import io.quantizer.engine.onnx.PreparedModel;
import io.quantizer.engine.quantize.QdqQuantizer;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.recipe.QuantizationRecipe.Calibration;
import io.quantizer.engine.recipe.QuantizationRecipe.CalibrationMethod;
import io.quantizer.engine.runtime.FeedReader;
import io.quantizer.engine.runtime.ModelFeed;
import io.quantizer.engine.runtime.Ort;

/**
 * B2: calibration cost per sample for each method ÷ a plain fp32 forward pass over the same samples at the same
 * batch size in the same process, and the peak memory of a fresh JVM calibrating 32 versus 512 samples.
 */
final class CalibrationBench {

    private final Path work;

    CalibrationBench(Path work) {
        this.work = work;
    }

    /** Rounds of (forward, every method); the ratios reported are the medians over the rounds. */
    static final int ROUNDS = 3;
    private static final List<CalibrationMethod> METHODS = List.of(CalibrationMethod.MINMAX,
            CalibrationMethod.PERCENTILE, CalibrationMethod.ENTROPY, CalibrationMethod.MSE);

    /**
     * Each round measures a plain forward pass, then every method; a method's ratio in a round divides by the mean
     * of the forward passes measured just before and just after it, so that a change in the machine's load
     * between rounds (this machine is shared) moves both sides of the ratio.
     */
    Map<String, Object> run(BenchModel m) throws Exception {
        return run(m, m.calibration(), METHODS, ROUNDS);
    }

    Map<String, Object> run(BenchModel m, Path data, List<CalibrationMethod> methods, int rounds) throws Exception {
        PreparedModel prepared = new ModelPreprocessor().prepare(m.model(), QuantizationRecipe.defaults(),
                Files.createDirectories(work.resolve(m.name() + "-b2")));
        Set<String> tensors = new QdqQuantizer(QuantizationRecipe.defaults()).tensorsToCalibrate(prepared.model());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("observedTensors", tensors.size());
        CalibrationResult first = calibrate(prepared, tensors, data, methods.get(0));
        int batch = first.batchSize();
        List<Double> forward = new ArrayList<>();
        forward.add(forwardMsPerSample(prepared.path(), data, batch));
        Map<String, List<Double>> msPerSample = new LinkedHashMap<>();
        Map<String, List<Double>> ratios = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            Map<String, Double> thisRound = new LinkedHashMap<>();
            for (CalibrationMethod method : methods) {
                thisRound.put(method.name().toLowerCase(), perSample(calibrate(prepared, tensors, data, method)));
            }
            forward.add(forwardMsPerSample(prepared.path(), data, batch));
            double reference = (forward.get(round) + forward.get(round + 1)) / 2;
            thisRound.forEach((k, v) -> {
                msPerSample.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
                ratios.computeIfAbsent(k, x -> new ArrayList<>()).add(v / reference);
            });
        }
        out.put("samples", first.sampleCount());
        out.put("batchSize", batch);
        out.put("rounds", rounds);
        out.put("forwardMsPerSample", forward);
        out.put("msPerSample", msPerSample);
        Map<String, Double> median = new LinkedHashMap<>();
        ratios.forEach((k, v) -> median.put(k, median(v)));
        out.put("ratioToForwardPerRound", ratios);
        out.put("ratioToForward", median);
        return out;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static CalibrationResult calibrate(PreparedModel prepared, Set<String> tensors, Path data,
                                               CalibrationMethod method) throws Exception {
        QuantizationRecipe recipe = new QuantizationRecipe(null, null, null, null, null, null,
                new Calibration(method, null, null, null, null), null, null);
        return new CalibrationRunner(recipe).run(prepared.model(), tensors, data, f -> { });
    }

    private static double perSample(CalibrationResult r) {
        return r.loopSeconds() * 1e3 / r.sampleCount();
    }

    /** Plain fp32 forward passes over the data through the same feeding path; one untimed batch first. */
    static double forwardMsPerSample(Path model, Path data, int batch) throws Exception {
        try (OrtSession.SessionOptions options = Ort.sessionOptions(OrtSession.SessionOptions.OptLevel.ALL_OPT);
             OrtSession session = Ort.environment().createSession(model.toString(), options);
             NumpyDataset ds = NumpyDataset.open(data)) {
            ModelFeed feed = ModelFeed.bind(session.getInputInfo(), ds.description());
            try (FeedReader warm = new FeedReader(ds, feed, batch, batch, null);
                 FeedReader.Batch b = warm.next(batch)) {
                session.run(b.inputs()).close();
            }
            long samples = 0;
            long start = System.nanoTime();
            try (FeedReader reader = new FeedReader(ds, feed, batch, Long.MAX_VALUE, null)) {
                while (reader.remaining() > 0) {
                    try (FeedReader.Batch b = reader.next(batch)) {
                        session.run(b.inputs()).close();
                        samples += b.size();
                    }
                }
            }
            return (System.nanoTime() - start) / 1e6 / samples;
        }
    }

    /** Peak RSS and heap of a fresh JVM calibrating {@code samples} samples ({@link MemoryProbe}). */
    static Map<String, Object> memory(BenchModel m, Path data, String method, int samples) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), MemoryProbe.class.getName(),
                m.model().toString(), data.toString(), method, Integer.toString(samples),
                Integer.toString(Ort.intraOpThreads()))
                .redirectErrorStream(true).start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("MEMORY ")) {
                    last = line.substring(7);
                }
            }
        }
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || last == null) {
            throw new IllegalStateException("memory probe failed for " + m.name() + " " + method + " " + samples);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String kv : last.split(" ")) {
            String[] parts = kv.split("=");
            out.put(parts[0], Long.parseLong(parts[1]));
        }
        return out;
    }
}
