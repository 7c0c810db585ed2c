package io.quantizer.queue;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.quantizer.support.IntegrationTest;
import org.springframework.test.context.TestPropertySource;

/**
 * The application on the real test servers with its worker switched off and jobs queued under a queue name of
 * their own, so no worker in this JVM picks them up: the test decides which attempts run, when, and with which
 * faults. Every test class with this annotation shares one context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@IntegrationTest
@TestPropertySource(properties = {"quantizer.worker.enabled=false", "quantizer.worker.queue=" + ManualQueue.NAME})
@interface ManualQueue {

    String NAME = "quantization-job-manual-tests";
}
