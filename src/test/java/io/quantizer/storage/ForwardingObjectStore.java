package io.quantizer.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A real object store behind a test's wrapper: every call goes to it, ranged opens included (so a wrapper never
 * swaps the store's own ranged read for the interface's default); wrappers override only what they observe or
 * break.
 */
public abstract class ForwardingObjectStore implements ObjectStore {

    protected final ObjectStore real;

    protected ForwardingObjectStore(ObjectStore real) {
        this.real = real;
    }

    @Override
    public void put(String key, InputStream content, long length) throws IOException {
        real.put(key, content, length);
    }

    @Override
    public void put(String key, Path file) throws IOException {
        real.put(key, file);
    }

    @Override
    public Optional<InputStream> open(String key) throws IOException {
        return real.open(key);
    }

    @Override
    public Optional<InputStream> open(String key, long offset, long length) throws IOException {
        return real.open(key, offset, length);
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        return real.size(key);
    }

    @Override
    public boolean exists(String key) throws IOException {
        return real.exists(key);
    }

    @Override
    public void delete(String key) throws IOException {
        real.delete(key);
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        return real.list(prefix);
    }
}
