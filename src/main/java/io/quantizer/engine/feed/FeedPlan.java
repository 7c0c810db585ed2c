package io.quantizer.engine.feed;

import java.util.List;

/**
 * The feed rule's verdict: how every model input is fed, whether several samples go into one run, and what
 * prevents feeding (empty when the model can run on the data).
 */
public record FeedPlan(List<FeedBinding> bindings, boolean batched, List<FeedProblem> problems) {

    public FeedPlan {
        bindings = List.copyOf(bindings);
        problems = List.copyOf(problems);
    }

    public boolean feedable() {
        return problems.isEmpty();
    }

    /** The problems' messages joined, for one error. */
    public String describeProblems() {
        return String.join("; ", problems.stream().map(FeedProblem::message).toList());
    }
}
