package io.quantizer.engine.feed;

import java.util.List;

/**
 * A model input as the feed rule sees it, whoever describes it: the API from the stored model signature, the
 * engine from ONNX Runtime.
 *
 * @param elementType NumPy's name for the element type ({@code float32}, {@code int64}, {@code float16}), or the
 *                    ONNX kind of a value that is not a tensor ({@code sequence}, {@code map}, {@code optional})
 * @param shape       dimensions, -1 where dynamic (symbolic or unknown); empty for a scalar
 */
public record FeedInput(String name, String elementType, List<Long> shape) {

    public FeedInput {
        shape = List.copyOf(shape);
    }

    String describe() {
        return "'" + name + "' " + elementType + FeedRule.dims(shape);
    }
}
