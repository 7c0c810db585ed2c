package io.quantizer.catalog;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.quantizer.storage.ContentAddressedBlobs;
import io.quantizer.storage.ObjectStore;
import io.quantizer.storage.UploadStager;

/**
 * Collects what a crash can leave behind in storage: blobs no model or data set refers to (a process that died
 * between publishing a blob and saving its row, or between deleting a row and its blob) and staged upload files
 * older than an hour. Each blob is removed under its {@link BlobLocks lock} after counting references again, so
 * an upload in progress either saves its row first (and the blob stays) or stores the blob again after the
 * sweep. Every instance may run it; they serialise per blob on the same lock.
 */
@Component
public class OrphanBlobSweep {

    private static final Logger log = LoggerFactory.getLogger(OrphanBlobSweep.class);
    private static final String BLOBS = "blobs/sha256/";

    private final ObjectStore store;
    private final BlobReferences references;
    private final CatalogUploads uploads;
    private final UploadStager stager;

    OrphanBlobSweep(ObjectStore store, BlobReferences references, CatalogUploads uploads, UploadStager stager) {
        this.store = store;
        this.references = references;
        this.uploads = uploads;
        this.stager = stager;
    }

    /** What one sweep removed. */
    public record Swept(int blobs, int tempFiles) {
    }

    @Scheduled(initialDelayString = "${quantizer.storage.sweep-interval:PT1H}",
            fixedDelayString = "${quantizer.storage.sweep-interval:PT1H}")
    void scheduled() {
        try {
            Swept swept = sweep();
            if (swept.blobs() + swept.tempFiles() > 0) {
                log.info("storage sweep removed {} orphaned blobs and {} stale upload files", swept.blobs(),
                        swept.tempFiles());
            }
        } catch (IOException | RuntimeException e) {
            log.warn("storage sweep failed; it runs again later: {}", e.toString());
        }
    }

    public Swept sweep() throws IOException {
        int blobs = 0;
        for (String key : store.list(BLOBS)) {
            String sha256 = key.substring(key.lastIndexOf('/') + 1);
            if (!sha256.matches("[0-9a-f]{64}") || !key.equals(ContentAddressedBlobs.keyFor(sha256))) {
                continue; // not a blob this service wrote
            }
            // the cheap unlocked count skips referenced blobs; releaseIfUnused counts again under the lock
            if (references.count(sha256) == 0 && uploads.releaseIfUnused(sha256)) {
                blobs++;
            }
        }
        return new Swept(blobs, stager.deleteStaleTempFiles());
    }
}
