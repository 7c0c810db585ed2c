package io.quantizer.engine.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import io.quantizer.engine.QuantizationPipeline;
import io.quantizer.engine.TestData;
import io.quantizer.engine.evaluation.EvaluationSettings;
import io.quantizer.engine.onnx.DecoderModels;
import io.quantizer.engine.onnx.OnnxModels;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.report.Summary;
import io.quantizer.queue.WorkerProperties;

/**
 * Issue 14's large-model benchmark (not a test): generates a decoder-like model of about 2.7 GB in external-data
 * form (an embedding table and 18 MLP blocks of 2048x8192 MatMuls), quantizes it with the worker's default child
 * heap ({@code quantizer.worker.child-max-heap}, read from {@link WorkerProperties}) and prints the time and the
 * peak Java heap and resident set. It re-runs itself in a child JVM with exactly that -Xmx. Needs about 7 GB free
 * in the work directory and as much free memory; every file is deleted at the end.
 *
 * <pre>
 * ./mvnw -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) io.quantizer.engine.bench.LargeModelBench \
 *     [work-dir (default /tmp)] [layers (default 18)]
 * </pre>
 */
public final class LargeModelBench {

    private static final String CHILD = "--child";

    private LargeModelBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(CHILD)) {
            BigStack.run("large-model-bench", () -> child(Path.of(args[1])));
            return;
        }
        Path work = Files.createTempDirectory(Path.of(args.length > 0 ? args[0] : "/tmp"), "large-model-bench-");
        int layers = args.length > 1 ? Integer.parseInt(args[1]) : 18;
        try {
            DecoderModels.Shape shape = new DecoderModels.Shape(32000, 2048, 8192, layers);
            long t0 = System.nanoTime();
            Path model = DecoderModels.write(work.resolve("model"), shape, 14);
            new TestData().longs("input_ids", DecoderModels.tokenIds(8, 32, shape.vocab(), 2), 8, 32)
                    .write(work.resolve("calibration.npz"));
            System.out.printf("generated %s: %.2f GB of fp32 weights in %.1f s%n", model,
                    shape.weightBytes() / 1e9, (System.nanoTime() - t0) / 1e9);
            String heap = "-Xmx" + childHeap().toMegabytes() + "m";
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), heap, "-cp", System.getProperty("java.class.path"),
                    LargeModelBench.class.getName(), CHILD, work.toString()));
            System.out.println("quantizing in a child JVM with " + heap + " (the worker's default child heap)");
            int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("the child JVM exited with " + exit);
            }
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void child(Path work) throws Exception {
        Path model = work.resolve("model").resolve(DecoderModels.MODEL);
        Path out = work.resolve("out").resolve("model.int8.onnx");
        long t0 = System.nanoTime();
        Summary s = new QuantizationPipeline(QuantizationRecipe.defaults(), EvaluationSettings.defaults()
                .withoutLatency()).run(new QuantizationPipeline.Inputs(model, work.resolve("calibration.npz"), null,
                out, work.resolve("engine")), (stage, f) -> { }).summary();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long heapPeak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPeak += pool.getPeakUsage().getUsed();
            }
        }
        long hwm = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1L);
        System.out.printf("LARGE MODEL fp32 %.2f GB -> int8 %.2f GB (%s) in %.1f s (stages %s); max heap %d MB, "
                        + "peak heap %d MB, peak RSS %d MB; output cosine %.4f, verdict %s%n",
                s.evaluation().fp32().sizeBytes() / 1e9, s.evaluation().quantized().sizeBytes() / 1e9,
                OnnxModels.files(out).stream().map(p -> p.getFileName().toString()).toList(), seconds,
                s.stageSeconds(), Runtime.getRuntime().maxMemory() >> 20, heapPeak >> 20, hwm >> 10,
                s.evaluation().outputs().get(0).cosine(), s.quality().verdict());
    }

    /** The default of {@code quantizer.worker.child-max-heap}, read from the property's own declaration. */
    static DataSize childHeap() throws NoSuchMethodException {
        DefaultValue value = WorkerProperties.class.getDeclaredConstructor(Stream.of(WorkerProperties.class
                        .getRecordComponents()).map(c -> c.getType()).toArray(Class<?>[]::new))
                .getParameters()[componentIndex("childMaxHeap")].getAnnotation(DefaultValue.class);
        return DataSize.parse(value.value()[0]);
    }

    private static int componentIndex(String name) {
        var components = WorkerProperties.class.getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            if (components[i].getName().equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("WorkerProperties has no " + name);
    }
}
