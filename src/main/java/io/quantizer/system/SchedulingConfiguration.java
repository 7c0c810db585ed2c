package io.quantizer.system;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Turns on Spring's {@code @Scheduled} tasks: the storage and job sweeps and the callback dispatcher. They run
 * on every instance (API and worker alike) and coordinate through the database, so any number may run.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class SchedulingConfiguration {
}
