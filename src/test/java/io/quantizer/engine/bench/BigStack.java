package io.quantizer.engine.bench;

/** Runs a benchmark main on a thread with the native stack ONNX Runtime needs (see EngineMain). */
public final class BigStack {

    public interface Body {
        void run() throws Exception;
    }

    private BigStack() {
    }

    public static void run(String name, Body body) throws Exception {
        Exception[] failure = {null};
        Thread thread = new Thread(null, () -> {
            try {
                body.run();
            } catch (Exception e) {
                failure[0] = e;
            }
        }, name, 64L << 20);
        thread.start();
        thread.join();
        if (failure[0] != null) {
            throw failure[0];
        }
    }
}
