package io.quantizer.engine.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FeedRuleTest {

    private static FeedInput in(String name, String type, long... shape) {
        return new FeedInput(name, type, Arrays.stream(shape).boxed().toList());
    }

    private static FeedArray array(String name, String type, long... shape) {
        return new FeedArray(name, type, Arrays.stream(shape).boxed().toList());
    }

    private static FeedPlan plan(List<FeedInput> inputs, List<FeedArray> arrays, Map<String, BigDecimal> constants) {
        return FeedRule.plan(inputs, arrays, constants);
    }

    private static FeedBinding binding(FeedPlan plan, String input) {
        return plan.bindings().stream().filter(b -> b.input().equals(input)).findFirst().orElseThrow();
    }

    private static final List<FeedInput> SILERO = List.of(in("input", "float32", -1, 512),
            in("state", "float32", 2, -1, 128), in("sr", "int64"));

    @Test
    void aDynamicBatchModelIsFedInBatches() {
        FeedPlan plan = plan(List.of(in("x", "float32", -1, 3, 8, 8)), List.of(array("x", "float32", 100, 3, 8, 8)),
                Map.of());

        assertThat(plan.feedable()).isTrue();
        assertThat(plan.batched()).isTrue();
        assertThat(binding(plan, "x").shape(16)).containsExactly(16, 3, 8, 8);
        assertThat(binding(plan, "x").elementsPerSample()).isEqualTo(192);
    }

    @Test
    void aFixedBatchOfOneIsFedOneSampleAtATime() {
        FeedPlan plan = plan(List.of(in("Input3", "float32", 1, 1, 28, 28)), List.of(array("x", "float32", 9, 1, 28, 28)),
                Map.of());

        assertThat(plan.feedable()).isTrue();
        assertThat(plan.batched()).isFalse();
        assertThat(binding(plan, "Input3").array()).isEqualTo("x");
        assertThat(binding(plan, "Input3").shape(1)).containsExactly(1, 1, 28, 28);
    }

    @Test
    void aFixedBatchAboveOneIsRefusedNamingTheInputAndTheWayOut() {
        FeedPlan plan = plan(List.of(in("x", "float32", 8, 4)), List.of(array("x", "float32", 16, 4)), Map.of());

        assertThat(plan.problems()).singleElement().satisfies(p -> {
            assertThat(p.tensor()).isEqualTo("x");
            assertThat(p.constant()).isFalse();
            assertThat(p.message()).contains("'x' float32[8, 4]", "fixed batch of 8", "[N, 8, 4]");
        });
        // the same model fed whole batches as samples: one run per sample
        FeedPlan whole = plan(List.of(in("x", "float32", 8, 4)), List.of(array("x", "float32", 2, 8, 4)), Map.of());
        assertThat(whole.feedable()).isTrue();
        assertThat(binding(whole, "x").shape(1)).containsExactly(8, 4);
    }

    @Test
    void aScalarInputTakesOneValuePerSampleFromAnArrayShapedN() {
        FeedPlan plan = plan(List.of(in("x", "float32", -1, 4), in("t", "int64")),
                List.of(array("x", "float32", 5, 4), array("t", "int64", 5)), Map.of());

        assertThat(plan.feedable()).isTrue();
        assertThat(plan.batched()).isFalse();
        assertThat(binding(plan, "t").shape(1)).isEmpty();
        assertThat(binding(plan, "x").shape(1)).containsExactly(1, 4);
        assertThat(plan(List.of(in("t", "int64")), List.of(array("t", "int64", 5, 1)), Map.of()).problems())
                .singleElement().extracting(FeedProblem::message).asString()
                .contains("'t' int64[]", "ranks differ (0 expected, 2 given", "[N]");
    }

    @Test
    void aStateWhoseBatchIsNotFirstTakesWholeSamples() {
        FeedPlan plan = plan(SILERO, List.of(array("input", "float32", 6, 512), array("state", "float32", 6, 2, 1, 128),
                array("sr", "int64", 6)), Map.of());

        assertThat(plan.feedable()).as(plan.describeProblems()).isTrue();
        assertThat(plan.batched()).isFalse();
        assertThat(binding(plan, "state").shape(1)).containsExactly(2, 1, 128);
        assertThat(binding(plan, "input").shape(1)).containsExactly(1, 512);

        FeedPlan wrong = plan(SILERO, List.of(array("input", "float32", 6, 512),
                array("state", "float32", 6, 2, 1, 64), array("sr", "int64", 6)), Map.of());
        assertThat(wrong.problems()).singleElement().extracting(FeedProblem::message).asString()
                .contains("'state'", "dimension 2 is 64 in the data but 128 in the model");
    }

    @Test
    void constantsFeedTheSampleRateAndTheInitialState() {
        FeedPlan plan = plan(SILERO, List.of(array("audio", "float32", 6, 512)),
                Map.of("sr", new BigDecimal("16000"), "state", BigDecimal.ZERO));

        assertThat(plan.feedable()).as(plan.describeProblems()).isTrue();
        assertThat(plan.batched()).as("state's batch axis is not first: one sample per run").isFalse();
        assertThat(binding(plan, "input").array()).isEqualTo("audio");
        assertThat(binding(plan, "sr").constant()).isEqualByComparingTo("16000");
        assertThat(binding(plan, "sr").shape(1)).isEmpty();
        assertThat(binding(plan, "state").shape(1)).containsExactly(2, 1, 128);
    }

    @Test
    void constantsWithADynamicFirstAxisFollowTheBatch() {
        FeedPlan plan = plan(List.of(in("x", "float32", -1, 4), in("mask", "int64", -1, 4), in("temp", "float32")),
                List.of(array("x", "float32", 10, 4)), Map.of("mask", BigDecimal.ONE, "temp", new BigDecimal("0.5")));

        assertThat(plan.batched()).isTrue();
        assertThat(binding(plan, "mask").shape(7)).containsExactly(7, 4);
        assertThat(binding(plan, "temp").shape(7)).isEmpty();
    }

    @Test
    void badConstantsAreRefusedNamingTheInput() {
        List<FeedArray> audio = List.of(array("input", "float32", 6, 512));

        assertThat(plan(SILERO, audio, Map.of("sr", new BigDecimal("16000.5"), "state", BigDecimal.ZERO)).problems())
                .singleElement().satisfies(p -> {
                    assertThat(p.tensor()).isEqualTo("sr");
                    assertThat(p.constant()).isTrue();
                    assertThat(p.message()).contains("'sr' = 16000.5", "int64", "not a whole number");
                });
        assertThat(plan(SILERO, audio, Map.of("sr", new BigDecimal("1e19"), "state", BigDecimal.ZERO)).problems())
                .singleElement().extracting(FeedProblem::message).asString().contains("outside the type's range");
        assertThat(plan(SILERO, audio, Map.of("sr", BigDecimal.TEN, "state", new BigDecimal("1e39"))).problems())
                .singleElement().extracting(FeedProblem::message).asString().contains("'state'", "largest finite");
        assertThat(plan(SILERO, audio, Map.of("sr", BigDecimal.TEN, "state", BigDecimal.ZERO, "srr", BigDecimal.ONE))
                .problems()).singleElement().satisfies(p -> {
                    assertThat(p.tensor()).isEqualTo("srr");
                    assertThat(p.message()).contains("'srr'", "not an input of the model", "[input, state, sr]");
                });
        List<FeedArray> withSr = List.of(array("input", "float32", 6, 512), array("sr", "int64", 6));
        assertThat(plan(SILERO, withSr, Map.of("sr", BigDecimal.TEN, "state", BigDecimal.ZERO)).problems())
                .singleElement().extracting(FeedProblem::message).asString()
                .contains("'sr'", "both as an array of the data set and in constantInputs");
    }

    @Test
    void anInputNeitherInTheDataNorConstantIsNamedWithTheWayOut() {
        FeedPlan plan = plan(SILERO, List.of(array("input", "float32", 6, 512)), Map.of());

        assertThat(plan.problems()).extracting(FeedProblem::tensor).containsExactly("state", "sr");
        assertThat(plan.problems().get(1).message()).contains("'sr' int64[]", "no array of that name",
                "constantInputs");
    }

    @Test
    void elementTypesMustMatchExceptFloat32DataForFloat16Inputs() {
        List<FeedInput> ints = List.of(in("ids", "int32", -1, 16));
        assertThat(plan(ints, List.of(array("ids", "int32", 3, 16)), Map.of()).feedable()).isTrue();
        assertThat(plan(ints, List.of(array("ids", "int64", 3, 16)), Map.of()).problems()).singleElement()
                .extracting(FeedProblem::message).asString().contains("'ids'", "int32 expected, int64 given");

        List<FeedInput> half = List.of(in("x", "float16", -1, 4));
        assertThat(plan(half, List.of(array("x", "float16", 3, 4)), Map.of()).feedable()).isTrue();
        assertThat(plan(half, List.of(array("x", "float32", 3, 4)), Map.of()).feedable()).isTrue();
        assertThat(plan(half, List.of(array("x", "float64", 3, 4)), Map.of()).problems()).singleElement()
                .extracting(FeedProblem::message).asString().contains("float16 or float32 expected, float64 given");

        for (String type : List.of("bool", "uint8", "int8", "int16", "float64")) {
            assertThat(plan(List.of(in("x", type, -1, 2)), List.of(array("x", type, 3, 2)), Map.of()).feedable())
                    .as(type).isTrue();
        }
        assertThat(plan(List.of(in("x", "uint16", -1, 2)), List.of(array("x", "uint16", 3, 2)), Map.of()).problems())
                .singleElement().extracting(FeedProblem::message).asString()
                .contains("'x'", "element type uint16", "feeds float32, float16");
        assertThat(plan(List.of(in("s", "sequence")), List.of(array("s", "float32", 3)), Map.of()).problems())
                .singleElement().extracting(FeedProblem::message).asString().contains("'s' is a sequence");
    }

    @Test
    void constantsMustFitTheirInputsType() {
        assertThat(FeedTypes.constantProblem("bool", BigDecimal.ONE)).isEmpty();
        assertThat(FeedTypes.constantProblem("bool", new BigDecimal(2))).isPresent();
        assertThat(FeedTypes.constantProblem("uint8", new BigDecimal(255))).isEmpty();
        assertThat(FeedTypes.constantProblem("uint8", new BigDecimal(-1))).isPresent();
        assertThat(FeedTypes.constantProblem("int32", new BigDecimal("2147483648"))).isPresent();
        assertThat(FeedTypes.constantProblem("int64", new BigDecimal("16000.000"))).isEmpty();
        assertThat(FeedTypes.constantProblem("float16", new BigDecimal("65504"))).isEmpty();
        assertThat(FeedTypes.constantProblem("float16", new BigDecimal("70000"))).isPresent();
        assertThat(FeedTypes.constantProblem("float32", new BigDecimal("-0.1"))).isEmpty();
    }

    @Test
    void tooManyConstantsAreRefused() {
        Map<String, BigDecimal> many = new java.util.HashMap<>();
        for (int i = 0; i <= FeedRule.MAX_CONSTANTS; i++) {
            many.put("c" + i, BigDecimal.ONE);
        }
        assertThat(plan(List.of(in("x", "float32", -1, 2)), List.of(array("x", "float32", 3, 2)), many).problems())
                .singleElement().extracting(FeedProblem::message).asString().contains("at most 64");
    }
}
