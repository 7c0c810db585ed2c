package io.quantizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Module boundaries, checked on the compiled classes: the engine is a plain library (no Spring, no JPA, no
 * servlet API), and the service side touches only the engine's data reader, its recipe, its feed rule, its
 * external-data rules and the child-process protocol, which themselves use nothing else of the engine, so ONNX Runtime is never loaded in the
 * API process. Class files name every type they use in their
 * constant pool, so scanning those names sees imports, annotations, signatures and fully-qualified uses alike.
 */
class ArchitectureTest {

    private static final Pattern TYPE_NAME = Pattern.compile("(?:io/quantizer|org/springframework|jakarta|ai/onnxruntime|ai/onnx)/[A-Za-z0-9_/$]+");
    private static final List<String> SERVICE_MAY_USE = List.of(
            "io/quantizer/engine/data/", "io/quantizer/engine/recipe/", "io/quantizer/engine/feed/",
            "io/quantizer/engine/cli/EngineProtocol",
            // the external-data rules, so the upload check and the engine decide them with the same code
            "io/quantizer/engine/external/",
            // the engine's report and its summary (a job's result) are what the service serves; the API
            // documents their shapes from these records
            "io/quantizer/engine/report/QuantizationReport", "io/quantizer/engine/report/Summary",
            // the records the summary is made of, which the report page reads (data only: no code of the engine)
            "io/quantizer/engine/report/Quality", "io/quantizer/engine/report/LayerAnalysis",
            "io/quantizer/engine/report/AccuracySearch", "io/quantizer/engine/evaluation/EvaluationResult",
            "io/quantizer/engine/evaluation/ModelMetrics", "io/quantizer/engine/evaluation/OutputFidelity",
            "io/quantizer/engine/evaluation/Percentiles");
    /** The published parts the service runs (not only documents): they must stand on their own. */
    private static final List<String> SELF_CONTAINED = SERVICE_MAY_USE.stream()
            .filter(p -> !p.startsWith("io/quantizer/engine/report/") && !p.startsWith("io/quantizer/engine/evaluation/"))
            .toList();

    private static Map<String, TreeSet<String>> referencesByClass;

    @BeforeAll
    static void scanCompiledClasses() throws IOException, URISyntaxException {
        Path root = Path.of(QuantizerApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        referencesByClass = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                TreeSet<String> names = new TreeSet<>();
                Matcher m = TYPE_NAME.matcher(text);
                while (m.find()) {
                    names.add(m.group());
                }
                referencesByClass.put(root.relativize(file).toString().replace('\\', '/'), names);
            }
        }
        assertThat(referencesByClass).as("compiled classes found under " + root).hasSizeGreaterThan(50);
    }

    @Test
    void theEngineIsAPlainLibrary() {
        Map<String, List<String>> violations = violations("io/quantizer/engine/", true,
                name -> name.startsWith("org/springframework/") || name.startsWith("jakarta/")
                        || (name.startsWith("io/quantizer/") && !name.startsWith("io/quantizer/engine/")));
        assertThat(violations).as("engine classes using Spring, Jakarta EE or service packages").isEmpty();
    }

    @Test
    void theServiceNeverTouchesOnnxRuntimeAndUsesOnlyTheEnginesPublishedParts() {
        Map<String, List<String>> violations = violations("io/quantizer/engine/", false,
                name -> name.startsWith("ai/onnxruntime/")
                        || (name.startsWith("io/quantizer/engine/") && SERVICE_MAY_USE.stream().noneMatch(name::startsWith)));
        assertThat(violations).as("service classes using ONNX Runtime or engine internals").isEmpty();
    }

    @Test
    void theEnginesPublishedPartsUseNoOtherPartOfIt() {
        Map<String, List<String>> found = new TreeMap<>();
        referencesByClass.forEach((clazz, names) -> {
            if (SELF_CONTAINED.stream().noneMatch(clazz::startsWith)) {
                return;
            }
            List<String> bad = names.stream().filter(name -> name.startsWith("ai/onnxruntime/")
                    || (name.startsWith("io/quantizer/") && SELF_CONTAINED.stream().noneMatch(name::startsWith)))
                    .toList();
            if (!bad.isEmpty()) {
                found.put(clazz, bad);
            }
        });
        assertThat(found).as("published engine classes using ONNX Runtime or unpublished engine classes").isEmpty();
    }

    private static Map<String, List<String>> violations(String enginePrefix, boolean insideEngine,
                                                        java.util.function.Predicate<String> forbidden) {
        Map<String, List<String>> found = new TreeMap<>();
        referencesByClass.forEach((clazz, names) -> {
            if (clazz.startsWith(enginePrefix) != insideEngine) {
                return;
            }
            List<String> bad = names.stream().filter(forbidden).toList();
            if (!bad.isEmpty()) {
                found.put(clazz, bad);
            }
        });
        return found;
    }
}
