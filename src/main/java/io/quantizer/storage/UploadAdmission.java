package io.quantizer.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Admits an upload only while the staging disk can hold it: at most {@code max-concurrent} at once, and only
 * if the free space left after every admitted upload's declared size (or the size cap, when none is declared)
 * stays above {@code min-free-space}. A refused upload is answered 503 with Retry-After before a byte of it is
 * read, so a burst of uploads slows clients down rather than filling the disk and getting the pod evicted.
 * The reservation is conservative: it counts a whole upload from the start, and the bytes it has already
 * written are also gone from the free space.
 */
public final class UploadAdmission {

    private final int maxConcurrent;
    private final long minFreeBytes;
    private final LongSupplier usableSpace;
    private int admitted;
    private long reserved;

    public UploadAdmission(int maxConcurrent, long minFreeBytes, LongSupplier usableSpace) {
        this.maxConcurrent = maxConcurrent;
        this.minFreeBytes = minFreeBytes;
        this.usableSpace = usableSpace;
    }

    /** Admission for uploads staged under {@code tempDir}, measuring its file store. */
    public static UploadAdmission forDirectory(UploadProperties properties) {
        Path dir = properties.tempDir().toAbsolutePath().normalize();
        return new UploadAdmission(properties.maxConcurrent(), properties.minFreeSpace().toBytes(), () -> {
            try {
                return Files.getFileStore(Files.createDirectories(dir)).getUsableSpace();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** One admitted upload; closing it gives its room back. */
    public final class Ticket implements AutoCloseable {
        private final long bytes;
        private boolean closed;

        private Ticket(long bytes) {
            this.bytes = bytes;
        }

        @Override
        public void close() {
            synchronized (UploadAdmission.this) {
                if (!closed) {
                    closed = true;
                    admitted--;
                    reserved -= bytes;
                }
            }
        }
    }

    /** Why an upload was refused; a sentence for the problem detail. */
    public record Refusal(String reason) {
    }

    /** A ticket for an upload of up to {@code bytes}, or why there is no room for it now. */
    public synchronized Result admit(long bytes) {
        if (admitted >= maxConcurrent) {
            return new Result(Optional.empty(), Optional.of(new Refusal(admitted + " uploads are already being "
                    + "received, the most this instance takes at once (quantizer.upload.max-concurrent).")));
        }
        long free = usableSpace.getAsLong();
        if (free - reserved - bytes < minFreeBytes) {
            return new Result(Optional.empty(), Optional.of(new Refusal("The staging disk has " + free
                    + " bytes free; with the " + reserved + " bytes reserved by uploads in progress it cannot take "
                    + bytes + " more and keep " + minFreeBytes + " free (quantizer.upload.min-free-space).")));
        }
        admitted++;
        reserved += bytes;
        return new Result(Optional.of(new Ticket(bytes)), Optional.empty());
    }

    /** Either a ticket or a refusal. */
    public record Result(Optional<Ticket> ticket, Optional<Refusal> refusal) {
    }

    public synchronized int admitted() {
        return admitted;
    }
}
