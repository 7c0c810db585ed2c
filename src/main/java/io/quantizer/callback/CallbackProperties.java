package io.quantizer.callback;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code quantizer.callbacks.*}: how job callbacks are sent.
 *
 * @param allow          address ranges (CIDR, e.g. {@code 10.20.0.0/16}, {@code fd00::/8}, {@code 127.0.0.1/32})
 *                       a callback may reach although they are private, loopback, link-local or otherwise not
 *                       public; empty allows public addresses only
 * @param maxAttempts    attempts before a delivery is given up (FAILED)
 * @param initialBackoff the pause after the first failed attempt; it doubles after each further one
 * @param maxBackoff     the longest pause between two attempts
 * @param timeout        connect and read timeout of one attempt
 * @param pollInterval   how often each instance looks for due deliveries
 */
@ConfigurationProperties("quantizer.callbacks")
public record CallbackProperties(
        @DefaultValue List<String> allow,
        @DefaultValue("8") int maxAttempts,
        @DefaultValue("10s") Duration initialBackoff,
        @DefaultValue("1h") Duration maxBackoff,
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("5s") Duration pollInterval) {

    public CallbackProperties {
        allow = allow == null ? List.of() : List.copyOf(allow);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("quantizer.callbacks.max-attempts must be at least 1");
        }
    }

    /** The pause before attempt {@code failed + 1}: the initial backoff doubled per failure, capped. */
    Duration backoffAfter(int failed) {
        Duration pause = initialBackoff;
        for (int i = 1; i < failed && pause.compareTo(maxBackoff) < 0; i++) {
            pause = pause.multipliedBy(2);
        }
        return pause.compareTo(maxBackoff) > 0 ? maxBackoff : pause;
    }
}
