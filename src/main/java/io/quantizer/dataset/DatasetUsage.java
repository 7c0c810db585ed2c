package io.quantizer.dataset;

import java.util.Optional;
import java.util.UUID;

/**
 * Lets another feature veto deleting a data set it still needs. The jobs feature implements this as a bean; the
 * data set service asks every implementation before it deletes.
 */
public interface DatasetUsage {

    /** A sentence saying what still uses data set {@code datasetId} (e.g. "job 42 is QUEUED"), or empty. */
    Optional<String> blockingUse(UUID datasetId);
}
