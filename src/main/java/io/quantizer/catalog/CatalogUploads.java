package io.quantizer.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.multipart.MultipartFile;

import io.quantizer.storage.ContentAddressedBlobs;
import io.quantizer.storage.StagedUpload;
import io.quantizer.storage.UploadStager;
import io.quantizer.system.ApiException;

/**
 * The upload and delete life cycle shared by models and data sets: stage the bytes, validate them, store them
 * once by content, save the row; and after a row is deleted, drop the blob when no model or data set row still
 * refers to it. A rejected upload leaves no row, no object and no temp file.
 * <p>
 * Two rows may share one blob, so an upload that refers to existing bytes races with a delete of the last
 * other row that refers to them. Both take the blob's {@link BlobLocks lock}: the upload saves its row and
 * makes sure the blob is stored while holding it, the delete counts references and removes the blob while
 * holding it. Whichever goes second sees what the first did, so no row ever points at a removed blob.
 */
@Component
public class CatalogUploads {

    /** Reads facts from a staged file; throws an {@code ApiException} (4xx) when the file is unusable. */
    @FunctionalInterface
    public interface Validator<F> {
        F validate(StagedUpload staged) throws IOException;
    }

    /** Saves the row for a validated, published upload. */
    @FunctionalInterface
    public interface Saver<F, T> {
        T save(StagedUpload staged, F facts);
    }

    private final UploadStager stager;
    private final ContentAddressedBlobs blobs;
    private final BlobReferences references;
    private final TransactionTemplate transactions;
    private final BlobLocks locks;

    CatalogUploads(UploadStager stager, ContentAddressedBlobs blobs, BlobReferences references,
                   TransactionTemplate transactions, BlobLocks locks) {
        this.locks = locks;
        this.stager = stager;
        this.blobs = blobs;
        this.references = references;
        this.transactions = transactions;
    }

    /**
     * Stages {@code file}, validates it, publishes its blob and saves its row.
     *
     * @param kind {@code model} or {@code dataset}: the upload metric's tag
     */
    public <F, T> T store(MultipartFile file, String kind, Validator<F> validator, Saver<F, T> saver)
            throws IOException {
        try (StagedUpload staged = stager.stage(file, kind)) {
            F facts = validator.validate(staged);
            // the long copy runs before the lock; under it, publish is a size check unless a delete or the
            // sweep removed the blob in between, and then it stores the bytes again from the staged file
            blobs.publish(staged);
            try {
                return transactions.execute(tx -> {
                    locks.lock(staged.sha256());
                    T saved = saver.save(staged, facts);
                    publish(staged);
                    return saved;
                });
            } catch (RuntimeException e) {
                releaseIfUnused(staged.sha256());
                throw e;
            }
        }
    }

    /** Reads facts from a staged file and the staged files uploaded with it, by part name. */
    @FunctionalInterface
    public interface BundleValidator<F> {
        F validate(StagedUpload main, Map<String, StagedUpload> parts) throws IOException;
    }

    /** Saves the row for a validated, published upload of several files. */
    @FunctionalInterface
    public interface BundleSaver<F, T> {
        T save(StagedUpload main, Map<String, StagedUpload> parts, F facts);
    }

    /**
     * {@link #store} for a file that comes with companion files (a model and its external data): all are staged,
     * validated together, published and saved in one row. Any failure leaves no row, no new object, no temp file.
     * The companions together with {@code file} may weigh at most {@code quantizer.upload.max-model-size}.
     *
     * @param parts the companion files by the name they are referenced by (their file names)
     */
    public <F, T> T storeBundle(MultipartFile file, Map<String, MultipartFile> parts, String kind,
                                BundleValidator<F> validator, BundleSaver<F, T> saver) throws IOException {
        Map<String, StagedUpload> staged = new LinkedHashMap<>();
        try (StagedUpload main = stager.stage(file, kind)) {
            long total = main.sizeBytes();
            for (Map.Entry<String, MultipartFile> part : parts.entrySet()) {
                StagedUpload one = stager.stage(part.getValue(), kind);
                staged.put(part.getKey(), one);
                total += one.sizeBytes();
                if (total > stager.maxTotalBytes()) {
                    throw new ApiException.PayloadTooLarge(stager.maxTotalBytes());
                }
            }
            F facts = validator.validate(main, staged);
            List<StagedUpload> all = new ArrayList<>(List.of(main));
            all.addAll(staged.values());
            for (StagedUpload one : all) {
                blobs.publish(one);
            }
            // as in store: the row is saved and every blob made sure of under the blobs' locks, so a delete
            // racing with this upload either sees the new row or runs after the bytes are stored again; the
            // locks are taken in SHA-256 order so two uploads sharing blobs cannot deadlock
            List<String> sha256s = all.stream().map(StagedUpload::sha256).distinct().sorted().toList();
            try {
                return transactions.execute(tx -> {
                    sha256s.forEach(locks::lock);
                    T saved = saver.save(main, staged, facts);
                    all.forEach(this::publish);
                    return saved;
                });
            } catch (RuntimeException e) {
                for (String sha256 : sha256s) {
                    releaseIfUnused(sha256);
                }
                throw e;
            }
        } finally {
            staged.values().forEach(StagedUpload::close);
        }
    }

    /** {@link #delete}, for a row that refers to several blobs ({@code deleteRow} returns all their SHA-256s). */
    public void deleteAll(Supplier<List<String>> deleteRow) throws IOException {
        for (String sha256 : new java.util.LinkedHashSet<>(transactions.execute(status -> deleteRow.get()))) {
            releaseIfUnused(sha256);
        }
    }

    /**
     * Deletes a row in one transaction ({@code deleteRow} locks it, checks it may go, deletes it and returns its
     * SHA-256), then, once that has committed, drops the blob if no row refers to it any more.
     */
    public void delete(Supplier<String> deleteRow) throws IOException {
        releaseIfUnused(transactions.execute(status -> deleteRow.get()));
    }

    /** Removes the blob under its lock when no model or data set row refers to it; true if it was removed. */
    boolean releaseIfUnused(String sha256) throws IOException {
        try {
            return Boolean.TRUE.equals(transactions.execute(tx -> {
                locks.lock(sha256);
                if (references.count(sha256) > 0) {
                    return false;
                }
                try {
                    blobs.delete(sha256);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return true;
            }));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void publish(StagedUpload staged) {
        try {
            blobs.publish(staged);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Throws 409 naming every use other features report for {@code resource} {@code id}. */
    public static void refuseIfUsed(String resource, UUID id, Stream<Optional<String>> uses) {
        List<String> blocking = uses.flatMap(Optional::stream).toList();
        if (!blocking.isEmpty()) {
            throw new ApiException.Conflict(resource + " " + id + " is still in use: " + String.join("; ", blocking)
                    + ". Wait for it to finish or cancel it first.");
        }
    }

    /** A validator's message as a problem detail: a sentence with a capital and a full stop. */
    public static String sentence(String message) {
        if (message == null || message.isEmpty()) {
            return "The file could not be read.";
        }
        String capital = Character.toUpperCase(message.charAt(0)) + message.substring(1);
        return capital.endsWith(".") ? capital : capital + ".";
    }
}
