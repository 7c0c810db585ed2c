package io.quantizer.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.DeadExecutionHandler;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The queue: one db-scheduler task whose instance id is the job id. db-scheduler claims due executions on the
 * service's own database, heartbeats them, and revives an execution whose worker stopped heartbeating; the job
 * row's {@code attempt} then fences the dead attempt out (see {@link JobAttemptRunner}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WorkerProperties.class)
class QueueConfiguration {

    /** A run that threw (the database was unreachable, say) is tried again after this pause. */
    static final Duration RETRY_AFTER_ERROR = Duration.ofSeconds(30);

    @Bean
    CustomTask<Void> quantizationTask(WorkerProperties worker, JobAttemptRunner runner) {
        return Tasks.custom(worker.queue(), Void.class)
                .onFailure(new FailureHandler.OnFailureRetryLater<>(RETRY_AFTER_ERROR))
                .onDeadExecution(new DeadExecutionHandler.ReviveDeadExecution<>())
                .execute((instance, context) -> {
                    JobAttemptRunner.Outcome outcome = runner.run(UUID.fromString(instance.getId()),
                            () -> context.getSchedulerState().isShuttingDown());
                    return outcome == JobAttemptRunner.Outcome.INTERRUPTED_BY_SHUTDOWN
                            ? (complete, operations) -> operations.reschedule(complete, Instant.now())
                            : new CompletionHandler.OnCompleteRemove<>();
                });
    }
}
