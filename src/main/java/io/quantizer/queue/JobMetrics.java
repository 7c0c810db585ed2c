package io.quantizer.queue;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quantizer.engine.cli.EngineProtocol.Stage;
import org.springframework.stereotype.Component;

/** What workers measure: time spent per stage, and how attempts ended. */
@Component
class JobMetrics {

    private final MeterRegistry registry;

    JobMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void stageTook(Stage stage, Duration duration) {
        Timer.builder("quantizer.job.stage.duration")
                .description("Time quantization job attempts spend in each stage")
                .tag("stage", stage.name())
                .register(registry)
                .record(duration);
    }

    /** outcome: succeeded, failed, cancelled (lost to a cancel or a later attempt) or requeued (shutdown). */
    void completed(String outcome) {
        Counter.builder("quantizer.jobs.completed")
                .description("Quantization job attempts that ended, by outcome")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }
}
