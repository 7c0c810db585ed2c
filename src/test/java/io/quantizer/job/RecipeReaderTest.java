package io.quantizer.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.system.ApiException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

class RecipeReaderTest {

    // the web layer's mapper is lenient about unknown properties; the reader must not depend on that
    private final ObjectMapper lenient = JsonMapper.builder()
            .disable(tools.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private final RecipeReader reader = new RecipeReader(lenient);

    @Test
    void noRecipeMeansEveryDefault() {
        assertThat(reader.read((String) null)).isEqualTo(QuantizationRecipe.defaults());
        assertThat(reader.read(" ")).isEqualTo(QuantizationRecipe.defaults());
        assertThat(reader.read("null")).isEqualTo(QuantizationRecipe.defaults());
    }

    @Test
    void givenFieldsAreKeptAndTheRestFilledIn() {
        QuantizationRecipe recipe = reader.read("""
                {"activationType":"int8","calibration":{"method":"percentile","percentile":99.9}}""");

        assertThat(recipe.activationType()).isEqualTo(QuantizationRecipe.QuantType.INT8);
        assertThat(recipe.calibration().method()).isEqualTo(QuantizationRecipe.CalibrationMethod.PERCENTILE);
        assertThat(recipe.calibration().percentile()).isEqualTo(99.9);
        assertThat(recipe.perChannel()).isTrue();
        assertThat(recipe.mode()).isEqualTo(QuantizationRecipe.Mode.STATIC);
        assertThat(recipe.excludeNodes()).isEmpty();
        assertThat(reader.fromJson(reader.toJson(recipe))).isEqualTo(recipe);
    }

    @Test
    void anUnknownFieldIsABadRequestNamingItAndTheKnownOnes() {
        assertThatThrownBy(() -> reader.read("{\"perChanel\":false}"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
                    assertThat(e.getBody().getDetail()).contains("recipe.perChanel", "unknown", "perChannel");
                });
        assertThatThrownBy(() -> reader.read("{\"calibration\":{\"metod\":\"mse\"}}"))
                .isInstanceOfSatisfying(ApiException.class, e ->
                        assertThat(e.getBody().getDetail()).contains("recipe.calibration.metod", "method"));
    }

    @Test
    void anUnknownValueIsUnprocessableListingTheAllowedOnes() {
        // dynamic, weight-only and fp16 are modes now; qat is not one
        assertThatThrownBy(() -> reader.read("{\"mode\":\"qat\"}"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
                    assertThat(e.getBody().getDetail()).contains("recipe.mode", "'qat'",
                            "static, dynamic, weight-only, fp16");
                });
        assertThatThrownBy(() -> reader.read("{\"calibration\":{\"method\":\"kl\"}}"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getBody().getDetail())
                        .contains("recipe.calibration.method", "minmax, percentile, entropy, mse"));
    }

    @Test
    void outOfRangeValuesAreUnprocessableWithFieldErrors() {
        assertThatThrownBy(() -> reader.read("{\"calibration\":{\"percentile\":120,\"maxSamples\":0}}"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
                    assertThat(e.getBody().getDetail()).contains("percentile", "maxSamples");
                    assertThat(e.getBody().getProperties().get("errors")).asString()
                            .contains("recipe.calibration.percentile", "recipe.calibration.maxSamples");
                });
    }

    @Test
    void recoverySwitchesAreReadAndTheirBadValuesAreUnprocessable() {
        QuantizationRecipe recipe = reader.read("""
                {"calibration":{"method":"auto"},"biasCorrection":{"enabled":true},
                 "smoothQuant":{"enabled":true,"alpha":0.7},"crossLayerEqualization":{"enabled":true}}""");
        assertThat(recipe.calibration().method()).isEqualTo(QuantizationRecipe.CalibrationMethod.AUTO);
        assertThat(recipe.biasCorrection().enabled()).isTrue();
        assertThat(recipe.biasCorrection().maxSamples()).isEqualTo(128);
        assertThat(recipe.smoothQuant().alpha()).isEqualTo(0.7);
        assertThat(recipe.crossLayerEqualization().enabled()).isTrue();
        assertThatThrownBy(() -> reader.read("{\"smoothQuant\":{\"enabled\":true,\"alpha\":1.5}}"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
                    assertThat(e.getBody().getDetail()).contains("smoothQuant.alpha", "1.5");
                    assertThat(e.getBody().getProperties().get("errors")).asString()
                            .contains("recipe.smoothQuant.alpha");
                });
    }

    @Test
    void malformedRecipesAreBadRequests() {
        assertThatThrownBy(() -> reader.read("{\"perChannel\":"))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST));
        assertThatThrownBy(() -> reader.read("[1,2]"))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.getBody().getDetail()).contains("must be a JSON object"));
        assertThatThrownBy(() -> reader.read("{\"excludeNodes\":{\"a\":1}}"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
                    assertThat(e.getBody().getDetail()).contains("recipe.excludeNodes");
                });
    }

    @Test
    void constantInputsAreKeptExactlyInNameOrderAndRoundTrip() {
        QuantizationRecipe recipe = reader.read("""
                {"constantInputs":{"state":0,"sr":16000,"big":9007199254740993}}""");

        assertThat(recipe.constantInputs()).containsOnlyKeys("big", "sr", "state");
        assertThat(recipe.constantInputs().keySet()).containsExactly("big", "sr", "state");
        assertThat(recipe.constantInputs().get("big")).isEqualByComparingTo("9007199254740993");
        assertThat(reader.toJson(recipe)).contains("\"constantInputs\":{\"big\":9007199254740993,\"sr\":16000,"
                + "\"state\":0}");
        assertThat(reader.fromJson(reader.toJson(recipe))).isEqualTo(recipe);
        assertThat(QuantizationRecipe.defaults().constantInputs()).isEmpty();
        // the same constants in another order are the same recipe (and the same Idempotency-Key fingerprint)
        assertThat(reader.toJson(reader.read("{\"constantInputs\":{\"sr\":16000,\"state\":0,"
                + "\"big\":9007199254740993}}"))).isEqualTo(reader.toJson(recipe));
    }

    @Test
    void constantInputsThatAreNotNumbersOrTooManyAreRefused() {
        assertThatThrownBy(() -> reader.read("{\"constantInputs\":{\"sr\":null}}"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
                    assertThat(e.getBody().getDetail()).contains("constantInputs.sr", "needs a number");
                });
        assertThatThrownBy(() -> reader.read("{\"constantInputs\":{\"sr\":[16000]}}"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
                    assertThat(e.getBody().getDetail()).contains("recipe.constantInputs");
                });
        assertThatThrownBy(() -> reader.read("{\"constantInputs\":[16000]}"))
                .isInstanceOfSatisfying(ApiException.class, e ->
                        assertThat(e.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST));
        StringBuilder many = new StringBuilder("{\"constantInputs\":{");
        for (int i = 0; i < 65; i++) {
            many.append(i == 0 ? "" : ",").append("\"c").append(i).append("\":0");
        }
        assertThatThrownBy(() -> reader.read(many + "}}"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
                    assertThat(e.getBody().getDetail()).contains("at most 64");
                });
    }

    @Test
    void aTargetSetsItsDefaultsAndRefusesChoicesItCannotHonour() {
        QuantizationRecipe trt = reader.read("{\"target\":\"tensorrt\"}");
        assertThat(trt.target()).isEqualTo(QuantizationRecipe.Target.TENSORRT);
        assertThat(trt.activationType()).isEqualTo(QuantizationRecipe.QuantType.INT8);
        assertThat(trt.symmetricActivations()).isTrue();
        assertThat(trt.calibration().method()).isEqualTo(QuantizationRecipe.CalibrationMethod.ENTROPY);
        assertThat(reader.read("{\"target\":\"npu-a16w8\"}").activationType())
                .isEqualTo(QuantizationRecipe.QuantType.UINT16);
        assertThat(reader.read("{\"target\":\"cpu-avx2\"}").activationType())
                .isEqualTo(QuantizationRecipe.QuantType.UINT8);
        assertThat(reader.read((String) null).target()).isEqualTo(QuantizationRecipe.Target.CPU_VNNI);
        assertThat(reader.fromJson(reader.toJson(trt))).isEqualTo(trt);

        assertThatThrownBy(() -> reader.read("{\"target\":\"tensorrt\",\"activationType\":\"uint8\"}"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
                    assertThat(e.getBody().getDetail()).contains("target tensorrt needs int8 activations");
                    assertThat(e.getBody().getProperties().get("errors")).asString()
                            .contains("recipe.activationType");
                });
        assertThatThrownBy(() -> reader.read("{\"target\":\"tensorrt\",\"symmetricActivations\":false}"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getBody().getDetail())
                        .contains("symmetricActivations", "zero point 0"));
        assertThatThrownBy(() -> reader.read("{\"activationType\":\"uint16\"}"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getBody().getDetail())
                        .contains("uint16 activations need target npu-a16w8"));
        assertThatThrownBy(() -> reader.read("{\"target\":\"npu-a16w8\",\"activationType\":\"int8\"}"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getBody().getDetail())
                        .contains("npu-a16w8 quantizes activations to uint16"));
        assertThatThrownBy(() -> reader.read("{\"target\":\"gpu\"}"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getBody().getDetail())
                        .contains("recipe.target", "cpu-vnni, cpu-avx2, tensorrt, npu-a16w8"));
    }
}
