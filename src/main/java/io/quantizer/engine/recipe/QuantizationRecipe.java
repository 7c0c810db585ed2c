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
        Target target) {

    /** A recipe for the default target. */
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

    public enum Mode {
        @JsonProperty("static") STATIC
    }

    public enum Format {
        @JsonProperty("qdq") QDQ
    }

    public enum QuantType {
        @JsonProperty("uint8") UINT8,
        @JsonProperty("int8") INT8,
        /** Activations only, and only for the {@code npu-a16w8} target. */
        @JsonProperty("uint16") UINT16
    }

    /**
     * The hardware the quantized model is meant for; it decides the activation type, the weight range and where
     * Q/DQ go ({@link io.quantizer.engine.quantize.TargetProfile}).
     */
    public enum Target {
        /** ONNX Runtime on a CPU with VNNI dot products: uint8 activations, int8 weights (U8S8). */
        @JsonProperty("cpu-vnni") CPU_VNNI("cpu-vnni"),
        /** ONNX Runtime on an AVX2 CPU without VNNI: U8S8 with 7-bit weights, so no int16 pair sum saturates. */
        @JsonProperty("cpu-avx2") CPU_AVX2("cpu-avx2"),
        /** TensorRT's explicit quantization: symmetric int8 Q/DQ where its fusions need it, plus a calibration cache. */
        @JsonProperty("tensorrt") TENSORRT("tensorrt"),
        /** Mobile and NPU toolchains: uint16 activations, int8 weights (opset 21 Q/DQ). */
        @JsonProperty("npu-a16w8") NPU_A16W8("npu-a16w8");

        private final String value;

        Target(String value) {
            this.value = value;
        }

        /** The name the API uses. */
        public String value() {
            return value;
        }
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

    /** The defaults depend on the target: TensorRT takes symmetric int8 activations and entropy calibration. */
    public QuantizationRecipe withDefaults() {
        Target t = target != null ? target : Target.CPU_VNNI;
        Calibration c = calibration != null ? calibration : new Calibration(null, null, null, null, null);
        if (t == Target.TENSORRT && c.method() == null) {
            // the method TensorRT's own calibrator uses, and the one its cache header names
            c = new Calibration(CalibrationMethod.ENTROPY, c.percentile(), c.maxSamples(), c.movingAverage(),
                    c.movingAverageConstant());
        }
        return new QuantizationRecipe(
                mode != null ? mode : Mode.STATIC,
                format != null ? format : Format.QDQ,
                activationType != null ? activationType : switch (t) {
                    case TENSORRT -> QuantType.INT8;
                    case NPU_A16W8 -> QuantType.UINT16;
                    default -> QuantType.UINT8;
                },
                weightType != null ? weightType : QuantType.INT8,
                perChannel != null ? perChannel : Boolean.TRUE,
                symmetricActivations != null ? symmetricActivations : t == Target.TENSORRT,
                c.withDefaults(),
                excludeNodes != null ? List.copyOf(excludeNodes) : List.of(),
                excludeOpTypes != null ? List.copyOf(excludeOpTypes) : List.of(),
                includeNodes != null ? List.copyOf(includeNodes) : List.of(),
                includeOpTypes != null ? List.copyOf(includeOpTypes) : List.of(),
                // sorted, so that the same constants written in another order are the same recipe
                constantInputs != null ? sorted(constantInputs) : Map.of(),
                t);
    }

    /** A copy of the recipe with {@code constants} as its constant inputs. */
    public QuantizationRecipe withConstantInputs(Map<String, BigDecimal> constants) {
        return new QuantizationRecipe(mode, format, activationType, weightType, perChannel, symmetricActivations,
                calibration, excludeNodes, excludeOpTypes, includeNodes, includeOpTypes, constants, target);
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
        targetProblems(r, problems);
        return problems;
    }

    /** Choices the target cannot honour: each target fixes its activation type (and TensorRT its symmetry). */
    private static void targetProblems(QuantizationRecipe r, List<String> problems) {
        String target = "target " + r.target().value();
        switch (r.target()) {
            case TENSORRT -> {
                if (r.activationType() != QuantType.INT8) {
                    problems.add("activationType: " + target + " needs int8 activations, got "
                            + name(r.activationType()));
                }
                if (!r.symmetricActivations()) {
                    problems.add("symmetricActivations: " + target + " needs symmetric activations (zero point 0)");
                }
            }
            case NPU_A16W8 -> {
                if (r.activationType() != QuantType.UINT16) {
                    problems.add("activationType: " + target + " quantizes activations to uint16, got "
                            + name(r.activationType()));
                }
            }
            default -> {
                if (r.activationType() == QuantType.UINT16) {
                    problems.add("activationType: uint16 activations need target npu-a16w8, got " + target);
                }
            }
        }
    }

    private static String name(QuantType type) {
        return type.name().toLowerCase(java.util.Locale.ROOT);
    }
}
