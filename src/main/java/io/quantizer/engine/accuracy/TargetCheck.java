package io.quantizer.engine.accuracy;

import io.quantizer.engine.EngineInputException;
import io.quantizer.engine.evaluation.EvaluationResult;
import io.quantizer.engine.recipe.Accuracy;
import io.quantizer.engine.report.AccuracySearch;

/** The recipe's target put to evaluations: the metric it bounds, whether a model meets it, which of two is better. */
final class TargetCheck {

    private final Accuracy accuracy;

    TargetCheck(Accuracy accuracy) {
        this.accuracy = accuracy;
    }

    AccuracySearch.Target target() {
        return new AccuracySearch.Target(accuracy.metric(), accuracy.threshold());
    }

    /** The target's metric on {@code e}: the top-1 drop, or the lowest output cosine. */
    double metric(EvaluationResult e) {
        if (accuracy.maxTop1Drop() == null) {
            return TrialModel.minCosine(e);
        }
        if (e.top1Drop() == null) {
            throw new EngineInputException("accuracy.maxTop1Drop needs top-1 accuracy, but the evaluation has none: "
                    + "no labels, or no output shaped [samples, classes]; use accuracy.minCosine instead");
        }
        return e.top1Drop();
    }

    boolean meets(double metric) {
        return accuracy.maxTop1Drop() != null ? metric <= accuracy.maxTop1Drop() + 1e-12
                : metric >= accuracy.minCosine();
    }

    /** Whether {@code a} is strictly better than {@code b}; the lowest output cosine breaks a tie of top-1 drops. */
    boolean better(AccuracySearch.Trial a, AccuracySearch.Trial b) {
        if (accuracy.maxTop1Drop() != null && a.metric() != b.metric()) {
            return a.metric() < b.metric();
        }
        return a.cosine() > b.cosine();
    }
}
