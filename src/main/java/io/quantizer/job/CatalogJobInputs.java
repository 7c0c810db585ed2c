package io.quantizer.job;

import java.io.IOException;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.quantizer.dataset.DatasetDetails;
import io.quantizer.dataset.DatasetService;
import io.quantizer.engine.data.NumpyDataset;
import io.quantizer.engine.data.SampleReader;
import io.quantizer.model.ModelDetails;
import io.quantizer.model.ModelService;
import io.quantizer.model.onnx.TensorSignature;
import io.quantizer.storage.ContentAddressedBlobs;
import io.quantizer.storage.ObjectStore;
import org.springframework.stereotype.Component;

/** The catalog's models and data sets as jobs see them. */
@Component
class CatalogJobInputs implements JobCatalog {

    private static final int LABEL_CHUNK = 4096;

    private final ModelService models;
    private final DatasetService datasets;
    private final ObjectStore store;

    CatalogJobInputs(ModelService models, DatasetService datasets, ObjectStore store) {
        this.models = models;
        this.datasets = datasets;
        this.store = store;
    }

    @Override
    public Optional<ModelFacts> model(UUID id) {
        return models.find(id).map(CatalogJobInputs::facts);
    }

    @Override
    public Optional<DatasetFacts> dataset(UUID id) {
        return datasets.find(id).map(CatalogJobInputs::facts);
    }

    @Override
    public Optional<ModelFacts> visibleModel(UUID id) {
        return models.findVisible(id).map(CatalogJobInputs::facts);
    }

    @Override
    public Optional<DatasetFacts> visibleDataset(UUID id) {
        return datasets.findVisible(id).map(CatalogJobInputs::facts);
    }

    /** Reads the label array through a temp copy (a .npz needs random access); labels are small next to inputs. */
    @Override
    public Optional<LabelRange> labelRange(DatasetFacts dataset) throws IOException {
        if (dataset.labelTensor() == null) {
            return Optional.empty();
        }
        Path copy = Files.createTempFile("quantizer-labels-", "." + dataset.extension());
        try {
            try (InputStream in = store.open(dataset.objectKey())
                    .orElseThrow(() -> new IOException("data set " + dataset.id() + " is missing from storage"))) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            try (NumpyDataset data = NumpyDataset.open(copy);
                 SampleReader labels = data.openSamples(dataset.labelTensor())) {
                long min = Long.MAX_VALUE;
                long max = Long.MIN_VALUE;
                LongBuffer chunk = LongBuffer.allocate(LABEL_CHUNK * Math.max(1, labels.elementsPerSample()));
                while (labels.remaining() > 0) {
                    chunk.clear();
                    labels.readLongs(chunk, (int) Math.min(LABEL_CHUNK, labels.remaining()));
                    chunk.flip();
                    while (chunk.hasRemaining()) {
                        long v = chunk.get();
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                }
                return min > max ? Optional.empty() : Optional.of(new LabelRange(min, max));
            }
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    private static ModelFacts facts(ModelDetails m) {
        return new ModelFacts(m.id(), m.name(), ContentAddressedBlobs.keyFor(m.sha256()), specs(m.inputs()),
                specs(m.outputs()));
    }

    private static DatasetFacts facts(DatasetDetails d) {
        return new DatasetFacts(d.id(), ContentAddressedBlobs.keyFor(d.sha256()), d.format(), d.sampleCount(),
                d.tensors().stream().map(t -> new TensorSpec(t.name(), t.elementType(), t.shape())).toList(),
                d.labelTensor());
    }

    private static List<TensorSpec> specs(List<TensorSignature> signatures) {
        return signatures.stream().map(s -> new TensorSpec(s.name(), s.elementType(), s.shape())).toList();
    }
}
