package io.quantizer.engine.report;

import java.util.List;

/**
 * Which layers the int8 model loses accuracy in: the error of every quantized activation against its fp32 value, and
 * the sensitivity of the model's output to each group a user can return to float, most sensitive first.
 *
 * @param metric             what sensitivity is measured in: {@code top1} (labelled classifiers) or {@code cosine}
 *                           (the outputs' cosine to fp32, for everything else)
 * @param samples            evaluation samples the analysis ran on (the first ones of the set)
 * @param extraForwardPasses forward passes of one model on one sample the analysis added to the plain evaluation
 *                           (its whole cost): {@code (2 + measured groups) × samples}
 * @param tensors            activation error per quantized activation tensor, in graph order
 * @param groups             the measured groups (at most {@code analysis.maxGroups}, those whose own ranges add the
 *                           most error), ranked: the first is what to exclude first; ties of a top-1 gain are
 *                           broken by the cosine gain
 */
public record LayerAnalysis(String metric, int samples, long extraForwardPasses, List<TensorError> tensors,
                            List<Group> groups) {

    public LayerAnalysis {
        tensors = List.copyOf(tensors);
        groups = List.copyOf(groups);
    }

    /**
     * @param tensor      the fp32 tensor's name
     * @param producer    the node that computes it, null for a graph input
     * @param sqnrDb      {@code 10·log10(Σx² / Σ(x − x̂)²)}, null when int8 equals fp32 exactly
     * @param cosine      cosine between the fp32 and the dequantized int8 values, all samples as one vector
     * @param maxAbsError largest |x − x̂| seen
     * @param ownSqnrDb   the SQNR of fp32 put through this tensor's own quantize-dequantize: the error its range
     *                    adds alone, without the error of earlier layers that {@code sqnrDb} includes; null when exact
     */
    public record TensorError(String tensor, String producer, Double sqnrDb, double cosine, double maxAbsError,
                              Double ownSqnrDb) {

        /** An error without the tensor's own-range figure. */
        public TensorError(String tensor, String producer, Double sqnrDb, double cosine, double maxAbsError) {
            this(tensor, producer, sqnrDb, cosine, maxAbsError, null);
        }
    }

    /**
     * @param rank          1 for the most sensitive group
     * @param id            the group's main node, the name {@code excludeNodes} takes
     * @param opType        that node's operator
     * @param nodes         every node that returns to float with it (its folded activation, its Q/DQ owners)
     * @param sensitivity   how much the metric improves when only this group returns to float (top-1 points as a
     *                      share, or cosine); larger is more sensitive
     * @param metricIfFloat the model's metric with only this group in float
     */
    public record Group(int rank, String id, String opType, List<String> nodes, double sensitivity,
                        double metricIfFloat) {
        public Group {
            nodes = List.copyOf(nodes);
        }
    }
}
