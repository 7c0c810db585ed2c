package io.quantizer.engine.runtime;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import io.quantizer.engine.EngineInputException;
import io.quantizer.engine.data.DatasetDescription;
import io.quantizer.engine.feed.FeedArray;
import io.quantizer.engine.feed.FeedBinding;
import io.quantizer.engine.feed.FeedInput;
import io.quantizer.engine.feed.FeedPlan;
import io.quantizer.engine.feed.FeedRule;
import io.quantizer.engine.feed.FeedTypes;

/**
 * How a loaded model is fed from a data set: ONNX Runtime's view of the inputs put through {@link FeedRule}, the
 * rule the API checks submitted jobs with. A model the rule refuses is an {@link EngineInputException} naming the
 * tensors.
 */
public final class ModelFeed {

    private final FeedPlan plan;

    private ModelFeed(FeedPlan plan) {
        this.plan = plan;
    }

    public List<FeedBinding> bindings() {
        return plan.bindings();
    }

    /** Whether several samples can go into one run. */
    public boolean batched() {
        return plan.batched();
    }

    /** Bytes of input one sample takes (constants included). */
    public long bytesPerSample() {
        return plan.bindings().stream().mapToLong(b -> b.elementsPerSample() * javaType(b).size).sum();
    }

    public static ModelFeed bind(Map<String, NodeInfo> inputs, DatasetDescription data) {
        return bind(inputs, data, Map.of());
    }

    public static ModelFeed bind(Map<String, NodeInfo> inputs, DatasetDescription data,
                                 Map<String, BigDecimal> constants) {
        List<FeedInput> described = new ArrayList<>();
        inputs.values().forEach(i -> described.add(describe(i)));
        List<FeedArray> arrays = data.featureTensors().stream()
                .map(t -> new FeedArray(t.name(), t.elementType().numpyName(), t.shape())).toList();
        FeedPlan plan = FeedRule.plan(described, arrays, constants);
        if (!plan.feedable()) {
            throw new EngineInputException(plan.describeProblems());
        }
        return new ModelFeed(plan);
    }

    /** A model input as ONNX Runtime declares it, in the rule's terms. */
    public static FeedInput describe(NodeInfo input) {
        if (input.getInfo() instanceof TensorInfo info) {
            List<Long> shape = new ArrayList<>();
            for (long d : info.getShape()) {
                shape.add(d < 0 ? -1L : d);
            }
            return new FeedInput(input.getName(), FeedTypes.numpyName(onnxCode(info.onnxType)), shape);
        }
        String kind = input.getInfo() instanceof MapInfo ? "map"
                : input.getInfo() instanceof SequenceInfo ? "sequence" : "optional";
        return new FeedInput(input.getName(), kind, List.of());
    }

    /** The ONNX {@code TensorProto.DataType} code (ONNX Runtime's Java enum numbers its types its own way). */
    static int onnxCode(TensorInfo.OnnxTensorType type) {
        return switch (type) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> 1;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> 2;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> 3;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 -> 4;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> 5;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> 6;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> 7;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> 8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> 9;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> 10;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> 11;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32 -> 12;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64 -> 13;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX64 -> 14;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX128 -> 15;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> 16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FN -> 17;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FNUZ -> 18;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E5M2 -> 19;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E5M2FNUZ -> 20;
            default -> 0;
        };
    }

    /** The ONNX Runtime type a fed input's tensors are built as. */
    static OnnxJavaType javaType(FeedBinding binding) {
        return switch (binding.elementType()) {
            case "float32" -> OnnxJavaType.FLOAT;
            case "float16" -> OnnxJavaType.FLOAT16;
            case "float64" -> OnnxJavaType.DOUBLE;
            case "int8" -> OnnxJavaType.INT8;
            case "int16" -> OnnxJavaType.INT16;
            case "int32" -> OnnxJavaType.INT32;
            case "int64" -> OnnxJavaType.INT64;
            case "uint8" -> OnnxJavaType.UINT8;
            case "bool" -> OnnxJavaType.BOOL;
            default -> throw new IllegalStateException("the feed rule let through unfed type "
                    + binding.elementType());
        };
    }
}
