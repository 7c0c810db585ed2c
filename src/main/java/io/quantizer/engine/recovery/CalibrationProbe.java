package io.quantizer.engine.recovery;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.quantizer.engine.EngineInputException;
import io.quantizer.engine.data.NumpyDataset;
import io.quantizer.engine.runtime.FeedReader;
import io.quantizer.engine.runtime.ModelFeed;
import io.quantizer.engine.runtime.Ort;

/**
 * Runs a model over calibration samples and hands each batch's values of some float tensors (made graph outputs)
 * to a consumer, which keeps running sums: memory stays at one batch, as in calibration.
 */
final class CalibrationProbe {

    static final int BATCH = 16;

    /** Receives one batch: each requested tensor's values and shape. */
    @FunctionalInterface
    interface Consumer {
        void accept(Map<String, FloatBuffer> values, Map<String, long[]> shapes);
    }

    private CalibrationProbe() {
    }

    static void run(ModelProto model, Set<String> tensors, Path data, Map<String, BigDecimal> constants,
                    long maxSamples, Consumer consumer) throws IOException, OrtException {
        ModelProto augmented = withOutputs(model, tensors);
        OrtSession session;
        try (OrtSession.SessionOptions options = Ort.sessionOptions(OrtSession.SessionOptions.OptLevel.BASIC_OPT)) {
            session = Ort.environment().createSession(augmented.toByteArray(), options);
        } catch (OrtException e) {
            throw new EngineInputException("ONNX Runtime cannot load the model to measure statistics: "
                    + e.getMessage(), e);
        }
        try (session; NumpyDataset dataset = NumpyDataset.open(data)) {
            ModelFeed feed = ModelFeed.bind(session.getInputInfo(), dataset.description(), constants);
            try (FeedReader reader = new FeedReader(dataset, feed, BATCH, maxSamples, null)) {
                while (reader.remaining() > 0) {
                    try (FeedReader.Batch batch = reader.next(BATCH);
                         OrtSession.Result result = session.run(batch.inputs(), tensors)) {
                        Map<String, FloatBuffer> values = new LinkedHashMap<>();
                        Map<String, long[]> shapes = new HashMap<>();
                        for (String name : tensors) {
                            OnnxValue value = result.get(name).orElseThrow();
                            if (!(value instanceof OnnxTensor tensor)) {
                                throw new IllegalStateException("'" + name + "' is not a tensor: " + value.getInfo());
                            }
                            values.put(name, tensor.getFloatBuffer());
                            shapes.put(name, tensor.getInfo().getShape());
                        }
                        consumer.accept(values, shapes);
                    }
                }
            }
        }
    }

    private static ModelProto withOutputs(ModelProto model, Set<String> tensors) {
        GraphProto.Builder graph = model.getGraph().toBuilder();
        Set<String> outputs = new HashSet<>();
        graph.getOutputList().forEach(o -> outputs.add(o.getName()));
        for (String tensor : tensors) {
            if (outputs.add(tensor)) {
                graph.addOutput(ValueInfoProto.newBuilder().setName(tensor).setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }
}
