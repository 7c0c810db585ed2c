package io.quantizer.job;

import java.io.IOException;
import java.util.Optional;
import java.util.UUID;

/** The models and data sets a job refers to, as the job feature sees them. */
public interface JobCatalog {

    Optional<ModelFacts> model(UUID id);

    Optional<DatasetFacts> dataset(UUID id);

    /** The model if the current request's caller may see it (its tenant's, or any for an admin). */
    Optional<ModelFacts> visibleModel(UUID id);

    /** The data set if the current request's caller may see it (its tenant's, or any for an admin). */
    Optional<DatasetFacts> visibleDataset(UUID id);

    /** The smallest and largest label of the data set's label array; empty when it has none. */
    Optional<LabelRange> labelRange(DatasetFacts dataset) throws IOException;

    record LabelRange(long min, long max) {
    }
}
