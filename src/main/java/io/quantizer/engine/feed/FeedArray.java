package io.quantizer.engine.feed;

import java.util.List;

/** A data set array as the feed rule sees it: name, NumPy element type, shape (the first dimension = samples). */
public record FeedArray(String name, String elementType, List<Long> shape) {

    public FeedArray {
        shape = List.copyOf(shape);
    }

    String describe() {
        return "'" + name + "' " + elementType + shape;
    }
}
