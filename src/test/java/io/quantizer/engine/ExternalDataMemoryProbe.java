package io.quantizer.engine;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import io.quantizer.engine.evaluation.EvaluationSettings;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.report.Summary;

/**
 * Child process of {@link ExternalDataMemoryTest}: quantizes a model in external-data form in a JVM with a small
 * heap and prints the peak heap. Arguments: model calibration output workDir.
 */
public final class ExternalDataMemoryProbe {

    private ExternalDataMemoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        Exception[] failure = {null};
        // The heap's own peak, sampled: the memory pools' peaks come at different times, so their sum overstates it
        // (it exceeded this JVM's -Xmx), which made the figure measure the collector's timing, not the engine
        long[] peak = {0};
        Thread sampler = new Thread(() -> {
            java.lang.management.MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            while (!Thread.currentThread().isInterrupted()) {
                peak[0] = Math.max(peak[0], memory.getHeapMemoryUsage().getUsed());
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        // ONNX Runtime needs a large native stack, as in EngineMain
        Thread thread = new Thread(null, () -> {
            try {
                Summary s = new QuantizationPipeline(QuantizationRecipe.defaults(), EvaluationSettings.defaults()
                        .withoutLatency()).run(new QuantizationPipeline.Inputs(Path.of(args[0]), Path.of(args[1]),
                        null, Path.of(args[2]), Path.of(args[3])), (stage, f) -> { }).summary();
                sampler.interrupt();
                sampler.join();
                System.out.println("cosine=" + s.evaluation().outputs().get(0).cosine());
                System.out.println("peakHeap=" + peak[0]);
            } catch (Exception e) {
                failure[0] = e;
            }
        }, "probe", 64L << 20);
        thread.start();
        thread.join();
        if (failure[0] != null) {
            throw failure[0];
        }
    }
}
