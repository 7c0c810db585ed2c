package io.quantizer.job;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.quantizer.dataset.DatasetDetails;
import io.quantizer.dataset.DatasetService;
import io.quantizer.model.ModelDetails;
import io.quantizer.model.ModelService;
import io.quantizer.model.onnx.TensorSignature;
import io.quantizer.storage.ContentAddressedBlobs;
import org.springframework.stereotype.Component;

/** The catalog's models and data sets as jobs see them. */
@Component
class CatalogJobInputs implements JobCatalog {

    private final ModelService models;
    private final DatasetService datasets;

    CatalogJobInputs(ModelService models, DatasetService datasets) {
        this.models = models;
        this.datasets = datasets;
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

    /** Kept on the data set since its upload: a submit never reads the data set's bytes. */
    @Override
    public Optional<LabelRange> labelRange(DatasetFacts dataset) throws IOException {
        if (dataset.labelTensor() == null) {
            return Optional.empty();
        }
        return datasets.labelRange(dataset.id()).map(r -> new LabelRange(r.min(), r.max()));
    }

    private static ModelFacts facts(ModelDetails m) {
        return new ModelFacts(m.id(), m.name(), ContentAddressedBlobs.keyFor(m.sha256()), specs(m.inputs()),
                specs(m.outputs()), m.externalData().stream()
                .map(f -> new ModelFacts.DataFile(f.name(), ContentAddressedBlobs.keyFor(f.sha256()))).toList());
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
