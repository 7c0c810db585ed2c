package io.quantizer.queue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How this instance runs quantization jobs ({@code quantizer.worker.*}). The worker itself is db-scheduler's
 * scheduler: {@code enabled} and {@code concurrency} feed {@code db-scheduler.enabled} and
 * {@code db-scheduler.threads} in application.yml.
 *
 * @param enabled          run jobs in this instance (an API-only instance still queues them)
 * @param concurrency      jobs run at once by this instance
 * @param queue            the db-scheduler task name jobs are queued under; API and workers must agree
 * @param workDir          where attempts get their private working directories
 * @param childMaxHeap     the engine child JVM's -Xmx
 * @param timeout          wall-clock limit of one attempt's engine run
 * @param engineThreads    ONNX Runtime intra-op threads in the child (0: the engine's default)
 * @param engineMainClass  the engine's command-line entry point run in the child
 * @param childJvmOptions  extra options for the child JVM
 * @param javaCommand      the java executable for the child (empty: the one running this service)
 * @param uploadAttempts   tries per output upload before the job fails
 * @param uploadRetryDelay pause before the first retry; doubles each time
 * @param watchInterval    how often a running attempt checks for cancel, takeover, shutdown and timeout
 * @param maxAttempts      starts a job gets; a job claimed once more (its workers kept dying) ends FAILED
 * @param maxResultSize    the largest result JSON stored on the job row; a larger one fails the job
 */
@ConfigurationProperties("quantizer.worker")
public record WorkerProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1") int concurrency,
        @DefaultValue("quantization-job") String queue,
        @DefaultValue("./data/work") Path workDir,
        @DefaultValue("2GB") DataSize childMaxHeap,
        @DefaultValue("30m") Duration timeout,
        @DefaultValue("0") int engineThreads,
        @DefaultValue("io.quantizer.engine.cli.EngineMain") String engineMainClass,
        @DefaultValue({}) List<String> childJvmOptions,
        @DefaultValue("") String javaCommand,
        @DefaultValue("3") int uploadAttempts,
        @DefaultValue("1s") Duration uploadRetryDelay,
        @DefaultValue("250ms") Duration watchInterval,
        @DefaultValue("3") int maxAttempts,
        @DefaultValue("1MB") DataSize maxResultSize) {

    public WorkerProperties {
        if (concurrency < 1) {
            throw new IllegalArgumentException("quantizer.worker.concurrency must be at least 1, got " + concurrency);
        }
        if (uploadAttempts < 1) {
            throw new IllegalArgumentException("quantizer.worker.upload-attempts must be at least 1");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("quantizer.worker.max-attempts must be at least 1, got " + maxAttempts);
        }
        if (maxResultSize.toBytes() < 1024) {
            throw new IllegalArgumentException("quantizer.worker.max-result-size must be at least 1KB");
        }
        childJvmOptions = List.copyOf(childJvmOptions);
    }

    /** A copy with another wall-clock limit and child heap (tests of the limits use it). */
    public WorkerProperties withLimits(Duration newTimeout, DataSize newHeap) {
        return new WorkerProperties(enabled, concurrency, queue, workDir, newHeap, newTimeout, engineThreads,
                engineMainClass, childJvmOptions, javaCommand, uploadAttempts, uploadRetryDelay, watchInterval,
                maxAttempts, maxResultSize);
    }

    /** A copy with other bounds on starts and on the stored result (tests of those bounds use it). */
    public WorkerProperties withBounds(int newMaxAttempts, DataSize newMaxResultSize) {
        return new WorkerProperties(enabled, concurrency, queue, workDir, childMaxHeap, timeout, engineThreads,
                engineMainClass, childJvmOptions, javaCommand, uploadAttempts, uploadRetryDelay, watchInterval,
                newMaxAttempts, newMaxResultSize);
    }
}
