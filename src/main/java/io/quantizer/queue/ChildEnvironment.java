package io.quantizer.queue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The environment of an engine child. The child runs untrusted models in native code, so it gets an explicit,
 * minimal environment instead of the worker's, which holds the database password, object-store keys and cloud
 * credentials ({@code SPRING_DATASOURCE_*}, {@code QUANTIZER_*}, {@code AWS_*}, ...): only what a JVM and ONNX
 * Runtime need to start and find their libraries, with {@code HOME} and {@code TMPDIR} inside the attempt's
 * own work directory.
 */
final class ChildEnvironment {

    /** Passed through from the worker when set: locating programs and native libraries, locale and time zone. */
    static final List<String> PASSED_THROUGH = List.of("PATH", "LD_LIBRARY_PATH", "JAVA_HOME", "LANG", "LC_ALL",
            "LC_CTYPE", "TZ");

    private ChildEnvironment() {
    }

    static Map<String, String> of(Map<String, String> worker, Path workDir) {
        Map<String, String> child = new TreeMap<>();
        for (String name : PASSED_THROUGH) {
            String value = worker.get(name);
            if (value != null) {
                child.put(name, value);
            }
        }
        child.put("HOME", workDir.toAbsolutePath().toString());
        child.put("TMPDIR", workDir.toAbsolutePath().resolve("tmp").toString());
        return child;
    }

    /** Replaces {@code builder}'s inherited environment with the child's. */
    static ProcessBuilder apply(ProcessBuilder builder, Map<String, String> worker, Path workDir) {
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.putAll(of(worker, workDir));
        return builder;
    }
}
