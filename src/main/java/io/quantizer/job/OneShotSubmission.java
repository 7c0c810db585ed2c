package io.quantizer.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.quantizer.dataset.DatasetDetails;
import io.quantizer.dataset.DatasetService;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.model.ModelDetails;
import io.quantizer.model.ModelService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.web.multipart.MultipartFile;

/**
 * The one-call form of submitting a job: upload the model and data sets through the catalog, then submit.
 * If the submit is refused (the files do not fit each other, say), or an upload fails, the uploads of this
 * call are deleted again: a refused request leaves nothing behind. A replay of an Idempotency-Key returns the
 * earlier job and deletes this call's uploads, which the job does not use.
 */
@Service
class OneShotSubmission {

    private static final Logger log = LoggerFactory.getLogger(OneShotSubmission.class);

    private final ModelService models;
    private final DatasetService datasets;
    private final JobService jobs;
    private final RecipeReader recipes;

    OneShotSubmission(ModelService models, DatasetService datasets, JobService jobs, RecipeReader recipes) {
        this.models = models;
        this.datasets = datasets;
        this.jobs = jobs;
        this.recipes = recipes;
    }

    JobService.Submitted submit(MultipartFile model, MultipartFile calibration, MultipartFile evaluation,
                                String recipeJson, String idempotencyKey) throws IOException {
        QuantizationRecipe recipe = recipes.read(recipeJson);
        JobSubmission.checkedKey(idempotencyKey);
        Uploads uploads = new Uploads();
        try {
            ModelDetails m = uploads.model(model);
            DatasetDetails c = uploads.dataset(calibration);
            DatasetDetails e = evaluation == null || evaluation.isEmpty() ? null : uploads.dataset(evaluation);
            String identity = "upload|" + m.sha256() + "|" + c.sha256() + "|" + (e == null ? "-" : e.sha256());
            JobSubmission submission = JobSubmission.of(new JobInputs(m.id(), c.id(), e == null ? null : e.id()),
                    recipe, recipes, identity);
            JobService.Submitted submitted = jobs.submit(submission, idempotencyKey);
            if (!submitted.created()) {
                uploads.undo();
            }
            return submitted;
        } catch (IOException | RuntimeException ex) {
            uploads.undo();
            throw ex;
        }
    }

    /** What this call uploaded, so it can be taken back. */
    private final class Uploads {
        private final List<ModelDetails> models = new ArrayList<>();
        private final List<DatasetDetails> datasets = new ArrayList<>();

        ModelDetails model(MultipartFile file) throws IOException {
            ModelDetails uploaded = OneShotSubmission.this.models.upload(file, java.util.List.of(), null);
            models.add(uploaded);
            return uploaded;
        }

        DatasetDetails dataset(MultipartFile file) throws IOException {
            DatasetDetails uploaded = OneShotSubmission.this.datasets.upload(file, null);
            datasets.add(uploaded);
            return uploaded;
        }

        void undo() {
            for (ModelDetails m : models) {
                quietly(() -> OneShotSubmission.this.models.delete(m.id()), "model " + m.id());
            }
            for (DatasetDetails d : datasets) {
                quietly(() -> OneShotSubmission.this.datasets.delete(d.id()), "data set " + d.id());
            }
        }

        private void quietly(IoAction action, String what) {
            try {
                action.run();
            } catch (IOException | RuntimeException e) {
                log.warn("could not delete {} uploaded by a refused one-shot job request: {}", what, e.toString());
            }
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
