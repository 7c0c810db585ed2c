/**
 * fp32 versus quantized, as users will run them: {@link io.quantizer.engine.evaluation.Evaluator} feeds each
 * decoded batch of the held-out set to both models (ONNX Runtime's full optimisation level, one global thread
 * pool) and accumulates accuracy (top-1/top-5 with labels), argmax agreement and per-output fidelity (cosine,
 * SQNR, mean and max absolute error) in constant memory, then times both at batch 1 and at a larger batch,
 * alternating. {@link io.quantizer.engine.evaluation.MachineInfo} records the CPU and its int8-relevant flags.
 */
package io.quantizer.engine.evaluation;
