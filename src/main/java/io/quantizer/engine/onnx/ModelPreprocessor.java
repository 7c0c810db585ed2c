package io.quantizer.engine.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.runtime.Ort;

/**
 * Turns a user's fp32 model into the graph the calibrator and the quantizer work on: Constant-node weights become
 * initializers, IR-3 initializer inputs are dropped, the opset is raised to 13 when per-channel weights are
 * wanted or when it is below 10 (no QuantizeLinear at all), or the reason why not is noted, decomposed
 * hardswish/hardsigmoid chains are fused ({@link HardActivationFusion}), a Gemm's C that QGemm cannot take
 * becomes an Add ({@link GemmBiasSplit}), and ONNX Runtime's basic optimisations (constant folding, BatchNorm
 * folded into Conv, redundant nodes removed) are applied and saved. A float16 model gets a float32 interior with a
 * float16 interface ({@link Float16Widening}).
 */
public final class ModelPreprocessor {

    static final String PREPARED_FILE = "prepared.onnx";
    private static final long MIN_QDQ_OPSET = 10;
    /** Starts with a dot: staged beside a model's data files, it can never take the name of one of them. */
    private static final String STAGING_FILE = ".preprocessed-input.onnx";
    /** ONNX Runtime's session options for writing an optimised model's initializers to a data file. */
    private static final String OPTIMIZED_DATA_FILE = "session.optimized_model_external_initializers_file_name";
    private static final String OPTIMIZED_DATA_MIN_BYTES =
            "session.optimized_model_external_initializers_min_size_in_bytes";

    /** Prepares {@code fp32Model}; the result is written to {@code workDir/prepared.onnx}. */
    public PreparedModel prepare(Path fp32Model, QuantizationRecipe recipe, Path workDir) throws IOException {
        QuantizationRecipe r = recipe.withDefaults();
        List<String> notes = new ArrayList<>();
        ModelProto model = OnnxModels.load(fp32Model);
        ModelProto loaded = model;
        model = Float16Widening.widen(model, notes);
        boolean float16 = model != loaded;
        model = GraphCleanup.constantsToInitializers(model, notes);
        model = GraphCleanup.dropInitializerInputs(model, notes);
        model = relaxStaleBatchDimensions(model, notes);
        model = HardActivationFusion.apply(model, notes);
        model = GemmBiasSplit.apply(model, notes);
        Files.createDirectories(workDir);
        Path prepared = workDir.resolve(PREPARED_FILE);
        long opset = Opsets.defaultDomainVersion(model);
        boolean belowQdq = opset < MIN_QDQ_OPSET;
        boolean sixteenBit = r.activationType() == QuantizationRecipe.QuantType.UINT16
                && opset < io.quantizer.engine.quantize.TargetProfile.SIXTEEN_BIT_OPSET;
        if (belowQdq || sixteenBit || (r.perChannel() && opset < OpsetUpgrader.TARGET)) {
            long target = sixteenBit ? io.quantizer.engine.quantize.TargetProfile.SIXTEEN_BIT_OPSET
                    : OpsetUpgrader.TARGET;
            String purpose = sixteenBit ? "uint16 QuantizeLinear/DequantizeLinear (opset 21)"
                    : belowQdq ? "QuantizeLinear/DequantizeLinear (opset 10+)" : "per-channel weights";
            String fallback = sixteenBit ? "activations cannot be quantized to 16 bits"
                    : belowQdq ? "nothing can be quantized" : "weights fall back to per-tensor";
            ModelProto upgraded = tryUpgrade(model, target, notes, purpose, fallback);
            if (upgraded != null) {
                try {
                    optimize(upgraded, workDir, prepared);
                    notes.add("raised the default-domain opset from " + opset + " to " + target
                            + " for " + purpose);
                    return new PreparedModel(prepared, OnnxModels.load(prepared), notes, float16);
                } catch (OrtException e) {
                    notes.add(purpose + " need opset " + target + " but the upgraded model does not load ("
                            + e.getMessage() + "); " + fallback);
                }
            }
        }
        try {
            optimize(model, workDir, prepared);
        } catch (OrtException first) {
            if (!GraphCleanup.hasFixedOutputShapes(model)) {
                throw new IOException("ONNX Runtime cannot load the model: " + first.getMessage(), first);
            }
            try {
                optimize(GraphCleanup.forgetDeclaredShapes(model), workDir, prepared);
                notes.add("cleared declared output and intermediate shapes: ONNX Runtime rejected them ("
                        + first.getMessage() + ")");
            } catch (OrtException second) {
                throw new IOException("ONNX Runtime cannot load the model: " + second.getMessage(), second);
            }
        }
        return new PreparedModel(prepared, OnnxModels.load(prepared), notes, float16);
    }

    private static ModelProto tryUpgrade(ModelProto model, long target, List<String> notes, String purpose,
            String fallback) {
        try {
            return OpsetUpgrader.upgrade(model, target);
        } catch (OpsetUpgrader.UpgradeRefused e) {
            notes.add(purpose + " need a newer opset but the model cannot be upgraded (" + e.getMessage() + "); "
                    + fallback);
            return null;
        }
    }

    /**
     * Lets ONNX Runtime apply its basic optimisations and write the resulting graph to {@code target}. A model with
     * external data is staged beside its data files (referenced in place, not copied), and a large one comes
     * back with its weights in {@code target.data}, so the prepared graph stays far below protobuf's 2 GiB and
     * is read without its weights.
     */
    private static void optimize(ModelProto model, Path workDir, Path target) throws IOException, OrtException {
        Path dataDir = ExternalData.directory(model);
        boolean large = dataDir != null || model.getSerializedSize() > ExternalData.MODEL_THRESHOLD;
        Path staging = (dataDir != null ? dataDir : workDir).resolve(STAGING_FILE);
        Path targetData = target.resolveSibling(target.getFileName() + ExternalData.DATA_SUFFIX);
        Files.deleteIfExists(targetData);
        OnnxModels.save(model, staging);
        try (OrtSession.SessionOptions options = Ort.sessionOptions(OptLevel.BASIC_OPT)) {
            options.setOptimizedModelFilePath(target.toString());
            if (large) {
                options.addConfigEntry(OPTIMIZED_DATA_FILE, targetData.getFileName().toString());
                options.addConfigEntry(OPTIMIZED_DATA_MIN_BYTES, Long.toString(ExternalData.TENSOR_THRESHOLD));
            }
            try (OrtSession session = Ort.environment().createSession(staging.toString(), options)) {
                session.getNumInputs();
            }
        } finally {
            for (Path file : OnnxModels.files(staging)) {
                Files.deleteIfExists(file);
            }
        }
    }

    /**
     * An output whose leading dimension is fixed while every input's is dynamic declares a stale batch size
     * (seen in exports traced at batch 128); it is made symbolic so nobody sizes buffers after it.
     */
    private static ModelProto relaxStaleBatchDimensions(ModelProto model, List<String> notes) {
        var graph = model.getGraph();
        if (graph.getInputCount() == 0) {
            return model;
        }
        for (ValueInfoProto input : graph.getInputList()) {
            TensorShapeProto.Dimension first = leadingDimension(input);
            if (first == null || first.hasDimValue()) {
                return model;
            }
        }
        var builder = graph.toBuilder().clearOutput();
        List<String> relaxed = new ArrayList<>();
        for (ValueInfoProto output : graph.getOutputList()) {
            TensorShapeProto.Dimension first = leadingDimension(output);
            if (first != null && first.hasDimValue() && first.getDimValue() > 1) {
                ValueInfoProto.Builder info = output.toBuilder();
                info.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(0).clearDimValue()
                        .setDimParam("batch");
                builder.addOutput(info);
                relaxed.add(output.getName() + " (declared " + first.getDimValue() + ")");
            } else {
                builder.addOutput(output);
            }
        }
        if (relaxed.isEmpty()) {
            return model;
        }
        notes.add("made the stale fixed batch dimension of output(s) " + String.join(", ", relaxed)
                + " dynamic, like the inputs'");
        return model.toBuilder().setGraph(builder).build();
    }

    private static TensorShapeProto.Dimension leadingDimension(ValueInfoProto info) {
        if (!info.getType().hasTensorType() || !info.getType().getTensorType().hasShape()
                || info.getType().getTensorType().getShape().getDimCount() == 0) {
            return null;
        }
        return info.getType().getTensorType().getShape().getDim(0);
    }
}
