package io.quantizer.engine.recipe;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The per-layer analysis every job runs after evaluation, and its cost bounds. Its cost is
 * {@code (2 + measured groups) × samples} forward passes of one sample: the fp32 and the int8 model once with their
 * activations exposed, then one model per measured group. Without an accuracy target the samples are also cut so
 * that this stays within the evaluation's own accuracy pass ({@code 2 × evaluation samples}).
 *
 * @param enabled   run it (an accuracy target runs it regardless: the search needs its ranking)
 * @param samples   evaluation samples it runs on, the first ones of the set
 * @param maxGroups groups whose sensitivity is measured, chosen by the largest activation error their own
 *                  quantization adds; the others are listed by that error only
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Analysis(Boolean enabled, Integer samples, Integer maxGroups) {

    public static final int DEFAULT_SAMPLES = 64;
    public static final int DEFAULT_MAX_GROUPS = 12;
    static final int MAX_SAMPLES = 10_000;
    static final int MAX_GROUPS = 1_000;

    public Analysis withDefaults() {
        return new Analysis(enabled != null ? enabled : Boolean.TRUE, samples != null ? samples : DEFAULT_SAMPLES,
                maxGroups != null ? maxGroups : DEFAULT_MAX_GROUPS);
    }

    List<String> problems() {
        Analysis a = withDefaults();
        List<String> problems = new ArrayList<>();
        if (a.samples() < 1 || a.samples() > MAX_SAMPLES) {
            problems.add("analysis.samples: must be 1 to " + MAX_SAMPLES + ", got " + a.samples());
        }
        if (a.maxGroups() < 0 || a.maxGroups() > MAX_GROUPS) {
            problems.add("analysis.maxGroups: must be 0 to " + MAX_GROUPS + ", got " + a.maxGroups());
        }
        return problems;
    }
}
