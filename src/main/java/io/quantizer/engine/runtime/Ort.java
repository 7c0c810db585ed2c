package io.quantizer.engine.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;

/**
 * The one ONNX Runtime environment of a process, with one global intra-op thread pool shared by every session.
 * Sessions used alternately (fp32 and int8 during evaluation) must not each spin their own pool: measured here,
 * per-session pools made both models 2-3x slower.
 *
 * <p>The thread count is fixed when the environment is first created; {@link #configureThreads(int)} must run
 * before anything else touches ONNX Runtime in the process (the engine's main does that).
 */
public final class Ort {

    private static volatile int intraOpThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private static volatile OrtEnvironment environment;

    private Ort() {
    }

    /** Sets the global intra-op thread count; only effective before the environment exists. */
    public static synchronized void configureThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (environment != null && threads != intraOpThreads) {
            throw new IllegalStateException("ONNX Runtime environment already created with " + intraOpThreads
                    + " threads; cannot switch to " + threads);
        }
        intraOpThreads = threads;
    }

    public static int intraOpThreads() {
        return intraOpThreads;
    }

    public static OrtEnvironment environment() {
        OrtEnvironment env = environment;
        if (env == null) {
            synchronized (Ort.class) {
                env = environment;
                if (env == null) {
                    env = create();
                    environment = env;
                }
            }
        }
        return env;
    }

    private static OrtEnvironment create() {
        try (OrtEnvironment.ThreadingOptions threading = new OrtEnvironment.ThreadingOptions()) {
            threading.setGlobalIntraOpNumThreads(intraOpThreads);
            threading.setGlobalInterOpNumThreads(1);
            threading.setGlobalSpinControl(true);
            return OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "quantizer", threading);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot create the ONNX Runtime environment: " + e.getMessage(), e);
        }
    }

    /** Session options that use the global thread pool; the caller closes them after creating the session. */
    public static OrtSession.SessionOptions sessionOptions(OrtSession.SessionOptions.OptLevel level) throws OrtException {
        environment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.disablePerSessionThreads();
        options.setOptimizationLevel(level);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        return options;
    }
}
