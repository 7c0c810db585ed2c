package io.quantizer.queue;

import java.time.Instant;
import java.util.UUID;

import javax.sql.DataSource;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceCurrentlyExecutingException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceNotFoundException;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import io.quantizer.job.JobScheduling;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Puts jobs on the db-scheduler queue. With the worker on, it goes through this instance's scheduler, which
 * is woken to look for due work as soon as the job is committed; an API-only instance (worker off, no scheduler) writes the same row through
 * a plain client. Either way the insert joins the caller's transaction, so a job row and its queue entry are
 * committed together or not at all.
 */
@Component
class JobQueue implements JobScheduling {

    private final CustomTask<Void> task;
    private final SchedulerClient client;
    private final Scheduler local;

    JobQueue(CustomTask<Void> task, ObjectProvider<Scheduler> scheduler, DataSource dataSource) {
        this.task = task;
        this.local = scheduler.getIfAvailable();
        this.client = local != null ? local
                : SchedulerClient.Builder.create(new TransactionAwareDataSourceProxy(dataSource), task).build();
    }

    @Override
    public void schedule(UUID jobId) {
        client.scheduleIfNotExists(task.instance(jobId.toString()), Instant.now());
        if (local != null) {
            // the scheduler's own immediate check runs before our transaction commits and finds nothing;
            // wake it once the row is visible instead of leaving the job to the next poll
            afterCommit(local::triggerCheckForDueExecutions);
        }
    }

    private static void afterCommit(Runnable action) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            action.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }

    @Override
    public void unschedule(UUID jobId) {
        try {
            client.cancel(TaskInstanceId.of(task.getName(), jobId.toString()));
        } catch (TaskInstanceNotFoundException | TaskInstanceCurrentlyExecutingException e) {
            // already picked (or gone): the attempt finds the job cancelled and stops by itself
        }
    }
}
