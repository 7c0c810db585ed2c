/**
 * Static QDQ quantization of a prepared fp32 graph (see {@code io.quantizer.engine.onnx.ModelPreprocessor}).
 *
 * <p>Use: {@code QdqQuantizer q = new QdqQuantizer(recipe); Set<String> t = q.tensorsToCalibrate(prepared);}
 * calibrate those tensors, then {@code q.quantize(prepared, ranges)}. Tensors missing from {@code ranges} are not
 * an error: the nodes needing them stay float and say so in their {@link io.quantizer.engine.quantize.NodeDecision}.
 * {@link io.quantizer.engine.quantize.FusionCheck} tells whether ONNX Runtime fused the result into int8 kernels.
 *
 * <p>Shape of the code (after ONNX Runtime's Python quantizer): {@code OpQuantizerRegistry} maps op types to small
 * {@code OpQuantizer}s that only mark tensors in a {@code QuantizationPlan}; {@code QdqEmitter} writes the Q/DQ
 * nodes in one pass; {@code QuantParams} holds the numerics. Before any op quantizer runs, {@code MaskSentinels}
 * marks the tensors that must stay float whatever the recipe (attention masks, ±inf/NaN/±FLT_MAX values): every node
 * reading or writing one is kept, with the reason.
 */
package io.quantizer.engine.quantize;
