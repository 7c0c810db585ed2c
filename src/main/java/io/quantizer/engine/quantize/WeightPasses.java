package io.quantizer.engine.quantize;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Runs one pass per weight in parallel (the calling thread takes part, so it helps on two cores too). A pass that
 * throws makes the whole call throw that very exception from the calling thread: a parallel stream would rethrow a
 * copy built around it when it was thrown on a pool thread, which changes its message.
 */
final class WeightPasses {

    private WeightPasses() {
    }

    /** {@code pass} applied to every name; the map is unordered, callers read it by name. */
    static <V> Map<String, V> inParallel(Collection<String> names, Function<String, V> pass) {
        Map<String, V> results = new ConcurrentHashMap<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        names.parallelStream().forEach(name -> {
            if (failure.get() != null) {
                return;
            }
            try {
                results.put(name, pass.apply(name));
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        });
        if (failure.get() != null) {
            throw failure.get();
        }
        return results;
    }
}
