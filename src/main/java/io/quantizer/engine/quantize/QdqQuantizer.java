package io.quantizer.engine.quantize;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.quantizer.engine.calibration.TensorRange;
import io.quantizer.engine.onnx.GraphIndex;
import io.quantizer.engine.onnx.Opsets;
import io.quantizer.engine.recipe.QuantizationRecipe;

/**
 * Static QDQ quantization of a prepared fp32 graph. Each node is handed to the op quantizer registered for its
 * type, which marks tensors in a {@link QuantizationPlan}; one pass of {@link QdqEmitter} then writes the
 * QuantizeLinear/DequantizeLinear nodes and integer initializers. Marking is the same before calibration (to list
 * the tensors to observe) and after it (to decide), so the two always agree.
 */
public final class QdqQuantizer {

    private static final long MIN_QDQ_OPSET = 10;
    private static final long MIN_PER_CHANNEL_OPSET = 13;

    private static final Set<String> SHAPE_READERS = Set.of("Shape", "Size");

    private final QuantizationRecipe recipe;
    private final TargetProfile target;
    private final OpQuantizerRegistry registry;

    public QdqQuantizer(QuantizationRecipe recipe) {
        this.recipe = recipe.withDefaults();
        this.target = TargetProfile.of(this.recipe);
        this.registry = target.ortCpuPlacement() ? new OpQuantizerRegistry() : OpQuantizerRegistry.forTensorRt();
    }

    public TargetProfile target() {
        return target;
    }

    /** The float activations whose calibrated ranges {@link #quantize} needs. */
    public Set<String> tensorsToCalibrate(ModelProto prepared) {
        Marking marking = mark(NodeNames.ensure(prepared), null);
        Set<String> tensors = new LinkedHashSet<>();
        marking.plan().activations().forEach((name, mark) -> {
            if (mark.sharesWith() == null && mark.fixed() == null) {
                tensors.add(name);
            }
        });
        if (recipe.symmetricActivations()) {
            // a symmetric range may not clamp like the Relu/Clip folded into it; the fold is confirmed on the
            // calibrated ranges, and keeping the activation as a node then needs its input's range too
            marking.plan().folds().values().forEach(f -> tensors.add(f.removedInput()));
        }
        // the operands a mask could dwarf: their ranges tell a mask sentinel from ordinary values
        tensors.addAll(MaskSentinels.tensorsToObserve(marking.index()));
        if (!target.ortCpuPlacement()) {
            // TensorRT's calibration cache gives every activation a scale, not only those with Q/DQ
            tensors.addAll(TensorRtPlacement.floatActivations(marking.index()));
        }
        return tensors;
    }

    public QuantizationOutcome quantize(ModelProto prepared, Map<String, TensorRange> ranges) {
        return quantize(prepared, ranges, true);
    }

    /** The groups a user can return to float, read off the same marking {@link #quantize} emits. */
    public List<QuantGroup> groups(ModelProto prepared, Map<String, TensorRange> ranges) {
        Marking marking = mark(NodeNames.ensure(prepared), ranges);
        return QuantGroups.of(marking.index(), marking.plan(), marking.decisions());
    }

    /** @param padInputChannels whether to apply {@link InputChannelPadding} (tests compare with and without) */
    QuantizationOutcome quantize(ModelProto prepared, Map<String, TensorRange> ranges, boolean padInputChannels) {
        ModelProto model = NodeNames.ensure(prepared);
        Marking marking = mark(model, ranges);
        QdqEmitter emitter = new QdqEmitter(marking.index(), marking.plan(), ranges, target.activationType(),
                target.symmetricActivations(), target.weightLevels());
        ModelProto quantized = emitter.emit(model);
        List<QuantizedTensor> tensors = new ArrayList<>(
                new QuantizedTensorListing(marking.index(), marking.plan(), emitter.params()).tensors());
        List<String> notes = new ArrayList<>(marking.notes());
        if (padInputChannels && target.ortCpuPlacement() && !target.sixteenBitActivations()) {
            // only ONNX Runtime's 8-bit CPU convolutions gain from it (an 8-bit Pad between Q and DQ)
            InputChannelPadding.Result padded = InputChannelPadding.apply(quantized);
            quantized = padded.model();
            notes.addAll(padded.notes());
        }
        if (Opsets.defaultDomainVersion(model) >= MIN_QDQ_OPSET) {
            SubgraphWeights.Result inner = SubgraphWeights.quantize(quantized,
                    recipe.perChannel() && Opsets.defaultDomainVersion(model) >= MIN_PER_CHANNEL_OPSET);
            quantized = inner.model();
            tensors.addAll(inner.tensors());
            if (!inner.tensors().isEmpty()) {
                notes.add(inner.tensors().size() + " weight(s) inside subgraphs stored as int8 (weight-only: their"
                        + " operators still compute in float)");
            }
        }
        return new QuantizationOutcome(quantized, tensors, marking.decisions(), notes);
    }

    private record Marking(GraphIndex index, QuantizationPlan plan, List<NodeDecision> decisions, List<String> notes) {
    }

    /**
     * Marks the graph. Tensors that the marking needs but {@code ranges} lacks are declared unavailable and the
     * marking is redone without them, until it needs nothing missing; {@code ranges} null means "before
     * calibration": everything is available.
     */
    private Marking mark(ModelProto model, Map<String, TensorRange> ranges) {
        GraphIndex index = new GraphIndex(model.getGraph());
        Set<String> unavailable = new HashSet<>();
        Map<String, String> sentinels = MaskSentinels.find(index, ranges);
        while (true) {
            Marking marking = markOnce(model, index, unavailable, ranges, sentinels);
            if (ranges == null) {
                return marking;
            }
            Set<String> missing = new HashSet<>();
            marking.plan().activations().forEach((name, mark) -> {
                if (mark.sharesWith() == null && mark.fixed() == null && !ranges.containsKey(name)) {
                    missing.add(name);
                }
            });
            if (missing.isEmpty()) {
                return marking;
            }
            unavailable.addAll(missing);
        }
    }

    private Marking markOnce(ModelProto model, GraphIndex index, Set<String> unavailable,
            Map<String, TensorRange> ranges, Map<String, String> sentinels) {
        QuantizationPlan plan = new QuantizationPlan();
        List<NodeDecision> decisions = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        long opset = Opsets.defaultDomainVersion(model);
        boolean perChannel = recipe.perChannel() && opset >= MIN_PER_CHANNEL_OPSET;
        if (recipe.perChannel() && !perChannel) {
            notes.add("weights quantized per tensor: per-channel DequantizeLinear needs opset 13, the model has " + opset);
        }
        if (opset < MIN_QDQ_OPSET) {
            notes.add("nothing quantized: QuantizeLinear needs opset 10, the model has " + opset);
        }
        String tooOld = opset < MIN_QDQ_OPSET ? "opset below 10" : opset < target.minOpset()
                ? target.activationType().onnxName() + " QuantizeLinear needs opset " + target.minOpset()
                        + ", the model has " + opset : null;
        if (tooOld != null && opset >= MIN_QDQ_OPSET) {
            notes.add("nothing quantized: " + tooOld);
        }
        QuantizationContext context = new QuantizationContext(index, plan, unavailable, perChannel,
                target.activationType(), target.symmetricActivations(), ranges, sentinels);
        for (int i = 0; i < index.nodes().size(); i++) {
            NodeProto node = index.node(i);
            context.at(i);
            OpQuantizer.Verdict verdict = tooOld != null ? OpQuantizer.Verdict.kept(tooOld)
                    : decide(node, i, index, context);
            decisions.add(new NodeDecision(node.getName(), node.getOpType(), verdict.quantized(),
                    verdict.computesFloat(), verdict.reason()));
        }
        plan.dropUnreadOptionalOutputs();
        return new Marking(index, plan, decisions, notes);
    }

    private OpQuantizer.Verdict decide(NodeProto node, int i, GraphIndex index, QuantizationContext context) {
        if (!recipe.allowsNode(node.getName(), node.getOpType())) {
            boolean excluded = recipe.excludeNodes().contains(node.getName())
                    || recipe.excludeOpTypes().contains(node.getOpType());
            return OpQuantizer.Verdict.kept(excluded ? "excluded by the recipe" : "not in the recipe's include lists");
        }
        if (io.quantizer.engine.onnx.Attributes.hasSubgraph(node)) {
            return OpQuantizer.Verdict.kept("holds subgraphs, which are left intact");
        }
        if (!Opsets.isDefaultDomain(node.getDomain())) {
            return OpQuantizer.Verdict.kept("operator of domain '" + node.getDomain() + "' has no int8 implementation");
        }
        if (SHAPE_READERS.contains(node.getOpType())) {
            return OpQuantizer.Verdict.noFloatMath("reads only the shape of its input");
        }
        boolean touchesFloat = node.getInputList().stream().anyMatch(index::isFloat)
                || node.getOutputList().stream().anyMatch(index::isFloat);
        if (!touchesFloat) {
            return OpQuantizer.Verdict.noFloatMath("not a float computation");
        }
        String sentinel = sentinelTouching(node, index, context);
        if (sentinel != null) {
            return OpQuantizer.Verdict.kept(sentinel + "; node left in float");
        }
        return registry.forOpType(node.getOpType()).map(q -> q.mark(node, i, context))
                .orElseGet(() -> OpQuantizer.Verdict.kept("no int8 implementation for " + node.getOpType()
                        + ": computed in float between DequantizeLinear and QuantizeLinear"));
    }

    /**
     * The reason when a float activation read or written by {@code node} carries a mask sentinel or a non-finite
     * value. Constants are left to the op quantizers, which never quantize a tainted one and say why (a Clip may
     * still take a -inf bound).
     */
    private static String sentinelTouching(NodeProto node, GraphIndex index, QuantizationContext context) {
        for (String tensor : node.getInputList()) {
            if (!tensor.isEmpty() && context.sentinel(tensor) != null && index.isFloat(tensor)
                    && index.constant(tensor) == null) {
                return context.sentinel(tensor);
            }
        }
        for (String tensor : node.getOutputList()) {
            if (!tensor.isEmpty() && context.sentinel(tensor) != null) {
                return context.sentinel(tensor);
            }
        }
        return null;
    }
}
