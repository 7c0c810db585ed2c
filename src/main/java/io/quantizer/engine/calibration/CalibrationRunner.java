package io.quantizer.engine.calibration;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleConsumer;
import java.util.function.Supplier;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.quantizer.engine.EngineInputException;
import io.quantizer.engine.data.NumpyDataset;
import io.quantizer.engine.onnx.ExternalData;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.runtime.FeedReader;
import io.quantizer.engine.runtime.ModelFeed;
import io.quantizer.engine.runtime.Ort;

/**
 * Runs the fp32 model over the calibration set and turns what the observed tensors held into ranges, in three
 * steps (as ONNX Runtime's own calibrator splits them): augment the graph so the tensors are visible, collect
 * batch by batch into fixed-size calibrators, compute the ranges. Observed graph inputs are taken from the fed
 * buffers. Memory: one batch of activations at most, chosen so that a batch stays within a budget.
 */
public final class CalibrationRunner {

    /** Most activation bytes one batch may produce (histogram methods fetch them all). */
    static final long BATCH_ACTIVATION_BUDGET = 64L << 20;
    static final int MAX_BATCH = 32;

    private final QuantizationRecipe recipe;

    public CalibrationRunner(QuantizationRecipe recipe) {
        this.recipe = recipe.withDefaults();
    }

    /**
     * @param model    the prepared fp32 model
     * @param tensors  float tensors of its main graph to calibrate (node outputs or graph inputs)
     * @param data     the calibration data set (.npz/.npy)
     * @param progress receives the fraction of samples done, after every batch
     */
    public CalibrationResult run(ModelProto model, Set<String> tensors, Path data, DoubleConsumer progress)
            throws IOException, OrtException {
        Set<String> graphInputs = new LinkedHashSet<>();
        Set<String> initializers = new java.util.HashSet<>();
        model.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
        for (ValueInfoProto input : model.getGraph().getInputList()) {
            if (!initializers.contains(input.getName())) {
                graphInputs.add(input.getName());
            }
        }
        Set<String> produced = GraphAugmenter.nodeOutputs(model.getGraph());
        Set<String> fromFeed = new LinkedHashSet<>();
        Set<String> fromGraph = new LinkedHashSet<>();
        for (String t : tensors) {
            if (graphInputs.contains(t)) {
                fromFeed.add(t);
            } else if (produced.contains(t)) {
                fromGraph.add(t);
            } else {
                throw new IllegalArgumentException("tensor '" + t + "' is neither a graph input nor produced by a "
                        + "node of the main graph; it cannot be calibrated");
            }
        }
        Supplier<Calibrator> make = Calibrators.forRecipe(recipe);
        Map<String, Calibrator> calibrators = new LinkedHashMap<>();
        Map<String, Clipping> clipping = ClippingRule.forTensors(model.getGraph(), tensors);
        tensors.forEach(t -> calibrators.put(t, make.get().limitedTo(clipping.get(t))));

        boolean extremesOnly = Calibrators.needsOnlyExtremes(recipe);
        try (NumpyDataset dataset = NumpyDataset.open(data);
             ObservationRun observation = extremesOnly
                     ? ExtremesObservation.open(model, fromGraph, calibrators)
                     : openActivations(model, fromGraph, calibrators)) {
            ModelFeed feed = ModelFeed.bind(observation.inputs(), dataset.description(), recipe.constantInputs());
            Integer max = recipe.calibration().maxSamples();
            long total = Math.min(dataset.description().sampleCount(), max == null ? Long.MAX_VALUE : max);
            long done = 0;
            long expected = observation.expectedBytesPerSample();
            boolean sized = feed.batched() && expected > 0;
            // otherwise one sample first, to see how much memory a sample's activations take
            int batchSize = sized ? chooseBatch(expected, feed.bytesPerSample()) : 1;
            long loopStart = System.nanoTime();
            try (FeedReader reader = new FeedReader(dataset, feed, MAX_BATCH, total, null)) {
                while (reader.remaining() > 0) {
                    int size;
                    try (FeedReader.Batch batch = reader.next(batchSize)) {
                        observation.observe(batch);
                        for (String input : fromFeed) {
                            calibrators.get(input).update(batch.floatInputs().get(input).duplicate());
                        }
                        size = batch.size();
                    }
                    done += size;
                    if (done == 1 && feed.batched() && !sized) {
                        batchSize = chooseBatch(observation.bytesPerSample(), feed.bytesPerSample());
                    }
                    progress.accept((double) done / total);
                }
                observation.finish();
            }
            // session set-up is not observation: the loop's time is what each sample costs
            double loopSeconds = (System.nanoTime() - loopStart) / 1e9 - observation.setupSeconds();
            Map<String, TensorRange> ranges = new LinkedHashMap<>();
            Map<String, TensorStatistics> statistics = new LinkedHashMap<>();
            calibrators.forEach((name, c) -> {
                ranges.put(name, c.range());
                statistics.put(name, c.statistics());
            });
            return new CalibrationResult(ranges, statistics, done, feed.batched() ? batchSize : 1, loopSeconds);
        }
    }

    /** As many samples as fit the activation budget, at most {@link #MAX_BATCH}. */
    static int chooseBatch(long activationBytesPerSample, long inputBytesPerSample) {
        long perSample = Math.max(1, activationBytesPerSample + inputBytesPerSample);
        return (int) Math.max(1, Math.min(MAX_BATCH, BATCH_ACTIVATION_BUDGET / perSample));
    }

    /**
     * Histogram methods fetch whole activations, and their extremes reduced in the graph as MinMax reduces them
     * (sparing the histograms a pass); plain reductions if the graph built from inferred shapes does not load.
     */
    private static ObservationRun openActivations(ModelProto model, Set<String> tensors,
                                                  Map<String, Calibrator> calibrators) throws OrtException {
        Map<String, long[]> shapes = ExtremesGraph.inferShapes(model, tensors);
        Map<String, ExtremesGraph.Readout> extremes = new LinkedHashMap<>();
        OrtSession session;
        try {
            session = createSession(GraphAugmenter.withOutputs(ExtremesGraph.build(model, tensors, shapes, extremes),
                    tensors), OrtSession.SessionOptions.OptLevel.ALL_OPT);
        } catch (EngineInputException e) {
            extremes.clear();
            session = createSession(GraphAugmenter.withOutputs(ExtremesGraph.build(model, tensors, null, extremes),
                    tensors), OrtSession.SessionOptions.OptLevel.ALL_OPT);
        }
        return new ActivationObservation(session, tensors, calibrators, extremes);
    }

    /** Closes a session if there is one; ONNX Runtime failing to release it is a bug, not an input problem. */
    static void closeSession(OrtSession session) {
        if (session == null) {
            return;
        }
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close an ONNX Runtime session: " + e.getMessage(), e);
        }
    }

    static OrtSession createSession(ModelProto model, OrtSession.SessionOptions.OptLevel level) throws OrtException {
        try (OrtSession.SessionOptions options = Ort.sessionOptions(level)) {
            // weights in external files stay there: ONNX Runtime reads them from their directory
            return ExternalData.forRuntime(model).open(options);
        } catch (OrtException e) {
            throw new EngineInputException("ONNX Runtime cannot load the model for calibration: " + e.getMessage(), e);
        }
    }
}
