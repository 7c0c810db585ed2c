package io.quantizer.engine.recipe;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What the user asked the engine to do. Every field is optional on input; {@link #withDefaults()} fills the
 * gaps so a stored job always shows the complete recipe it ran with.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record QuantizationRecipe(
        Mode mode,
        Format format,
        QuantType activationType,
        QuantType weightType,
        Boolean perChannel,
        Boolean symmetricActivations,
        Calibration calibration,
        List<String> excludeNodes,
        List<String> excludeOpTypes,
        List<String> includeNodes,
        List<String> includeOpTypes,
        Map<String, BigDecimal> constantInputs,
        // absent from the JSON of the other modes, so their stored recipes (and request fingerprints) stay as before
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        WeightOnly weightOnly) {

    /** A recipe without the parameters of the weight-only mode. */
    public QuantizationRecipe(Mode mode, Format format, QuantType activationType, QuantType weightType,
                              Boolean perChannel, Boolean symmetricActivations, Calibration calibration,
                              List<String> excludeNodes, List<String> excludeOpTypes, List<String> includeNodes,
                              List<String> includeOpTypes, Map<String, BigDecimal> constantInputs) {
        this(mode, format, activationType, weightType, perChannel, symmetricActivations, calibration, excludeNodes,
                excludeOpTypes, includeNodes, includeOpTypes, constantInputs, null);
    }

    /** A recipe without constant inputs. */
    public QuantizationRecipe(Mode mode, Format format, QuantType activationType, QuantType weightType,
                              Boolean perChannel, Boolean symmetricActivations, Calibration calibration,
                              List<String> excludeNodes, List<String> excludeOpTypes, List<String> includeNodes,
                              List<String> includeOpTypes) {
        this(mode, format, activationType, weightType, perChannel, symmetricActivations, calibration, excludeNodes,
                excludeOpTypes, includeNodes, includeOpTypes, null, null);
    }

    /** A recipe without include lists: every node the engine can quantize is a candidate. */
    public QuantizationRecipe(Mode mode, Format format, QuantType activationType, QuantType weightType,
                              Boolean perChannel, Boolean symmetricActivations, Calibration calibration,
                              List<String> excludeNodes, List<String> excludeOpTypes) {
        this(mode, format, activationType, weightType, perChannel, symmetricActivations, calibration, excludeNodes,
                excludeOpTypes, null, null, null, null);
    }

    /** Most inputs {@code constantInputs} may name. */
    public static final int MAX_CONSTANT_INPUTS = io.quantizer.engine.feed.FeedRule.MAX_CONSTANTS;
    private static final int MAX_INPUT_NAME = 256;

    /**
     * {@code static}: int8 QDQ with calibrated activations; {@code dynamic}: int8 weights, activations quantized
     * at run time (no calibration); {@code weight-only}: 4- or 8-bit block-wise weights for MatMul as ONNX
     * Runtime's MatMulNBits, activations stay float; {@code fp16}: float16 weights and arithmetic, sensitive
     * operators kept in float32.
     */
    public enum Mode {
        @JsonProperty("static") STATIC,
        @JsonProperty("dynamic") DYNAMIC,
        @JsonProperty("weight-only") WEIGHT_ONLY,
        @JsonProperty("fp16") FP16
    }

    /** How {@code weight-only} picks each block's scale and zero point. */
    public enum WeightOnlyAlgorithm {
        /** round to nearest on the block's min..max range */
        @JsonProperty("rtn") RTN,
        /** half-quadratic quantization: zero points refined to minimise a robust weight error; needs no data */
        @JsonProperty("hqq") HQQ
    }

    /**
     * Parameters of {@code mode: weight-only}.
     *
     * @param bits          4 or 8
     * @param blockSize     weights per scale along the reduction axis: a power of two from 16 to 1024
     * @param algorithm     how scales and zero points are chosen
     * @param accuracyLevel MatMulNBits' {@code accuracy_level}: the least precision of the activations in the
     *                      product, 0 (unset: as the input) to 4 (int8; fastest on CPUs with VNNI)
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record WeightOnly(Integer bits, Integer blockSize, WeightOnlyAlgorithm algorithm, Integer accuracyLevel) {

        public WeightOnly withDefaults() {
            return new WeightOnly(bits != null ? bits : 4, blockSize != null ? blockSize : 32,
                    algorithm != null ? algorithm : WeightOnlyAlgorithm.HQQ, accuracyLevel != null ? accuracyLevel : 0);
        }
    }

    public enum Format {
        @JsonProperty("qdq") QDQ
    }

    public enum QuantType {
        @JsonProperty("uint8") UINT8,
        @JsonProperty("int8") INT8
    }

    public enum CalibrationMethod {
        @JsonProperty("minmax") MINMAX,
        @JsonProperty("percentile") PERCENTILE,
        @JsonProperty("entropy") ENTROPY,
        @JsonProperty("mse") MSE
    }

    /**
     * @param percentile    for {@code percentile}: the share of |x| kept inside the range, in percent (0, 100]
     * @param maxSamples    at most this many calibration samples are used (null: all of them)
     * @param movingAverage for {@code minmax}: smooth per-batch extremes instead of taking the global ones
     * @param movingAverageConstant the smoothing weight given to each new batch, in (0, 1)
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Calibration(
            CalibrationMethod method,
            Double percentile,
            Integer maxSamples,
            Boolean movingAverage,
            Double movingAverageConstant) {

        public Calibration withDefaults() {
            return new Calibration(
                    method != null ? method : CalibrationMethod.MINMAX,
                    percentile != null ? percentile : 99.999,
                    maxSamples,
                    movingAverage != null ? movingAverage : Boolean.FALSE,
                    movingAverageConstant != null ? movingAverageConstant : 0.01);
        }
    }

    public static QuantizationRecipe defaults() {
        return new QuantizationRecipe(null, null, null, null, null, null, null, null, null).withDefaults();
    }

    public QuantizationRecipe withDefaults() {
        return new QuantizationRecipe(
                mode != null ? mode : Mode.STATIC,
                format != null ? format : Format.QDQ,
                activationType != null ? activationType : QuantType.UINT8,
                weightType != null ? weightType : QuantType.INT8,
                perChannel != null ? perChannel : Boolean.TRUE,
                symmetricActivations != null ? symmetricActivations : Boolean.FALSE,
                (calibration != null ? calibration : new Calibration(null, null, null, null, null)).withDefaults(),
                excludeNodes != null ? List.copyOf(excludeNodes) : List.of(),
                excludeOpTypes != null ? List.copyOf(excludeOpTypes) : List.of(),
                includeNodes != null ? List.copyOf(includeNodes) : List.of(),
                includeOpTypes != null ? List.copyOf(includeOpTypes) : List.of(),
                // sorted, so that the same constants written in another order are the same recipe
                constantInputs != null ? sorted(constantInputs) : Map.of(),
                // only the weight-only mode has these; elsewhere they stay as given, for validate() to refuse
                (mode == Mode.WEIGHT_ONLY ? (weightOnly != null ? weightOnly : new WeightOnly(null, null, null, null))
                        .withDefaults() : weightOnly));
    }

    /** What the mode stores the model's weights as, for names and sentences: int8, int4 or fp16. */
    public String precisionLabel() {
        QuantizationRecipe r = withDefaults();
        return switch (r.mode()) {
            case STATIC, DYNAMIC -> "int8";
            case WEIGHT_ONLY -> "int" + r.weightOnly().bits();
            case FP16 -> "fp16";
        };
    }

    /** Whether the mode reads activation ranges from a calibration set. */
    public boolean needsCalibration() {
        return withDefaults().mode() == Mode.STATIC;
    }

    /** A copy of the recipe with {@code constants} as its constant inputs. */
    public QuantizationRecipe withConstantInputs(Map<String, BigDecimal> constants) {
        return new QuantizationRecipe(mode, format, activationType, weightType, perChannel, symmetricActivations,
                calibration, excludeNodes, excludeOpTypes, includeNodes, includeOpTypes, constants, weightOnly);
    }

    private static Map<String, BigDecimal> sorted(Map<String, BigDecimal> constants) {
        // TreeMap keeps null values for validate() to report; Map.copyOf would throw on them
        return java.util.Collections.unmodifiableMap(new TreeMap<>(constants));
    }

    /**
     * Whether the recipe lets the engine quantize this node: with include lists, only the nodes they name (by
     * name or op type) are candidates; exclusions always win.
     */
    public boolean allowsNode(String nodeName, String opType) {
        QuantizationRecipe r = withDefaults();
        if (r.excludeNodes().contains(nodeName) || r.excludeOpTypes().contains(opType)) {
            return false;
        }
        boolean restricted = !r.includeNodes().isEmpty() || !r.includeOpTypes().isEmpty();
        return !restricted || r.includeNodes().contains(nodeName) || r.includeOpTypes().contains(opType);
    }

    /** Problems with the values themselves (not with the model); empty when the recipe is usable. */
    public List<String> validate() {
        QuantizationRecipe r = withDefaults();
        java.util.ArrayList<String> problems = new java.util.ArrayList<>();
        if (r.weightType() != QuantType.INT8) {
            problems.add("weightType: only int8 weights are supported, got " + r.weightType());
        }
        double p = r.calibration().percentile();
        if (!(p > 0 && p <= 100)) {
            problems.add("calibration.percentile: must be in (0, 100], got " + p);
        }
        Integer max = r.calibration().maxSamples();
        if (max != null && max < 1) {
            problems.add("calibration.maxSamples: must be at least 1, got " + max);
        }
        Map<String, BigDecimal> constants = r.constantInputs();
        if (constants.size() > MAX_CONSTANT_INPUTS) {
            problems.add("constantInputs: at most " + MAX_CONSTANT_INPUTS + " inputs can be held constant, got "
                    + constants.size());
        }
        constants.forEach((name, value) -> {
            if (name.isBlank() || name.length() > MAX_INPUT_NAME) {
                problems.add("constantInputs: input names must be 1 to " + MAX_INPUT_NAME + " characters long");
            } else if (value == null) {
                problems.add("constantInputs." + name + ": needs a number, got null");
            }
        });
        double c = r.calibration().movingAverageConstant();
        if (!(c > 0 && c < 1)) {
            problems.add("calibration.movingAverageConstant: must be in (0, 1), got " + c);
        }
        problems.addAll(ModeRules.problems(r));
        return problems;
    }
}
