package io.quantizer.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.quantizer.job.InputCompatibility.Problem;
import org.junit.jupiter.api.Test;

class InputCompatibilityTest {

    private static final TensorSpec LOGITS = new TensorSpec("logits", "float32", List.of(-1L, 10L));

    private static ModelFacts model(TensorSpec... inputs) {
        return new ModelFacts(UUID.randomUUID(), "m.onnx", "blobs/m", List.of(inputs), List.of(LOGITS));
    }

    private static DatasetFacts data(long samples, String label, TensorSpec... tensors) {
        return new DatasetFacts(UUID.randomUUID(), "blobs/d", "npz", samples, List.of(tensors), label);
    }

    private static TensorSpec t(String name, String type, long... shape) {
        return new TensorSpec(name, type, java.util.Arrays.stream(shape).boxed().toList());
    }

    @Test
    void aDynamicBatchModelTakesSamplesOfTheRightShape() {
        ModelFacts m = model(t("input", "float32", -1, 1, 28, 28));
        DatasetFacts d = data(512, null, t("input", "float32", 512, 1, 28, 28));

        assertThat(InputCompatibility.inputs(m, d, "calibrationDatasetId", Map.of())).isEmpty();
    }

    @Test
    void aSingleInputModelTakesTheOnlyFeatureArrayWhateverItsName() {
        ModelFacts m = model(t("Input3", "float32", 1, 1, 28, 28));
        DatasetFacts d = data(500, "y", t("x", "float32", 500, 1, 28, 28), t("y", "int64", 500));

        assertThat(InputCompatibility.inputs(m, d, "calibrationDatasetId", Map.of())).isEmpty();
    }

    @Test
    void aSingleInputModelWithSeveralUnnamedArraysIsAmbiguous() {
        ModelFacts m = model(t("input", "float32", -1, 4));
        DatasetFacts d = data(10, null, t("a", "float32", 10, 4), t("b", "float32", 10, 4));

        assertThat(InputCompatibility.inputs(m, d, "calibrationDatasetId", Map.of())).singleElement()
                .extracting(Problem::message).asString()
                .contains("'input'", "several arrays [a, b]");
    }

    @Test
    void everyInputOfAMultiInputModelMustBeFedByName() {
        ModelFacts m = model(t("ids", "int64", -1, 16), t("mask", "int64", -1, 16));
        DatasetFacts d = data(8, null, t("ids", "int64", 8, 16), t("attention", "int64", 8, 16));

        List<Problem> problems = InputCompatibility.inputs(m, d, "evaluationDatasetId", Map.of());

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("evaluationDatasetId");
            assertThat(p.message()).contains("'mask'", "no array of that name", "ids", "attention");
        });
    }

    @Test
    void elementTypesRanksAndFixedDimensionsMustMatch() {
        ModelFacts m = model(t("input", "float32", -1, 1, 28, 28));

        assertThat(InputCompatibility.inputs(m, data(4, null, t("input", "float64", 4, 1, 28, 28)), "f", Map.of()))
                .singleElement().extracting(Problem::message).asString()
                .contains("'input'", "element types differ", "float32 expected", "float64 given");
        assertThat(InputCompatibility.inputs(m, data(4, null, t("input", "float32", 4, 784)), "f", Map.of()))
                .singleElement().extracting(Problem::message).asString()
                .contains("ranks differ (4 expected, 2 given");
        assertThat(InputCompatibility.inputs(m, data(4, null, t("input", "float32", 4, 1, 32, 32)), "f", Map.of()))
                .singleElement().extracting(Problem::message).asString()
                .contains("dimension 2 is 32 in the data but 28 in the model");
    }

    @Test
    void aFixedBatchAboveOneIsRefusedWithHowToFeedIt() {
        ModelFacts m = model(t("input", "float32", 8, 4));

        assertThat(InputCompatibility.inputs(m, data(16, null, t("input", "float32", 16, 4)), "f", Map.of()))
                .singleElement().extracting(Problem::message).asString()
                .contains("'input'", "fixed batch of 8", "dynamic or size-1 batch", "[N, 8, 4]");
        // each sample a whole batch of 8: fed one sample per run
        assertThat(InputCompatibility.inputs(m, data(3, null, t("input", "float32", 3, 8, 4)), "f", Map.of()))
                .isEmpty();
    }

    @Test
    void aDataSetWithOnlyLabelsFeedsNothing() {
        ModelFacts m = model(t("input", "float32", -1, 4));

        assertThat(InputCompatibility.inputs(m, data(3, "label", t("label", "int64", 3)), "f", Map.of()))
                .singleElement().extracting(Problem::message).asString().contains("no arrays besides labels");
    }

    @Test
    void labelsMustBeIntegerClassIndicesWithinTheOutputsClassCount() {
        ModelFacts m = model(t("input", "float32", -1, 4));
        DatasetFacts good = data(5, "label", t("input", "float32", 5, 4), t("label", "int64", 5));
        DatasetFacts floats = data(5, "label", t("input", "float32", 5, 4), t("label", "float32", 5));
        DatasetFacts oneHot = data(5, "label", t("input", "float32", 5, 4), t("label", "int64", 5, 10));

        assertThat(InputCompatibility.labels(m, good, Optional.of(new JobCatalog.LabelRange(0, 9)), "e")).isEmpty();
        assertThat(InputCompatibility.labels(m, good, Optional.of(new JobCatalog.LabelRange(0, 10)), "e"))
                .singleElement().extracting(Problem::message).asString()
                .contains("'label'", "from 0 to 10", "outside 0..9", "'logits' has 10 classes");
        assertThat(InputCompatibility.labels(m, good, Optional.of(new JobCatalog.LabelRange(-1, 3)), "e"))
                .hasSize(1);
        assertThat(InputCompatibility.labels(m, floats, Optional.empty(), "e"))
                .singleElement().extracting(Problem::message).asString().contains("integer class indices");
        assertThat(InputCompatibility.labels(m, oneHot, Optional.empty(), "e"))
                .singleElement().extracting(Problem::message).asString().contains("one label per sample");
    }

    @Test
    void withoutLabelsThereIsNothingToCheck() {
        ModelFacts m = model(t("input", "float32", -1, 4));

        assertThat(InputCompatibility.labels(m, data(5, null, t("input", "float32", 5, 4)), Optional.empty(), "e"))
                .isEmpty();
    }
}
