package io.quantizer.queue;

import io.quantizer.engine.cli.EngineProtocol.Stage;

/** What a supervised engine run reports to, and asks of, the attempt that started it. */
interface AttemptControl {

    /** Records progress on the job; throws {@link io.quantizer.job.StaleAttemptException} once the job is lost. */
    void progress(Stage stage, double fraction);

    /** False once the job was cancelled or claimed by a later attempt. */
    boolean stillOwned();

    /** True while this worker is shutting down and should hand the job back. */
    boolean shuttingDown();
}
