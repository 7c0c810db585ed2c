package io.quantizer.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Models a committed python script writes into {@code target/}, once per build: again only when the script is newer
 * than its {@code DONE} stamp. A missing python or torch/onnx is a reason to skip ({@link #available()} says it);
 * a script that fails with both present is a bug the build shows.
 */
final class ScriptedModels {

    static final String PYTHON = "/usr/bin/python3";

    private final Path script;
    private final Path dir;
    private final List<String> extraArgs;
    private final long timeoutSeconds;
    private final String what;
    private String unavailable;
    private boolean generated;

    /**
     * @param extraArgs arguments after the output directory
     * @param what      what the script makes, for messages ("the real-world models")
     */
    ScriptedModels(Path script, Path dir, List<String> extraArgs, long timeoutSeconds, String what) {
        this.script = script;
        this.dir = dir;
        this.extraArgs = List.copyOf(extraArgs);
        this.timeoutSeconds = timeoutSeconds;
        this.what = what;
    }

    /** Null when the models are there (generating them first if needed), otherwise why they cannot be. */
    synchronized String available() {
        if (generated) {
            return null;
        }
        if (unavailable != null) {
            return unavailable;
        }
        try {
            Path done = dir.resolve("DONE");
            if (Files.exists(done) && Files.getLastModifiedTime(done).compareTo(Files.getLastModifiedTime(script)) > 0) {
                generated = true;
                return null;
            }
            if (!Files.isExecutable(Path.of(PYTHON))) {
                return unavailable = "no " + PYTHON + " to generate " + what + " (install python3-torch python3-onnx)";
            }
            if (run(List.of(PYTHON, "-c", "import torch, onnx"), 120) != 0) {
                return unavailable = PYTHON + " lacks torch or onnx (install python3-torch python3-onnx)";
            }
            List<String> command = new ArrayList<>(List.of(PYTHON, script.toString(), dir.toString()));
            command.addAll(extraArgs);
            int rc = run(command, timeoutSeconds);
            if (rc != 0 || !Files.exists(done)) {
                // the tools are there, so a failing script is a bug the build must show, not skip
                throw new IllegalStateException(script + " failed (exit " + rc + "); see its output above");
            }
            generated = true;
            return null;
        } catch (IOException e) {
            throw new IllegalStateException("cannot generate " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating " + what, e);
        }
    }

    Path model(String name) {
        return dir.resolve(name + ".onnx");
    }

    Path calibration(String name) {
        return dir.resolve(name + "_calib.npz");
    }

    Path evaluation(String name) {
        return dir.resolve(name + "_eval.npz");
    }

    private int run(List<String> command, long timeout) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("generate.log").toFile()).start();
        if (!p.waitFor(timeout, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " ran past " + timeout + " s");
        }
        if (p.exitValue() != 0) {
            System.err.println(Files.readString(dir.resolve("generate.log")));
        }
        return p.exitValue();
    }
}
