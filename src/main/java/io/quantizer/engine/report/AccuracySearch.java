package io.quantizer.engine.report;

import java.util.List;

/**
 * The trace of an accuracy-controlled job: each trial returned more of the most sensitive groups to float, until the
 * target held or the budget ran out. Trial 0 is the plain quantization.
 *
 * @param target        the recipe's target
 * @param met           whether the returned model meets it
 * @param returnedTrial the trial whose model is the artifact: the first that met the target, else the best one
 * @param stopReason    why the search stopped: {@code target-met}, {@code max-trials}, {@code time-limit} or
 *                      {@code no-groups-left}
 * @param trials        every trial, in the order run
 */
public record AccuracySearch(Target target, boolean met, int returnedTrial, String stopReason, List<Trial> trials) {

    public AccuracySearch {
        trials = List.copyOf(trials);
    }

    /**
     * @param metric    {@code top1Drop} (at most {@code threshold}) or {@code cosine} (at least {@code threshold},
     *                  on every output)
     * @param threshold the bound the metric must meet
     */
    public record Target(String metric, double threshold) {
    }

    /**
     * @param index          0 for the plain quantization
     * @param floatGroups    ids of the groups this trial kept in float (cumulative)
     * @param metric         the target's metric measured on this trial's model
     * @param top1Drop       fp32 top-1 minus this model's, null without labels
     * @param cosine         the lowest output cosine to fp32
     * @param latencyMsBatch1 median latency at batch 1, null when not measured
     * @param meetsTarget    whether this trial's model meets the target
     * @param seconds        wall-clock time the trial took
     */
    public record Trial(int index, List<String> floatGroups, double metric, Double top1Drop, double cosine,
                        Double latencyMsBatch1, boolean meetsTarget, double seconds) {
        public Trial {
            floatGroups = List.copyOf(floatGroups);
        }
    }
}
