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
        Analysis analysis,
        Accuracy accuracy,
        BiasCorrection biasCorrection,
        CrossLayerEqualization crossLayerEqualization,
        SmoothQuant smoothQuant,
        // absent from the JSON of the other modes, so their stored recipes (and request fingerprints) stay as before
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        WeightOnly weightOnly,
        Target target) {

    /** A recipe with the analysis, accuracy, recovery, weight-only and target settings at their defaults. */
    public QuantizationRecipe(Mode mode, Format format, QuantType activationType, QuantType weightType,
                              Boolean perChannel, Boolean symmetricActivations, Calibration calibration,
                              List<String> excludeNodes, List<String> excludeOpTypes, List<String> includeNodes,
                              List<String> includeOpTypes, Map<String, BigDecimal> constantInputs) {
        this(mode, format, activationType, weightType, perChannel, symmetricActivations, calibration, excludeNodes,
                excludeOpTypes, includeNodes, includeOpTypes, constantInputs, null, null, null, null, null, null, null);
    }

    /** A recipe without constant inputs. */
    public QuantizationRecipe(Mode mode, Format format, QuantType activationType, QuantType weightType,
                              Boolean perChannel, Boolean symmetricActivations, Calibration calibration,
                              List<String> excludeNodes, List<String> excludeOpTypes, List<String> includeNodes,
                              List<String> includeOpTypes) {
        this(mode, format, activationType, weightType, perChannel, symmetricActivations, calibration, excludeNodes,
                excludeOpTypes, includeNodes, includeOpTypes, null);
    }

    /** A recipe without include lists: every node the engine can quantize is a candidate. */
    public QuantizationRecipe(Mode mode, Format format, QuantType activationType, QuantType weightType,
                              Boolean perChannel, Boolean symmetricActivations, Calibration calibration,
                              List<String> excludeNodes, List<String> excludeOpTypes) {
        this(mode, format, activationType, weightType, perChannel, symmetricActivations, calibration, excludeNodes,
                excludeOpTypes, null, null, null);
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
        @JsonProperty("mse") MSE,
        /** per tensor, whichever of the four methods above gives the lowest measured quantization error */
        @JsonProperty("auto") AUTO
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

    /**
     * Fast bias correction (as NNCF's FastBiasCorrection): after quantization, each Conv/Gemm with a bias gets
     * that bias shifted by the mean error int8 introduces into its output channels, measured on calibration
     * samples by running the layer in float and in int8 on the same float input.
     *
     * @param enabled    whether to correct biases
     * @param maxSamples calibration samples the errors are measured on, at least 1
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record BiasCorrection(Boolean enabled, Integer maxSamples) {

        public BiasCorrection withDefaults() {
            return new BiasCorrection(enabled != null ? enabled : Boolean.FALSE,
                    maxSamples != null ? maxSamples : 128);
        }
    }

    /**
     * Cross-layer equalization (Nagel et al. 2019): for two consecutive convolutions joined directly or through
     * a ReLU, scales output channel i of the first by 1/s and input channel i of the second by s, with s chosen
     * so both weights get the same per-channel range. Exact in float; it helps depthwise-separable nets whose
     * folded BatchNorm left a few channels with outlying weight ranges.
     *
     * @param enabled    whether to equalize
     * @param iterations rounds over all pairs (a conv between two pairs moves again), 1 to 100
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record CrossLayerEqualization(Boolean enabled, Integer iterations) {

        public CrossLayerEqualization withDefaults() {
            return new CrossLayerEqualization(enabled != null ? enabled : Boolean.FALSE,
                    iterations != null ? iterations : 4);
        }
    }

    /**
     * SmoothQuant (Xiao et al. 2023) for MatMul/Gemm with constant weights: divides activation channel j by
     * s_j = max|x_j|^alpha / max|W_j|^(1-alpha) and multiplies weight row j by it, so outlier channels move into
     * the weights, which are quantized per channel. Exact in float.
     *
     * @param enabled whether to smooth
     * @param alpha   the migration strength, in [0, 1]: 0 leaves activations alone, 1 moves all of their range
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record SmoothQuant(Boolean enabled, Double alpha) {

        public SmoothQuant withDefaults() {
            return new SmoothQuant(enabled != null ? enabled : Boolean.FALSE, alpha != null ? alpha : 0.5);
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
                (analysis != null ? analysis : new Analysis(null, null, null)).withDefaults(),
                accuracy != null ? accuracy.withDefaults() : null,
                (biasCorrection != null ? biasCorrection : new BiasCorrection(null, null)).withDefaults(),
                (crossLayerEqualization != null ? crossLayerEqualization
                        : new CrossLayerEqualization(null, null)).withDefaults(),
                (smoothQuant != null ? smoothQuant : new SmoothQuant(null, null)).withDefaults(),
                // only the weight-only mode has these; elsewhere they stay as given, for validate() to refuse
                (mode == Mode.WEIGHT_ONLY ? (weightOnly != null ? weightOnly : new WeightOnly(null, null, null, null))
                        .withDefaults() : weightOnly),
                t);
    }

    /** A copy of the recipe with {@code settings} as its per-layer analysis settings. */
    public QuantizationRecipe withAnalysis(Analysis settings) {
        return new QuantizationRecipe(mode, format, activationType, weightType, perChannel, symmetricActivations,
                calibration, excludeNodes, excludeOpTypes, includeNodes, includeOpTypes, constantInputs, settings,
                accuracy, biasCorrection, crossLayerEqualization, smoothQuant, weightOnly, target);
    }

    /** A copy of the recipe with {@code goal} as its accuracy target. */
    public QuantizationRecipe withAccuracy(Accuracy goal) {
        return new QuantizationRecipe(mode, format, activationType, weightType, perChannel, symmetricActivations,
                calibration, excludeNodes, excludeOpTypes, includeNodes, includeOpTypes, constantInputs, analysis,
                goal, biasCorrection, crossLayerEqualization, smoothQuant, weightOnly, target);
    }

    /** A copy of the recipe with these accuracy-recovery settings. */
    public QuantizationRecipe withRecovery(BiasCorrection bias, CrossLayerEqualization equalization,
                                           SmoothQuant smoothing) {
        return new QuantizationRecipe(mode, format, activationType, weightType, perChannel, symmetricActivations,
                calibration, excludeNodes, excludeOpTypes, includeNodes, includeOpTypes, constantInputs, analysis,
                accuracy, bias, equalization, smoothing, weightOnly, target);
    }

    /** A copy of the recipe with {@code settings} as its weight-only parameters. */
    public QuantizationRecipe withWeightOnly(WeightOnly settings) {
        return new QuantizationRecipe(mode, format, activationType, weightType, perChannel, symmetricActivations,
                calibration, excludeNodes, excludeOpTypes, includeNodes, includeOpTypes, constantInputs, analysis,
                accuracy, biasCorrection, crossLayerEqualization, smoothQuant, settings, target);
    }

    /** A copy of the recipe for {@code hardware}. */
    public QuantizationRecipe withTarget(Target hardware) {
        return new QuantizationRecipe(mode, format, activationType, weightType, perChannel, symmetricActivations,
                calibration, excludeNodes, excludeOpTypes, includeNodes, includeOpTypes, constantInputs, analysis,
                accuracy, biasCorrection, crossLayerEqualization, smoothQuant, weightOnly, hardware);
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
                calibration, excludeNodes, excludeOpTypes, includeNodes, includeOpTypes, constants, analysis,
                accuracy, biasCorrection, crossLayerEqualization, smoothQuant, weightOnly, target);
    }

    /** A copy of the recipe that also excludes {@code nodes} (an accuracy search returning groups to float). */
    public QuantizationRecipe withExcludedNodes(java.util.Collection<String> nodes) {
        QuantizationRecipe r = withDefaults();
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(r.excludeNodes());
        all.addAll(nodes);
        return new QuantizationRecipe(r.mode, r.format, r.activationType, r.weightType, r.perChannel,
                r.symmetricActivations, r.calibration, List.copyOf(all), r.excludeOpTypes, r.includeNodes,
                r.includeOpTypes, r.constantInputs, r.analysis, r.accuracy, r.biasCorrection,
                r.crossLayerEqualization, r.smoothQuant, r.weightOnly, r.target);
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
        problems.addAll(r.analysis().problems());
        if (r.accuracy() != null) {
            problems.addAll(r.accuracy().problems());
        }
        int samples = r.biasCorrection().maxSamples();
        if (samples < 1) {
            problems.add("biasCorrection.maxSamples: must be at least 1, got " + samples);
        }
        int iterations = r.crossLayerEqualization().iterations();
        if (iterations < 1 || iterations > 100) {
            problems.add("crossLayerEqualization.iterations: must be in [1, 100], got " + iterations);
        }
        double alpha = r.smoothQuant().alpha();
        if (!(alpha >= 0 && alpha <= 1)) {
            problems.add("smoothQuant.alpha: must be in [0, 1], got " + alpha);
        }
        problems.addAll(ModeRules.problems(r));
        targetProblems(r, problems);
        return problems;
    }

    /**
     * Problems with the recipe given the data the job evaluates on; the API's submit check and the engine both call
     * it. {@code labelled}: whether that data set (the evaluation set, else the calibration set) holds labels.
     */
    public List<String> problemsWithData(boolean labelled) {
        Accuracy a = withDefaults().accuracy();
        if (a != null && a.maxTop1Drop() != null && !labelled) {
            return List.of("accuracy.maxTop1Drop: needs labels in the evaluation data set (or, without one, in the "
                    + "calibration data set); use accuracy.minCosine for data without labels");
        }
        return List.of();
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
