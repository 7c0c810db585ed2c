package io.quantizer.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import io.quantizer.engine.cli.EngineProtocol.Stage;
import io.quantizer.job.DatasetFacts;
import io.quantizer.job.JobCatalog;
import io.quantizer.job.JobInputs;
import io.quantizer.job.JobLifecycle;
import io.quantizer.job.JobLifecycle.Claim;
import io.quantizer.job.ModelFacts;
import io.quantizer.job.StaleAttemptException;
import io.quantizer.storage.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import io.quantizer.engine.recipe.QuantizationRecipe;
import tools.jackson.databind.ObjectMapper;

/**
 * One attempt at one job: claim it (bumping {@code attempt}), fetch its inputs into a private work directory,
 * run the engine in a child JVM, upload the outputs under {@code jobs/{id}/attempt-{n}/}, and publish.
 * Exactly once: publishing succeeds only for the attempt that still owns the job; an attempt that lost it
 * (cancelled, or claimed again after this worker was presumed dead) deletes what it uploaded.
 */
@Component
public class JobAttemptRunner {

    private static final Logger log = LoggerFactory.getLogger(JobAttemptRunner.class);

    /** How a run of {@link #run} ended, as far as the queue is concerned. */
    public enum Outcome {
        /** the job reached SUCCEEDED or FAILED */
        FINISHED,
        /** nothing to do: the job is gone, finished or cancelled */
        NOT_RUNNABLE,
        /** the job was cancelled or taken over while this attempt ran */
        LOST,
        /** the worker is shutting down: the job stays RUNNING and must be queued again */
        INTERRUPTED_BY_SHUTDOWN
    }

    private final JobLifecycle lifecycle;
    private final JobCatalog catalog;
    private final StoreTransfers transfers;
    private final WorkerProperties worker;
    private final AttemptProblems problems;
    private final AttemptPublisher publisher;
    private final JobMetrics metrics;
    private final ObjectMapper mapper;

    JobAttemptRunner(JobLifecycle lifecycle, JobCatalog catalog, ObjectStore store, ObjectMapper mapper,
                     WorkerProperties worker, JobMetrics metrics) {
        this.lifecycle = lifecycle;
        this.catalog = catalog;
        this.worker = worker;
        this.metrics = metrics;
        this.mapper = mapper;
        this.transfers = new StoreTransfers(store, worker.uploadAttempts(), worker.uploadRetryDelay());
        this.problems = new AttemptProblems(mapper, worker);
        this.publisher = new AttemptPublisher(lifecycle, transfers, problems, mapper,
                worker.maxResultSize().toBytes());
    }

    public Outcome run(UUID jobId, BooleanSupplier shuttingDown) {
        Optional<Claim> claimed = lifecycle.claim(jobId);
        if (claimed.isEmpty()) {
            return Outcome.NOT_RUNNABLE;
        }
        Claim claim = claimed.get();
        log.info("job {} attempt {} started", jobId, claim.attempt());
        // whatever an earlier, dead attempt left behind can never be published: clear it
        transfers.deleteAll(AttemptPublisher.jobPrefix(jobId));
        if (claim.attempt() > worker.maxAttempts()) {
            // every earlier start ended without a result, its worker gone or shut down (an engine failure is
            // FAILED, not re-run): a job that takes its worker down each time must stop being resumed
            log.warn("job {} was started {} times without finishing; failing it", jobId, claim.attempt() - 1);
            Outcome outcome = fail(claim, problems.neverFinished(claim.attempt()));
            metrics.completed(outcome == Outcome.FINISHED ? "failed" : "cancelled");
            return outcome;
        }
        Outcome outcome;
        try (AttemptWorkspace workspace = AttemptWorkspace.create(worker.workDir(), jobId, claim.attempt())) {
            outcome = attempt(claim, workspace, shuttingDown);
        } catch (IOException e) {
            throw new UncheckedIOException("job " + jobId + ": cannot prepare the work directory", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = Outcome.INTERRUPTED_BY_SHUTDOWN;
        }
        log.info("job {} attempt {} ended: {}", jobId, claim.attempt(), outcome);
        metrics.completed(switch (outcome) {
            case FINISHED -> lifecycle.status(jobId).map(s -> s.name().toLowerCase()).orElse("unknown");
            case LOST, NOT_RUNNABLE -> "cancelled";
            case INTERRUPTED_BY_SHUTDOWN -> "requeued";
        });
        return outcome;
    }

    private Outcome attempt(Claim claim, AttemptWorkspace workspace, BooleanSupplier shuttingDown)
            throws IOException, InterruptedException {
        StageClock clock = new StageClock(metrics);
        long fetchStarted = System.nanoTime();
        Optional<EngineCommand.Inputs> inputs = fetchInputs(claim, workspace);
        Duration fetching = Duration.ofNanos(System.nanoTime() - fetchStarted);
        if (inputs.isEmpty()) {
            return Outcome.FINISHED;
        }
        Control control = new Control(claim, clock, shuttingDown);
        Duration timeout = timeout(claim.recipeJson());
        EngineSupervisor supervisor = new EngineSupervisor(timeout, worker.watchInterval());
        List<String> command = EngineCommand.viaArgumentFile(
                EngineCommand.build(worker, EngineCommand.Launch.current(), inputs.get()), workspace.argumentFile());
        EngineOutcome outcome = supervisor.run(command, workspace.dir(), "engine-" + claim.jobId(), control);
        return switch (outcome.kind()) {
            case COMPLETED -> {
                clock.enter(Stage.PUBLISHING);
                Outcome published = publisher.publish(claim, workspace,
                        new AttemptPublisher.Timings(fetching, outcome.untilFirstLine(), outcome.elapsed()));
                clock.stop();
                yield published;
            }
            case EXITED_WITH_ERROR -> fail(claim, problems.engineExit(outcome, claim.attempt()));
            case TIMED_OUT -> fail(claim, problems.timedOut(outcome, claim.attempt(), timeout));
            case LOST_OWNERSHIP -> Outcome.LOST;
            case SHUTDOWN -> Outcome.INTERRUPTED_BY_SHUTDOWN;
        };
    }

    /**
     * The attempt's wall-clock limit: {@code quantizer.worker.timeout}, plus the accuracy search's own time limit
     * when the recipe sets a target, so a search the user gave an hour is not cut off by the plain job's limit.
     */
    private Duration timeout(String recipeJson) {
        QuantizationRecipe recipe = mapper.readValue(recipeJson, QuantizationRecipe.class).withDefaults();
        return recipe.accuracy() == null ? worker.timeout()
                : worker.timeout().plusSeconds(recipe.accuracy().timeLimit());
    }

    /** Downloads the inputs; empty (the job already FAILED) when one is missing or storage keeps failing. */
    private Optional<EngineCommand.Inputs> fetchInputs(Claim claim, AttemptWorkspace workspace)
            throws IOException, InterruptedException {
        JobInputs ids = claim.inputs();
        Optional<ModelFacts> model = catalog.model(ids.modelId());
        // the modes that do not calibrate may run without a calibration set
        Optional<DatasetFacts> calibration = ids.calibrationDatasetId() == null ? Optional.empty()
                : catalog.dataset(ids.calibrationDatasetId());
        Optional<DatasetFacts> evaluation = ids.evaluationDatasetId() == null ? Optional.empty()
                : catalog.dataset(ids.evaluationDatasetId());
        if (model.isEmpty() || (ids.calibrationDatasetId() != null && calibration.isEmpty())
                || (ids.evaluationDatasetId() != null && evaluation.isEmpty())) {
            fail(claim, problems.missingInput("model or data set", claim.attempt()));
            return Optional.empty();
        }
        EngineCommand.Inputs inputs = new EngineCommand.Inputs(workspace.model(),
                calibration.map(c -> workspace.calibration(c.extension())).orElse(null),
                evaluation.map(e -> workspace.evaluation(e.extension())).orElse(null),
                workspace.recipe(), workspace.outputModel(), workspace.outputReport(), workspace.tmp());
        try {
            transfers.download(model.get().objectKey(), inputs.model());
            for (ModelFacts.DataFile data : model.get().externalData()) {
                transfers.download(data.objectKey(), workspace.modelData(data.name()));
            }
            if (calibration.isPresent()) {
                transfers.download(calibration.get().objectKey(), inputs.calibration());
            }
            if (evaluation.isPresent()) {
                transfers.download(evaluation.get().objectKey(), inputs.evaluation());
            }
        } catch (StoreTransfers.MissingObjectException e) {
            fail(claim, problems.missingInput("model or data set", claim.attempt()));
            return Optional.empty();
        } catch (IOException e) {
            fail(claim, problems.storageFailed("download the inputs", e, claim.attempt()));
            return Optional.empty();
        }
        Files.writeString(inputs.recipe(), claim.recipeJson());
        return Optional.of(inputs);
    }

    private Outcome fail(Claim claim, String problemJson) {
        return failOrLose(lifecycle, claim, problemJson);
    }

    /** Marks the job FAILED if this attempt still owns it. */
    static Outcome failOrLose(JobLifecycle lifecycle, Claim claim, String problemJson) {
        try {
            lifecycle.fail(claim.jobId(), claim.attempt(), problemJson);
            return Outcome.FINISHED;
        } catch (StaleAttemptException e) {
            return Outcome.LOST;
        }
    }

    /** The attempt as the engine supervisor sees it. */
    private final class Control implements AttemptControl {
        private final Claim claim;
        private final StageClock clock;
        private final BooleanSupplier shuttingDown;

        Control(Claim claim, StageClock clock, BooleanSupplier shuttingDown) {
            this.claim = claim;
            this.clock = clock;
            this.shuttingDown = shuttingDown;
        }

        @Override
        public void progress(Stage stage, double fraction) {
            clock.enter(stage);
            lifecycle.advance(claim.jobId(), claim.attempt(), stage, fraction);
        }

        @Override
        public boolean stillOwned() {
            return lifecycle.isOwnedBy(claim.jobId(), claim.attempt());
        }

        @Override
        public boolean shuttingDown() {
            return shuttingDown.getAsBoolean() || Thread.currentThread().isInterrupted();
        }
    }

    /** Times the stages of one attempt for the stage-duration metric. */
    static final class StageClock {
        private final JobMetrics metrics;
        private Stage stage = Stage.PREPARING;
        private long enteredAt = System.nanoTime();

        StageClock(JobMetrics metrics) {
            this.metrics = metrics;
        }

        void enter(Stage next) {
            if (next == stage) {
                return;
            }
            long now = System.nanoTime();
            metrics.stageTook(stage, Duration.ofNanos(now - enteredAt));
            stage = next;
            enteredAt = now;
        }

        void stop() {
            metrics.stageTook(stage, Duration.ofNanos(System.nanoTime() - enteredAt));
        }
    }
}
