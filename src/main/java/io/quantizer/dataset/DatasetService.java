package io.quantizer.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.multipart.MultipartFile;

import io.quantizer.audit.AuditAction;
import io.quantizer.audit.AuditLog;
import io.quantizer.catalog.CatalogUploads;
import io.quantizer.catalog.UploadNames;
import io.quantizer.engine.data.DatasetDescription;
import io.quantizer.engine.data.DatasetFormatException;
import io.quantizer.engine.data.NpzLimits;
import io.quantizer.engine.data.NumpyDataset;
import io.quantizer.quota.Quotas;
import io.quantizer.security.Caller;
import io.quantizer.storage.ContentAddressedBlobs;
import io.quantizer.system.ApiException;
import io.quantizer.system.PageResponse;

/**
 * Uploading, listing, reading and deleting data sets, each within the caller's tenant (admins: every tenant); a
 * data set of another tenant is not found. Other features look data sets up through {@link #find}.
 */
@Service
@EnableConfigurationProperties(DatasetProperties.class)
public class DatasetService {

    static final String RESOURCE = "Dataset";
    private static final Sort NEWEST_FIRST = Sort.by(Sort.Order.desc("createdAt"), Sort.Order.desc("id"));

    private final DatasetRepository datasets;
    private final CatalogUploads uploads;
    private final NpzLimits limits;
    private final ObjectProvider<DatasetUsage> usages;
    private final ContentAddressedBlobs blobs;
    private final TransactionTemplate transactions;
    private final Quotas quotas;
    private final AuditLog audit;

    DatasetService(DatasetRepository datasets, CatalogUploads uploads, DatasetProperties properties,
                   ObjectProvider<DatasetUsage> usages, ContentAddressedBlobs blobs,
                   TransactionTemplate transactions, Quotas quotas, AuditLog audit) {
        this.datasets = datasets;
        this.blobs = blobs;
        this.transactions = transactions;
        this.uploads = uploads;
        this.limits = properties.limits();
        this.usages = usages;
        this.quotas = quotas;
        this.audit = audit;
    }

    /**
     * Validates and stores an uploaded .npz/.npy: every header, the zip limits, the shared sample dimension, and
     * one pass over all the data (sizes and checksums). An unusable file is refused with 422.
     */
    public DatasetDetails upload(MultipartFile file, String requestedName) throws IOException {
        String name = UploadNames.resolve(requestedName, file.getOriginalFilename(), "dataset");
        String tenant = Caller.current().tenant();
        quotas.checkStorage(tenant, 0);
        DatasetDetails stored = uploads.store(file, "dataset", staged -> {
            quotas.checkStorage(tenant, staged.sizeBytes());
            try {
                DatasetDescription description = NumpyDataset.inspect(staged.path(), limits);
                // what a submit needs from the data, computed while the file is local anyway
                LabelRange labels = description.labelTensor() == null ? null
                        : LabelRange.of(staged.path(), description.labelTensor()).orElse(null);
                return new Inspected(description, labels);
            } catch (DatasetFormatException e) {
                throw new ApiException.Unprocessable("invalid-dataset", "Not a usable data set",
                        CatalogUploads.sentence(e.getMessage()));
            }
        }, (staged, inspected) -> save(name, staged.sha256(), staged.sizeBytes(), inspected, tenant));
        audit.record(AuditAction.DATASET_UPLOADED, "dataset", stored.id(), tenant);
        return stored;
    }

    private record Inspected(DatasetDescription description, LabelRange labels) {
    }

    private DatasetDetails save(String name, String sha256, long sizeBytes, Inspected inspected, String tenant) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return datasets.save(new DatasetEntity(UUID.randomUUID(), name, sha256, sizeBytes, inspected.description(),
                inspected.labels(), now, tenant)).toDetails();
    }

    /**
     * The smallest and largest label, as stored at upload; empty when the data set has no labels. A labelled
     * data set stored before label ranges were kept has none yet: it is computed here once, from a temp copy (a
     * .npz needs random access), and stored, so later calls read only the row.
     */
    public Optional<LabelRange> labelRange(UUID id) throws IOException {
        DatasetEntity dataset = datasets.findById(id).orElseThrow(() -> new ApiException.NotFound(RESOURCE, id));
        if (dataset.labelTensor() == null || dataset.labelRange().isPresent()) {
            return dataset.labelRange();
        }
        Path copy = Files.createTempFile("quantizer-labels-", "." + dataset.format());
        try {
            try (InputStream in = blobs.open(dataset.sha256())
                    .orElseThrow(() -> new IOException("data set " + id + " is missing from storage"))) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            Optional<LabelRange> range = LabelRange.of(copy, dataset.labelTensor());
            range.ifPresent(r -> transactions.executeWithoutResult(tx -> datasets.findById(id)
                    .ifPresent(row -> row.rememberLabelRange(r))));
            return range;
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    public PageResponse<DatasetDetails> list(int page, int size) {
        String tenant = Caller.current().tenantFilter();
        PageRequest request = PageRequest.of(page, size, NEWEST_FIRST);
        return PageResponse.of(tenant == null ? datasets.findAll(request) : datasets.findByTenant(tenant, request),
                DatasetEntity::toDetails);
    }

    /** The data set whatever its tenant: for code that already holds a checked id (a job's worker). */
    public Optional<DatasetDetails> find(UUID id) {
        return datasets.findById(id).map(DatasetEntity::toDetails);
    }

    /** The data set if the current caller may see it: its tenant's, or any for an admin. */
    public Optional<DatasetDetails> findVisible(UUID id) {
        Caller caller = Caller.current();
        return find(id).filter(d -> caller.canSee(d.tenant()));
    }

    /** The data set if the current caller may see it; another tenant's is a 404, like one that does not exist. */
    public DatasetDetails get(UUID id) {
        return findVisible(id).orElseThrow(() -> new ApiException.NotFound(RESOURCE, id));
    }

    /**
     * Deletes the data set unless a feature still uses it (409). The row goes first; the stored bytes follow
     * once no model or data set row refers to them.
     */
    public void delete(UUID id) throws IOException {
        Caller caller = Caller.current();
        String[] tenant = new String[1];
        uploads.delete(() -> {
            DatasetEntity dataset = datasets.findForUpdateById(id).filter(d -> caller.canSee(d.tenant()))
                    .orElseThrow(() -> new ApiException.NotFound(RESOURCE, id));
            tenant[0] = dataset.tenant();
            CatalogUploads.refuseIfUsed(RESOURCE, id, usages.orderedStream().map(usage -> usage.blockingUse(id)));
            datasets.delete(dataset);
            return dataset.sha256();
        });
        audit.record(AuditAction.DATASET_DELETED, "dataset", id, tenant[0]);
    }
}
