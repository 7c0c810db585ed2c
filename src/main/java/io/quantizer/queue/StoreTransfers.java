package io.quantizer.queue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;

import io.quantizer.storage.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves files between an attempt's work directory and the object store, retrying transient failures with a
 * doubling pause. Object stores fail now and then (a dropped connection, a 503); a job should not.
 */
final class StoreTransfers {

    private static final Logger log = LoggerFactory.getLogger(StoreTransfers.class);

    private final ObjectStore store;
    private final int attempts;
    private final Duration firstDelay;

    StoreTransfers(ObjectStore store, int attempts, Duration firstDelay) {
        this.store = store;
        this.attempts = attempts;
        this.firstDelay = firstDelay;
    }

    /** Streams the object to {@code target}; a missing object is not retried. */
    void download(String key, Path target) throws IOException, InterruptedException {
        retrying("download " + key, () -> {
            Optional<InputStream> content = store.open(key);
            if (content.isEmpty()) {
                throw new MissingObjectException(key);
            }
            try (InputStream in = content.get()) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        });
    }

    void upload(Path file, String key) throws IOException, InterruptedException {
        retrying("upload " + key, () -> store.put(key, file));
    }

    /** Deletes every key under {@code prefix}; failures are logged, not thrown: cleanup must not mask a result. */
    void deleteAll(String prefix) {
        try {
            for (String key : store.list(prefix)) {
                store.delete(key);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("could not delete objects under {}: {}", prefix, e.toString());
        }
    }

    private void retrying(String what, IoAction action) throws IOException, InterruptedException {
        Duration delay = firstDelay;
        for (int attempt = 1; ; attempt++) {
            try {
                action.run();
                return;
            } catch (MissingObjectException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                if (attempt >= attempts) {
                    throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
                }
                log.warn("{} failed (try {} of {}), retrying in {}: {}", what, attempt, attempts, delay, e.toString());
                Thread.sleep(delay.toMillis());
                delay = delay.multipliedBy(2);
            }
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    /** The object store has no object under the key (an input deleted behind the job's back). */
    static final class MissingObjectException extends FileNotFoundException {
        MissingObjectException(String key) {
            super("no object under key " + key);
        }
    }
}
