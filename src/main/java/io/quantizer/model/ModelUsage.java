package io.quantizer.model;

import java.util.Optional;
import java.util.UUID;

/**
 * Lets another feature veto deleting a model it still needs. The jobs feature implements this as a bean; the
 * model service asks every implementation before it deletes.
 */
public interface ModelUsage {

    /** A sentence saying what still uses model {@code modelId} (e.g. "job 42 is RUNNING"), or empty if nothing. */
    Optional<String> blockingUse(UUID modelId);
}
