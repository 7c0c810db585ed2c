package io.quantizer.engine.evaluation;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.DoubleConsumer;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.quantizer.engine.EngineInputException;
import io.quantizer.engine.data.NumpyDataset;
import io.quantizer.engine.onnx.OnnxModels;
import io.quantizer.engine.runtime.FeedReader;
import io.quantizer.engine.runtime.ModelFeed;
import io.quantizer.engine.runtime.Ort;

/**
 * Compares the fp32 and the quantized model the way a user will run them: both at ONNX Runtime's full
 * optimisation level (which fuses Q/DQ into int8 kernels) on the one global thread pool, each decoded batch fed to
 * both. Then times both at batch 1 and at a larger batch, alternating.
 */
public final class Evaluator {

    /** Input bytes per accuracy batch; small enough that activations of big models stay modest. */
    static final long BATCH_INPUT_BUDGET = 8L << 20;
    static final int MAX_BATCH = 64;

    private final EvaluationSettings settings;
    private final Map<String, BigDecimal> constants;

    public Evaluator(EvaluationSettings settings) {
        this(settings, Map.of());
    }

    /** @param constants inputs held at one value for every sample (the recipe's {@code constantInputs}) */
    public Evaluator(EvaluationSettings settings, Map<String, BigDecimal> constants) {
        this.settings = settings;
        this.constants = Map.copyOf(constants);
    }

    /**
     * @param fp32          the fp32 model to compare against
     * @param fp32SizeBytes the size to report for it (the user's file, which may differ from {@code fp32})
     * @param quantized     the quantized model
     * @param data          held-out data (or the calibration data, with {@code dataset = "calibration"})
     * @param progress      fraction done, 0..1
     */
    public EvaluationResult evaluate(Path fp32, long fp32SizeBytes, Path quantized, Path data, String dataset,
                                     DoubleConsumer progress) throws IOException, OrtException {
        try (NumpyDataset ds = NumpyDataset.open(data);
             OrtSession reference = session(fp32, "fp32");
             OrtSession candidate = session(quantized, "quantized")) {
            ModelFeed feed = ModelFeed.bind(reference.getInputInfo(), ds.description(), constants);
            ModelFeed.bind(candidate.getInputInfo(), ds.description(), constants);
            long total = Math.min(settings.maxSamples(), ds.description().sampleCount());
            int batch = batchSize(feed);
            FidelityPass pass = new FidelityPass(reference, candidate);
            double share = settings.latency() ? 0.8 : 1.0;
            try (FeedReader reader = new FeedReader(ds, feed, batch, total, ds.description().labelTensor())) {
                pass.run(reader, batch, f -> progress.accept(f * share));
            }
            ModelMetrics.Latency[] latency = settings.latency()
                    ? measureLatency(ds, feed, reference, candidate, f -> progress.accept(share + f * (1 - share)))
                    : new ModelMetrics.Latency[] {null, null};
            progress.accept(1.0);
            return assemble(pass, ds.description().labelTensor() != null, latency, fp32SizeBytes,
                    OnnxModels.sizeOnDisk(quantized), dataset);
        }
    }

    /** Samples per accuracy batch for this feed: at most {@link #MAX_BATCH}, within {@link #BATCH_INPUT_BUDGET}. */
    public static int batchSize(ModelFeed feed) {
        return (int) Math.max(1, Math.min(MAX_BATCH, BATCH_INPUT_BUDGET / Math.max(1, feed.bytesPerSample())));
    }

    private ModelMetrics.Latency[] measureLatency(NumpyDataset ds, ModelFeed feed, OrtSession reference,
                                                  OrtSession candidate, DoubleConsumer progress)
            throws IOException, OrtException {
        LatencyMeter meter = new LatencyMeter(settings.latencyBudget(), settings.minRuns(), settings.maxRuns(),
                settings.warmupRuns());
        Percentiles[] one = time(meter, ds, feed, reference, candidate, 1);
        progress.accept(0.5);
        Percentiles[] many = null;
        long available = ds.description().sampleCount();
        int larger = (int) Math.min(largerBatch(feed), available);
        if (feed.batched() && larger > 1) {
            many = time(meter, ds, feed, reference, candidate, larger);
        }
        progress.accept(1.0);
        return new ModelMetrics.Latency[] {
            new ModelMetrics.Latency(one[0], many == null ? null : many[0]),
            new ModelMetrics.Latency(one[1], many == null ? null : many[1])};
    }

    /** 64 for small inputs (MNIST-sized), 8 for image-net-sized ones. */
    static int largerBatch(ModelFeed feed) {
        return feed.bytesPerSample() <= (64 << 10) ? 64 : 8;
    }

    private static Percentiles[] time(LatencyMeter meter, NumpyDataset ds, ModelFeed feed, OrtSession reference,
                                      OrtSession candidate, int batch) throws IOException, OrtException {
        try (FeedReader reader = new FeedReader(ds, feed, batch, batch, null);
             FeedReader.Batch inputs = reader.next(batch)) {
            return meter.measure(reference, candidate, inputs.inputs(), inputs.size());
        }
    }

    private static EvaluationResult assemble(FidelityPass pass, boolean labelled, ModelMetrics.Latency[] latency,
                                             long fp32Size, long quantizedSize, String dataset) {
        TopK topK = pass.topK();
        boolean accuracy = labelled && topK != null;
        boolean top5 = accuracy && topK.classes() >= 5;
        Double refTop1 = accuracy ? topK.referenceTop1() : null;
        Double qTop1 = accuracy ? topK.quantizedTop1() : null;
        Double refTop5 = top5 ? topK.referenceTop5() : null;
        Double qTop5 = top5 ? topK.quantizedTop5() : null;
        ModelMetrics fp32 = new ModelMetrics(refTop1, refTop5, latency[0], fp32Size);
        ModelMetrics quantized = new ModelMetrics(qTop1, qTop5, latency[1], quantizedSize);
        return new EvaluationResult(pass.samples(), dataset, fp32, quantized,
                accuracy ? refTop1 - qTop1 : null, top5 ? refTop5 - qTop5 : null,
                topK == null ? null : topK.agreement(), pass.outputs(),
                ratio(latency[0], latency[1], false), ratio(latency[0], latency[1], true),
                (double) fp32Size / quantizedSize, pass.classificationOutput());
    }

    private static Double ratio(ModelMetrics.Latency fp32, ModelMetrics.Latency quantized, boolean larger) {
        if (fp32 == null || quantized == null) {
            return null;
        }
        Percentiles a = larger ? fp32.batchN() : fp32.batch1();
        Percentiles b = larger ? quantized.batchN() : quantized.batch1();
        return a == null || b == null || b.p50() == 0 ? null : a.p50() / b.p50();
    }

    private static OrtSession session(Path model, String which) throws OrtException {
        try (OrtSession.SessionOptions options = Ort.sessionOptions(OrtSession.SessionOptions.OptLevel.ALL_OPT)) {
            return Ort.environment().createSession(model.toString(), options);
        } catch (OrtException e) {
            String message = "ONNX Runtime cannot load the " + which + " model for evaluation: " + e.getMessage();
            // the user's model failing is an input problem; our own output failing is ours
            throw "fp32".equals(which) ? new EngineInputException(message, e) : new IllegalStateException(message, e);
        }
    }
}
