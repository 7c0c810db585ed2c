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

import io.quantizer.catalog.CatalogUploads;
import io.quantizer.catalog.UploadNames;
import io.quantizer.model.onnx.OnnxFormatException;
import io.quantizer.model.onnx.OnnxMetadataReader;
import io.quantizer.model.onnx.OnnxModelInfo;
import io.quantizer.system.ApiException;
import io.quantizer.system.PageResponse;

/** Uploading, listing, reading and deleting models. Other features look models up through {@link #find}. */
@Service
@EnableConfigurationProperties(ModelProperties.class)
public class ModelService {

    static final String RESOURCE = "Model";
    private static final Sort NEWEST_FIRST = Sort.by(Sort.Order.desc("createdAt"), Sort.Order.desc("id"));

    private final ModelRepository models;
    private final CatalogUploads uploads;
    private final OnnxMetadataReader reader;
    private final ObjectProvider<ModelUsage> usages;

    ModelService(ModelRepository models, CatalogUploads uploads, ObjectProvider<ModelUsage> usages,
                 ModelProperties properties) {
        this.models = models;
        this.uploads = uploads;
        this.usages = usages;
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
        Map<String, MultipartFile> parts = ExternalDataCheck.byName(externalData);
        return uploads.storeBundle(file, parts, "model", (staged, data) -> {
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
                        e.getValue().sizeBytes())).toList()));
    }

    private ModelDetails save(String name, String sha256, long sizeBytes, OnnxModelInfo info,
                              List<ExternalDataFile> externalData) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return models.save(new ModelEntity(UUID.randomUUID(), name, sha256, sizeBytes, info, externalData, now))
                .toDetails();
    }

    public PageResponse<ModelDetails> list(int page, int size) {
        return PageResponse.of(models.findAll(PageRequest.of(page, size, NEWEST_FIRST)), ModelEntity::toDetails);
    }

    public Optional<ModelDetails> find(UUID id) {
        return models.findById(id).map(ModelEntity::toDetails);
    }

    public ModelDetails get(UUID id) {
        return find(id).orElseThrow(() -> new ApiException.NotFound(RESOURCE, id));
    }

    /**
     * Deletes the model unless a feature still uses it (409). The row goes first; the stored bytes (the .onnx and
     * its external-data files) follow once no model or data set row refers to them.
     */
    public void delete(UUID id) throws IOException {
        uploads.deleteAll(() -> {
            ModelEntity model = models.findForUpdateById(id).orElseThrow(() -> new ApiException.NotFound(RESOURCE, id));
            CatalogUploads.refuseIfUsed(RESOURCE, id, usages.orderedStream().map(usage -> usage.blockingUse(id)));
            models.delete(model);
            return model.blobs();
        });
    }
}
