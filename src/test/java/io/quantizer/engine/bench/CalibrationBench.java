package io.quantizer.engine.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * batch size in the same process (measured before and after the methods, averaged), and the peak memory of a
 * fresh JVM calibrating 32 versus 512 samples.
 */
final class CalibrationBench {

    private final Path work;

    CalibrationBench(Path work) {
        this.work = work;
    }

    Map<String, Object> run(BenchModel m) throws Exception {
        PreparedModel prepared = new ModelPreprocessor().prepare(m.model(), QuantizationRecipe.defaults(),
                Files.createDirectories(work.resolve(m.name() + "-b2")));
        Set<String> tensors = new QdqQuantizer(QuantizationRecipe.defaults()).tensorsToCalibrate(prepared.model());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("observedTensors", tensors.size());
        CalibrationResult minmax = calibrate(prepared, tensors, m.calibration(), CalibrationMethod.MINMAX);
        int batch = minmax.batchSize();
        double before = forwardMsPerSample(prepared.path(), m.calibration(), batch);
        Map<String, Double> msPerSample = new LinkedHashMap<>();
        msPerSample.put("minmax", perSample(minmax));
        for (CalibrationMethod method : List.of(CalibrationMethod.PERCENTILE, CalibrationMethod.ENTROPY,
                CalibrationMethod.MSE)) {
            msPerSample.put(method.name().toLowerCase(), perSample(calibrate(prepared, tensors, m.calibration(), method)));
        }
        double after = forwardMsPerSample(prepared.path(), m.calibration(), batch);
        double forward = (before + after) / 2;
        out.put("samples", minmax.sampleCount());
        out.put("batchSize", batch);
        out.put("forwardMsPerSample", forward);
        out.put("forwardBeforeAfterMs", List.of(before, after));
        out.put("msPerSample", msPerSample);
        Map<String, Double> ratios = new LinkedHashMap<>();
        msPerSample.forEach((k, v) -> ratios.put(k, v / forward));
        out.put("ratioToForward", ratios);
        return out;
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
