package io.quantizer.engine.feed;

/**
 * Why a model input cannot be fed.
 *
 * @param tensor   the model input (or, for an unknown constant, the name the recipe gave)
 * @param constant whether the problem is with the recipe's {@code constantInputs} entry rather than the data set
 * @param message  what does not fit and how to fix it, naming the tensor
 */
public record FeedProblem(String tensor, boolean constant, String message) {
}
