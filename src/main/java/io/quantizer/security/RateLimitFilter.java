package io.quantizer.security;

import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

/**
 * A token bucket per authenticated token (its principal): {@code capacity} requests in a burst, refilled at
 * {@code refillPerSecond}. Over it: 429 problem+json with Retry-After. Buckets live in this instance's memory,
 * so with N API replicas a token gets up to N times the rate; the least recently used are dropped past
 * {@value #MAX_BUCKETS} tokens.
 */
final class RateLimitFilter extends OncePerRequestFilter {

    static final int MAX_BUCKETS = 100_000;

    private final SecurityProperties.RateLimit limit;
    private final Map<String, Bucket> buckets = Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                    return size() > MAX_BUCKETS;
                }
            });

    RateLimitFilter(SecurityProperties.RateLimit limit) {
        if (limit.capacity() < 1 || limit.refillPerSecond() < 1) {
            throw new IllegalArgumentException("quantizer.security.rate-limit.capacity and refill-per-second must "
                    + "be at least 1, got " + limit.capacity() + " and " + limit.refillPerSecond());
        }
        this.limit = limit;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (!(authentication != null && authentication.getPrincipal() instanceof Caller caller)) {
            chain.doFilter(request, response);
            return;
        }
        ConsumptionProbe probe = buckets.computeIfAbsent(caller.principal(), p -> newBucket())
                .tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            chain.doFilter(request, response);
            return;
        }
        long seconds = Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toSeconds()
                + (probe.getNanosToWaitForRefill() % 1_000_000_000L == 0 ? 0 : 1));
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        ProblemResponses.write(request, response, HttpStatus.TOO_MANY_REQUESTS, "rate-limited",
                "Too many requests", "This token sent more than " + limit.capacity() + " requests at once or more "
                        + "than " + limit.refillPerSecond() + " a second (quantizer.security.rate-limit); retry after "
                        + seconds + " s.");
    }

    private Bucket newBucket() {
        return Bucket.builder().addLimit(Bandwidth.builder().capacity(limit.capacity())
                .refillGreedy(limit.refillPerSecond(), Duration.ofSeconds(1)).build()).build();
    }
}
