package io.quantizer.engine.recipe;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * An accuracy target: the job returns the most sensitive groups to float, one per trial in the analysis' order,
 * until the target holds on the evaluation set or the budget runs out, and returns the best model it saw (never one
 * worse than the plain quantization). Exactly one of {@code maxTop1Drop} and {@code minCosine} is given.
 *
 * @param maxTop1Drop largest acceptable fp32 top-1 minus int8 top-1, as a share in [0, 1] (0.005 = half a point);
 *                    needs labels
 * @param minCosine   smallest acceptable cosine to fp32 of every output, in (0, 1]; works without labels
 * @param maxTrials   models tried after the plain quantization, 0 to 100 (default 10)
 * @param timeLimit   seconds the trials may take in all, 1 to 86400 (default 600); a trial is not started when the
 *                    last one's duration would overrun it
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Accuracy(Double maxTop1Drop, Double minCosine, Integer maxTrials, Integer timeLimit) {

    public static final int DEFAULT_MAX_TRIALS = 10;
    public static final int DEFAULT_TIME_LIMIT = 600;
    static final int MOST_TRIALS = 100;
    static final int LONGEST_TIME_LIMIT = 86_400;

    public Accuracy withDefaults() {
        return new Accuracy(maxTop1Drop, minCosine, maxTrials != null ? maxTrials : DEFAULT_MAX_TRIALS,
                timeLimit != null ? timeLimit : DEFAULT_TIME_LIMIT);
    }

    /** {@code top1Drop} or {@code cosine}: what the target bounds. */
    public String metric() {
        return maxTop1Drop != null ? "top1Drop" : "cosine";
    }

    public double threshold() {
        return maxTop1Drop != null ? maxTop1Drop : minCosine;
    }

    List<String> problems() {
        Accuracy a = withDefaults();
        List<String> problems = new ArrayList<>();
        if ((a.maxTop1Drop() == null) == (a.minCosine() == null)) {
            problems.add("accuracy: give exactly one target, maxTop1Drop or minCosine");
        }
        if (a.maxTop1Drop() != null && !(a.maxTop1Drop() >= 0 && a.maxTop1Drop() <= 1)) {
            problems.add("accuracy.maxTop1Drop: must be a share in [0, 1] (0.005 is half a point), got "
                    + a.maxTop1Drop());
        }
        if (a.minCosine() != null && !(a.minCosine() > 0 && a.minCosine() <= 1)) {
            problems.add("accuracy.minCosine: must be in (0, 1], got " + a.minCosine());
        }
        if (a.maxTrials() < 0 || a.maxTrials() > MOST_TRIALS) {
            problems.add("accuracy.maxTrials: must be 0 to " + MOST_TRIALS + ", got " + a.maxTrials());
        }
        if (a.timeLimit() < 1 || a.timeLimit() > LONGEST_TIME_LIMIT) {
            problems.add("accuracy.timeLimit: must be 1 to " + LONGEST_TIME_LIMIT + " seconds, got "
                    + a.timeLimit());
        }
        return problems;
    }
}
