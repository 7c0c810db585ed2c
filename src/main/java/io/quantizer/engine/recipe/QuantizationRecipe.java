package io.quantizer.engine.recipe;

import java.util.List;

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
        List<String> includeOpTypes) {

    /** A recipe without include lists: every node the engine can quantize is a candidate. */
    public QuantizationRecipe(Mode mode, Format format, QuantType activationType, QuantType weightType,
                              Boolean perChannel, Boolean symmetricActivations, Calibration calibration,
                              List<String> excludeNodes, List<String> excludeOpTypes) {
        this(mode, format, activationType, weightType, perChannel, symmetricActivations, calibration, excludeNodes,
                excludeOpTypes, null, null);
    }

    public enum Mode {
        @JsonProperty("static") STATIC
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
                includeOpTypes != null ? List.copyOf(includeOpTypes) : List.of());
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
        double c = r.calibration().movingAverageConstant();
        if (!(c > 0 && c < 1)) {
            problems.add("calibration.movingAverageConstant: must be in (0, 1), got " + c);
        }
        return problems;
    }
}
