package io.quantizer.storage.filesystem;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.quantizer.storage.ObjectKeys;
import io.quantizer.storage.ObjectStore;

/**
 * Objects as files under a root directory, key {@code a/b/c} at {@code root/a/b/c}.
 * <p>
 * Writes go to a hidden temp file in the target's own directory and are then renamed over the target with
 * {@code ATOMIC_MOVE}: readers see the old object or the new one, never a half-written file, and a crash leaves
 * only a dot-file that {@link #list} ignores. Keys are checked by {@link ObjectKeys} and must resolve inside the
 * root, so no key can escape it.
 */
public final class FilesystemObjectStore implements ObjectStore {

    private static final String TEMP_PREFIX = ".put-";

    private final Path root;

    public FilesystemObjectStore(Path root) throws IOException {
        this.root = Files.createDirectories(root.toAbsolutePath().normalize());
    }

    public Path root() {
        return root;
    }

    @Override
    public void put(String key, InputStream content, long length) throws IOException {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, was " + length);
        }
        Path target = resolve(key);
        Path temp = createTemp(target);
        try {
            long copied;
            try (OutputStream out = Files.newOutputStream(temp)) {
                copied = copyExactly(content, out, length);
            }
            if (copied != length) {
                throw new IOException("Object " + key + ": expected " + length + " bytes but the stream ended after "
                        + copied);
            }
            publish(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public void put(String key, Path file) throws IOException {
        Path target = resolve(key);
        Path temp = createTemp(target);
        try {
            Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
            publish(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public Optional<InputStream> open(String key) throws IOException {
        try {
            return Optional.of(Files.newInputStream(resolve(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        Path path = resolve(key);
        try {
            return Files.isRegularFile(path) ? Optional.of(Files.size(path)) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean exists(String key) throws IOException {
        return Files.isRegularFile(resolve(key));
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(resolve(key));
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        String checked = ObjectKeys.requireValidPrefix(prefix);
        // walk only the deepest directory the prefix names completely
        int slash = checked.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(checked.substring(0, slash));
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(start)) {
            paths.filter(Files::isRegularFile)
                    .map(this::keyOf)
                    .filter(key -> key.startsWith(checked) && isVisible(key))
                    .forEach(keys::add);
        }
        return keys;
    }

    private Path resolve(String key) {
        Path path = root.resolve(ObjectKeys.requireValid(key)).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw new IllegalArgumentException("Invalid object key '" + key + "': it resolves outside the store");
        }
        return path;
    }

    private String keyOf(Path path) {
        return root.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
    }

    /** Temp files and anything else whose path has a dot-segment cannot be a valid key. */
    private static boolean isVisible(String key) {
        return !key.startsWith(".") && !key.contains("/.");
    }

    private static Path createTemp(Path target) throws IOException {
        Files.createDirectories(target.getParent());
        return Files.createTempFile(target.getParent(), TEMP_PREFIX, ".tmp");
    }

    private static void publish(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // same directory, so this only happens on exotic filesystems; a plain replace is the best left
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static long copyExactly(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        while (total < length) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - total));
            if (n < 0) {
                break;
            }
            out.write(buffer, 0, n);
            total += n;
        }
        return total;
    }
}
