package io.quantizer.model;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Service;
import org.springframework.web.multipart.MultipartFile;

import io.quantizer.audit.AuditAction;
import io.quantizer.audit.AuditLog;
import io.quantizer.catalog.CatalogUploads;
import io.quantizer.catalog.UploadNames;
import io.quantizer.model.onnx.OnnxFormatException;
import io.quantizer.model.onnx.OnnxMetadataReader;
import io.quantizer.model.onnx.OnnxModelInfo;
import io.quantizer.quota.Quotas;
import io.quantizer.security.Caller;
import io.quantizer.system.ApiException;
import io.quantizer.system.PageResponse;

/**
 * Uploading, listing, reading and deleting models, each within the caller's tenant (admins: every tenant); a
 * model of another tenant is not found. Other features look models up through {@link #find}.
 */
@Service
@EnableConfigurationProperties(ModelProperties.class)
public class ModelService {

    static final String RESOURCE = "Model";
    private static final Sort NEWEST_FIRST = Sort.by(Sort.Order.desc("createdAt"), Sort.Order.desc("id"));

    private final ModelRepository models;
    private final CatalogUploads uploads;
    private final OnnxMetadataReader reader;
    private final ObjectProvider<ModelUsage> usages;
    private final Quotas quotas;
    private final AuditLog audit;

    ModelService(ModelRepository models, CatalogUploads uploads, ObjectProvider<ModelUsage> usages,
                 ModelProperties properties, Quotas quotas, AuditLog audit) {
        this.models = models;
        this.uploads = uploads;
        this.usages = usages;
        this.quotas = quotas;
        this.audit = audit;
        this.reader = new OnnxMetadataReader(properties.limits());
    }

    /**
     * Validates and stores an uploaded .onnx with the external-data files its tensors reference (none for a
     * self-contained model); a model that is not usable, or whose files do not match its references, is refused
     * with 422 and nothing is stored.
     */
    public ModelDetails upload(MultipartFile file, List<MultipartFile> externalData, String requestedName)
            throws IOException {
        String name = UploadNames.resolve(requestedName, file.getOriginalFilename(), "model");
        String tenant = Caller.current().tenant();
        quotas.checkStorage(tenant, 0);
        Map<String, MultipartFile> parts = ExternalDataCheck.byName(externalData);
        ModelDetails stored = uploads.storeBundle(file, parts, "model", (staged, data) -> {
            quotas.checkStorage(tenant, staged.sizeBytes()
                    + data.values().stream().mapToLong(d -> d.sizeBytes()).sum());
            OnnxModelInfo info;
            try {
                info = reader.read(staged.path());
            } catch (OnnxFormatException e) {
                throw new ApiException.Unprocessable("invalid-model", "Not a usable ONNX model",
                        CatalogUploads.sentence(e.getMessage()));
            }
            ExternalDataCheck.check(info.externalData(), data);
            return info;
        }, (staged, data, info) -> save(name, staged.sha256(), staged.sizeBytes(), info,
                data.entrySet().stream().map(e -> new ExternalDataFile(e.getKey(), e.getValue().sha256(),
                        e.getValue().sizeBytes())).toList(), tenant));
        audit.record(AuditAction.MODEL_UPLOADED, "model", stored.id(), tenant);
        return stored;
    }

    private ModelDetails save(String name, String sha256, long sizeBytes, OnnxModelInfo info,
                              List<ExternalDataFile> externalData, String tenant) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return models.save(new ModelEntity(UUID.randomUUID(), name, sha256, sizeBytes, info, externalData, now,
                        tenant))
                .toDetails();
    }

    public PageResponse<ModelDetails> list(int page, int size) {
        String tenant = Caller.current().tenantFilter();
        PageRequest request = PageRequest.of(page, size, NEWEST_FIRST);
        return PageResponse.of(tenant == null ? models.findAll(request) : models.findByTenant(tenant, request),
                ModelEntity::toDetails);
    }

    /** The model whatever its tenant: for code that already holds a checked id (a job's worker). */
    public Optional<ModelDetails> find(UUID id) {
        return models.findById(id).map(ModelEntity::toDetails);
    }

    /** The model if the current caller may see it: its tenant's, or any for an admin. */
    public Optional<ModelDetails> findVisible(UUID id) {
        Caller caller = Caller.current();
        return find(id).filter(m -> caller.canSee(m.tenant()));
    }

    /** The model if the current caller may see it; another tenant's is a 404, like one that does not exist. */
    public ModelDetails get(UUID id) {
        return findVisible(id).orElseThrow(() -> new ApiException.NotFound(RESOURCE, id));
    }

    /**
     * Deletes the model unless a feature still uses it (409). The row goes first; the stored bytes (the .onnx and
     * its external-data files) follow once no model or data set row refers to them.
     */
    public void delete(UUID id) throws IOException {
        Caller caller = Caller.current();
        String[] tenant = new String[1];
        uploads.deleteAll(() -> {
            ModelEntity model = models.findForUpdateById(id).filter(m -> caller.canSee(m.tenant()))
                    .orElseThrow(() -> new ApiException.NotFound(RESOURCE, id));
            tenant[0] = model.tenant();
            CatalogUploads.refuseIfUsed(RESOURCE, id, usages.orderedStream().map(usage -> usage.blockingUse(id)));
            models.delete(model);
            return model.blobs();
        });
        audit.record(AuditAction.MODEL_DELETED, "model", id, tenant[0]);
    }
}
