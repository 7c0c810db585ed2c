package io.quantizer.engine.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import io.quantizer.engine.EngineInputException;
import io.quantizer.engine.data.DatasetDescription;
import io.quantizer.engine.data.TensorDescription;

/**
 * Which data set array feeds which model input, and in what shape. The data set's first dimension is the sample
 * dimension. A model whose every input has a dynamic leading dimension of the data's rank is fed in batches;
 * any other (fixed batch 1, a scalar input, a state tensor whose batch is not first) is fed one sample at a time.
 * A single-input model takes the only non-label array whatever its name; otherwise arrays match inputs by name.
 */
public final class ModelFeed {

    private final List<InputBinding> bindings;
    private final boolean batched;

    private ModelFeed(List<InputBinding> bindings, boolean batched) {
        this.bindings = List.copyOf(bindings);
        this.batched = batched;
    }

    public List<InputBinding> bindings() {
        return bindings;
    }

    /** Whether several samples can go into one run. */
    public boolean batched() {
        return batched;
    }

    /** Bytes of input one sample takes. */
    public long bytesPerSample() {
        return bindings.stream().mapToLong(b -> (long) b.elementsPerSample() * elementSize(b.type())).sum();
    }

    static int elementSize(OnnxJavaType type) {
        return type == OnnxJavaType.INT64 ? 8 : 4;
    }

    public static ModelFeed bind(Map<String, NodeInfo> inputs, DatasetDescription data) {
        List<TensorDescription> features = data.featureTensors();
        List<String> names = features.stream().map(TensorDescription::name).toList();
        List<TensorInfo> infos = new ArrayList<>();
        List<TensorDescription> sources = new ArrayList<>();
        for (NodeInfo input : inputs.values()) {
            if (!(input.getInfo() instanceof TensorInfo info)) {
                throw new EngineInputException("model input '" + input.getName() + "' is not a tensor ("
                        + input.getInfo() + "); only tensor inputs can be fed from a data set");
            }
            if (info.type != OnnxJavaType.FLOAT && info.type != OnnxJavaType.INT64) {
                throw new EngineInputException("model input '" + input.getName() + "' has element type "
                        + info.type + "; the engine feeds float32 and int64 inputs only");
            }
            infos.add(info);
            sources.add(source(input.getName(), inputs.size(), features, names));
        }
        boolean batchable = true;
        for (int i = 0; i < infos.size(); i++) {
            long[] model = infos.get(i).getShape();
            batchable &= model.length == sources.get(i).shape().size() && model.length > 0 && model[0] < 0;
        }
        List<InputBinding> bindings = new ArrayList<>();
        int i = 0;
        for (NodeInfo input : inputs.values()) {
            bindings.add(bindOne(input.getName(), infos.get(i), sources.get(i), batchable));
            i++;
        }
        return new ModelFeed(bindings, batchable);
    }

    private static TensorDescription source(String input, int inputCount, List<TensorDescription> features,
                                            List<String> names) {
        if (inputCount == 1 && features.size() == 1) {
            return features.get(0);
        }
        return features.stream().filter(t -> t.name().equals(input)).findFirst()
                .orElseThrow(() -> new EngineInputException("model input '" + input + "' has no array of that name "
                        + "in the data set; its arrays (labels aside) are " + names));
    }

    private static InputBinding bindOne(String input, TensorInfo info, TensorDescription source, boolean batched) {
        long[] model = info.getShape();
        List<Long> data = source.shape();
        long[] sample = data.subList(1, data.size()).stream().mapToLong(Long::longValue).toArray();
        long[] fed;
        if (batched) {
            fed = sample;
            long[] perRun = new long[model.length];
            perRun[0] = -1;
            System.arraycopy(sample, 0, perRun, 1, sample.length);
            check(input, source, model, perRun);
        } else if (model.length == data.size()) {
            if (model[0] > 1) {
                throw new EngineInputException("model input '" + input + "' has a fixed batch of " + model[0]
                        + "; the engine feeds fixed-batch models one sample at a time (batch 1)");
            }
            fed = new long[model.length];
            fed[0] = 1;
            System.arraycopy(sample, 0, fed, 1, sample.length);
            check(input, source, model, fed);
        } else if (model.length == sample.length) {
            fed = sample;
            check(input, source, model, fed);
        } else if (fixed(model) && product(model) == product(sample)) {
            fed = model.clone();
        } else {
            throw new EngineInputException("model input '" + input + "' has shape " + describe(model)
                    + ", which samples of array '" + source.name() + "' (shape " + data + ", first dimension = "
                    + "samples) do not fit");
        }
        return new InputBinding(input, source.name(), info.type, fed, batched);
    }

    private static void check(String input, TensorDescription source, long[] model, long[] fed) {
        for (int d = 0; d < model.length; d++) {
            if (model[d] >= 0 && fed[d] >= 0 && model[d] != fed[d]) {
                throw new EngineInputException("model input '" + input + "' expects shape " + describe(model)
                        + " per run, but array '" + source.name() + "' (shape " + source.shape() + ") gives "
                        + describe(fed) + ": dimension " + d + " differs");
            }
        }
    }

    private static boolean fixed(long[] shape) {
        return Arrays.stream(shape).allMatch(d -> d >= 0);
    }

    private static long product(long[] shape) {
        long p = 1;
        for (long d : shape) {
            p *= d;
        }
        return p;
    }

    private static String describe(long[] shape) {
        return Arrays.toString(shape).replace("-1", "?");
    }
}
