package io.quantizer.job;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import io.quantizer.dataset.DatasetUsage;
import io.quantizer.model.ModelUsage;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Component;

/**
 * Vetoes deleting a model or data set that a QUEUED or RUNNING job still needs (the catalog answers 409 with
 * this sentence). Finished jobs keep the ids of inputs deleted later; they no longer need the bytes.
 */
final class JobInputUsage {

    private static final List<JobStatus> UNFINISHED = List.of(JobStatus.QUEUED, JobStatus.RUNNING);
    private static final PageRequest FIRST_FEW = PageRequest.of(0, 3);

    private JobInputUsage() {
    }

    static Optional<String> describe(List<QuantizationJob> users) {
        if (users.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(users.stream().map(j -> "job " + j.getId() + " is " + j.getStatus())
                .collect(Collectors.joining(", ")));
    }

    @Component
    static class OfModels implements ModelUsage {
        private final JobRepository jobs;

        OfModels(JobRepository jobs) {
            this.jobs = jobs;
        }

        @Override
        public Optional<String> blockingUse(UUID modelId) {
            return describe(jobs.usingModel(modelId, UNFINISHED, FIRST_FEW));
        }
    }

    @Component
    static class OfDatasets implements DatasetUsage {
        private final JobRepository jobs;

        OfDatasets(JobRepository jobs) {
            this.jobs = jobs;
        }

        @Override
        public Optional<String> blockingUse(UUID datasetId) {
            return describe(jobs.usingDataset(datasetId, UNFINISHED, FIRST_FEW));
        }
    }
}
