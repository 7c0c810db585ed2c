package io.quantizer.queue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The command line of one engine child JVM: bounded heap, its own temp directory, the service's own classes,
 * and the engine's arguments ({@link io.quantizer.engine.cli.EngineProtocol}).
 *
 * <p>How the child finds the classes depends on how the service was started. From a classpath (tests, an IDE,
 * {@code spring-boot:run}, a thin jar) {@code java.class.path} is enough. From Spring Boot's executable jar the
 * application classes sit nested inside it, so the child starts Boot's {@code PropertiesLauncher} on the same
 * jar with {@code loader.main} naming the entry point.
 *
 * <p>Everything after the java executable goes into an argument file ({@code java @file}), so the child's
 * command line stays short whatever the class path: measured here, ONNX Runtime 1.29 crashed with SIGSEGV
 * creating its environment on a JVM main thread once the command line passed about 4 KB (a class path of a few
 * dozen jars), and a short command line is also what {@code ps} and the job's logs can show.
 */
final class EngineCommand {

    static final String BOOT_LOADER_PACKAGE = "org.springframework.boot.loader.";
    static final String PROPERTIES_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

    private EngineCommand() {
    }

    /** How this JVM was launched, as far as starting a sibling JVM on the same classes is concerned. */
    record Launch(String classPath, boolean bootExecutableJar) {

        static Launch current() {
            ClassLoader loader = EngineChild.class.getClassLoader();
            boolean boot = loader != null && loader.getClass().getName().startsWith(BOOT_LOADER_PACKAGE);
            return new Launch(absolute(System.getProperty("java.class.path")), boot);
        }

        /** The child runs in its own work directory, so relative entries ({@code java -jar app.jar}) must go. */
        static String absolute(String classPath) {
            return Arrays.stream(classPath.split(File.pathSeparator))
                    .filter(entry -> !entry.isEmpty())
                    .map(entry -> Path.of(entry).toAbsolutePath().toString())
                    .collect(Collectors.joining(File.pathSeparator));
        }
    }

    record Inputs(Path model, Path calibration, Path evaluation, Path recipe, Path outputModel, Path outputReport,
                  Path tmp) {
    }

    static List<String> build(WorkerProperties worker, Launch launch, Inputs inputs) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable(worker));
        command.add("-Xmx" + worker.childMaxHeap().toMegabytes() + "m");
        // a heap exhausted is a clean, recognisable exit rather than a half-alive JVM
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-XX:+UseSerialGC");
        command.add("-Djava.io.tmpdir=" + inputs.tmp());
        command.addAll(worker.childJvmOptions());
        command.add("-cp");
        command.add(launch.classPath());
        if (launch.bootExecutableJar()) {
            command.add("-Dloader.main=" + EngineChild.class.getName());
            command.add(PROPERTIES_LAUNCHER);
        } else {
            command.add(EngineChild.class.getName());
        }
        command.add(worker.engineMainClass());
        command.add("--model");
        command.add(inputs.model().toString());
        if (inputs.calibration() != null) {
            command.add("--calibration");
            command.add(inputs.calibration().toString());
        }
        if (inputs.evaluation() != null) {
            command.add("--evaluation");
            command.add(inputs.evaluation().toString());
        }
        command.add("--recipe");
        command.add(inputs.recipe().toString());
        command.add("--output-model");
        command.add(inputs.outputModel().toString());
        command.add("--output-report");
        command.add(inputs.outputReport().toString());
        if (worker.engineThreads() > 0) {
            command.add("--threads");
            command.add(Integer.toString(worker.engineThreads()));
        }
        return command;
    }

    /** Writes all but the executable into {@code argFile} and returns the short command that reads it. */
    static List<String> viaArgumentFile(List<String> command, Path argFile) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String arg : command.subList(1, command.size())) {
            text.append('"').append(arg.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
        }
        Files.writeString(argFile, text, StandardCharsets.UTF_8);
        return List.of(command.get(0), "@" + argFile);
    }

    private static String javaExecutable(WorkerProperties worker) {
        if (!worker.javaCommand().isBlank()) {
            return worker.javaCommand();
        }
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
