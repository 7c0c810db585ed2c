package io.quantizer.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import io.quantizer.storage.ForwardingObjectStore;
import io.quantizer.storage.ObjectStore;

/** A real object store whose writes under {@code jobs/} fail the first {@code failures} times. */
final class FaultyStore extends ForwardingObjectStore {

    private final AtomicInteger failuresLeft;
    private final AtomicInteger failed = new AtomicInteger();

    FaultyStore(ObjectStore real, int failures) {
        super(real);
        this.failuresLeft = new AtomicInteger(failures);
    }

    int failedWrites() {
        return failed.get();
    }

    private void maybeFail(String key) throws IOException {
        if (key.startsWith("jobs/") && failuresLeft.getAndDecrement() > 0) {
            failed.incrementAndGet();
            throw new IOException("S3 answered 503 Slow Down for " + key);
        }
    }

    @Override
    public void put(String key, InputStream content, long length) throws IOException {
        maybeFail(key);
        real.put(key, content, length);
    }

    @Override
    public void put(String key, Path file) throws IOException {
        maybeFail(key);
        real.put(key, file);
    }
}
