package io.quantizer.engine.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

import io.quantizer.engine.calibration.CalibrationResult;
import io.quantizer.engine.calibration.CalibrationRunner;
import io.quantizer.engine.onnx.ModelPreprocessor;
import io.quantizer.engine.onnx.PreparedModel;
import io.quantizer.engine.quantize.QdqQuantizer;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.recipe.QuantizationRecipe.Calibration;
import io.quantizer.engine.recipe.QuantizationRecipe.CalibrationMethod;
import io.quantizer.engine.runtime.Ort;

/**
 * Child process of B2's memory check: calibrates {@code samples} samples in a fresh JVM and prints its peak
 * resident set (ONNX Runtime's native memory included) and peak Java heap.
 * Arguments: model data method samples threads.
 */
public final class MemoryProbe {

    private MemoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        BigStack.run("probe", () -> probe(args));
    }

    private static void probe(String[] args) throws Exception {
        Ort.configureThreads(Integer.parseInt(args[4]));
        Path model = Path.of(args[0]);
        CalibrationMethod method = CalibrationMethod.valueOf(args[2].toUpperCase());
        int samples = Integer.parseInt(args[3]);
        QuantizationRecipe recipe = new QuantizationRecipe(null, null, null, null, null, null,
                new Calibration(method, null, samples, null, null), null, null);
        Path dir = Files.createTempDirectory("memory-probe");
        PreparedModel prepared = new ModelPreprocessor().prepare(model, recipe, dir);
        CalibrationResult r = new CalibrationRunner(recipe).run(prepared.model(),
                new QdqQuantizer(recipe).tensorsToCalibrate(prepared.model()), Path.of(args[1]), f -> { });
        long heapPeak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPeak += pool.getPeakUsage().getUsed();
            }
        }
        long hwm = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1L);
        System.out.println("MEMORY samples=" + r.sampleCount() + " peakRssKb=" + hwm + " peakHeapKb=" + heapPeak / 1024);
    }
}
