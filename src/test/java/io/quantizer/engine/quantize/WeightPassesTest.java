package io.quantizer.engine.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class WeightPassesTest {

    private static final List<String> NAMES = IntStream.range(0, 32).mapToObj(i -> "w" + i).toList();

    @Test
    void appliesThePassToEveryNameAcrossThreads() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        Map<String, Integer> lengths = WeightPasses.inParallel(NAMES, name -> {
            threads.add(Thread.currentThread().getName());
            pause();
            return name.length();
        });

        assertThat(lengths).hasSize(NAMES.size());
        NAMES.forEach(n -> assertThat(lengths).containsEntry(n, n.length()));
        assumeThat(ForkJoinPool.getCommonPoolParallelism()).as("a pool thread besides the caller").isPositive();
        assertThat(threads).hasSizeGreaterThan(1);
    }

    @Test
    void aFailureOnAPoolThreadReachesTheCallerAsTheSameException() {
        assumeThat(ForkJoinPool.getCommonPoolParallelism()).as("a pool thread besides the caller").isPositive();
        Thread caller = Thread.currentThread();
        IllegalArgumentException thrown = new IllegalArgumentException("tensor 'w' has 3 bytes of raw data");

        Throwable caught = catchThrowable(() -> WeightPasses.inParallel(NAMES, name -> {
            pause();
            if (Thread.currentThread() != caller) {
                throw thrown;
            }
            return name;
        }));

        // a parallel stream would rethrow a new IllegalArgumentException wrapping this one, its message prefixed
        // with the class name
        assertThat(caught).isSameAs(thrown).hasMessage("tensor 'w' has 3 bytes of raw data");
    }

    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
