package io.quantizer.engine.report;

import io.quantizer.engine.evaluation.MachineInfo;
import io.quantizer.engine.recipe.QuantizationRecipe.Target;

/**
 * Which target the model was quantized for, where its figures were measured, and whether that machine is the
 * target: latency (and, through kernel choice, accuracy) measured elsewhere says little about the target.
 *
 * @param target             the recipe's target, as the API names it
 * @param measuredOn         the runtime and CPU that produced the latency and fidelity figures
 * @param evaluatedOnTarget  whether that is the target itself
 * @param note               what the figures mean for the target; null when evaluated on it
 */
public record TargetFit(String target, String measuredOn, boolean evaluatedOnTarget, String note) {

    static final String RUNTIME = "ONNX Runtime's CPU execution provider";

    public static TargetFit of(Target target, MachineInfo machine) {
        boolean vnni = machine.avx512Vnni() || machine.avxVnni() || machine.amx();
        String on = RUNTIME + " on " + machine.cpuModel() + (vnni ? " (with VNNI)" : machine.avx2()
                ? " (AVX2, no VNNI)" : " (neither AVX2 nor VNNI)");
        return switch (target) {
            case CPU_VNNI -> vnni ? new TargetFit(target.value(), on, true, null)
                    : new TargetFit(target.value(), on, false, "The target is a CPU with VNNI but this CPU has none:"
                            + " its latency is not the target's, and without VNNI ONNX Runtime's uint8×int8 kernels add"
                            + " pairs of products in saturating 16-bit registers, so accuracy here can be lower than on"
                            + " the target. For CPUs without VNNI use target cpu-avx2.");
            case CPU_AVX2 -> !vnni && machine.avx2() ? new TargetFit(target.value(), on, true, null)
                    : new TargetFit(target.value(), on, false, "The target is an AVX2 CPU without VNNI but this CPU "
                            + (vnni ? "has VNNI" : "has no AVX2") + ": the latency is not the target's. The 7-bit weights"
                            + " keep every pair of uint8×int8 products inside 16 bits, so the accuracy measured here"
                            + " carries over to the target.");
            case TENSORRT -> new TargetFit(target.value(), on, false, "The target is TensorRT, which did not run"
                    + " here: the figures come from ONNX Runtime executing the same Q/DQ graph on the CPU (a"
                    + " simulation of the int8 arithmetic). Fidelity carries over approximately; the latency says"
                    + " nothing about TensorRT's speed.");
            case NPU_A16W8 -> new TargetFit(target.value(), on, false, "The target is an NPU with 16-bit"
                    + " activations: ONNX Runtime's CPU provider has no 16-bit kernels and runs the model through"
                    + " dequantization, so fidelity is the figure to read; the latency is not a speedup the target"
                    + " would see.");
        };
    }

    /** The warning to show, or null when the model was evaluated on its target. */
    String warning() {
        return evaluatedOnTarget ? null : "Evaluated on " + measuredOn + ", not on the target " + target + ". "
                + note;
    }
}
