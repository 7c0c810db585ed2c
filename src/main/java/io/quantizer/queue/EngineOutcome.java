package io.quantizer.queue;

import java.time.Duration;
import java.util.List;

/**
 * How an engine child run ended, from the worker's point of view.
 *
 * @param untilFirstLine time from starting the child to its first protocol line (JVM start and engine set-up)
 */
record EngineOutcome(Kind kind, int exitCode, String errorMessage, List<String> tail, Duration elapsed,
                     Duration untilFirstLine) {

    enum Kind {
        /** exit 0: both output files are complete */
        COMPLETED,
        /** a non-zero exit: the engine refused the inputs, failed, crashed or ran out of memory */
        EXITED_WITH_ERROR,
        /** ran past the wall-clock limit and was killed */
        TIMED_OUT,
        /** the job was cancelled or taken over by a later attempt; the child was killed */
        LOST_OWNERSHIP,
        /** this worker is shutting down; the child was killed and the job goes back to the queue */
        SHUTDOWN
    }

    EngineOutcome {
        tail = List.copyOf(tail);
    }
}
