/**
 * The report one quantization run writes ({@code --output-report}), as JSON. Its {@code summary} is what the
 * service stores and shows as the job's {@code result}; {@code details} is only in the downloadable report.
 *
 * <pre>{@code
 * {
 *   "summary": {
 *     "quantizedModel": { "sha256": "hex", "sizeBytes": 123 },
 *     "quality": { "verdict": "good" | "degraded" | "unusable",
 *                  "reasons": [ "output 'logits' has cosine 0.7080 to fp32 (below 0.90)" ] },
 *     "evaluation": {
 *       "sampleCount": 10000,
 *       "dataset": "evaluation" | "calibration",    // "calibration": no held-out set; figures are on the
 *                                                  // calibration inputs the ranges were fitted to
 *       "fp32":      { "top1": 0.9232, "top5": 0.9981,
 *                      "latencyMs": { "batch1": { "batchSize": 1,  "p50": 0.41, "p95": 0.52, "runs": 200 },
 *                                     "batchN": { "batchSize": 64, "p50": 6.1,  "p95": 6.9,  "runs": 40 } },
 *                      "sizeBytes": 1234567 },
 *       "quantized": { same fields as fp32 },
 *       "top1Drop": 0.0011, "top5Drop": 0.0,        // fp32 − quantized; 0.003 is 0.3 points
 *       "argmaxAgreement": 0.998,
 *       "outputs": [ { "name": "logits", "cosine": 0.9998, "sqnrDb": 31.2,
 *                      "meanAbsError": 0.01, "maxAbsError": 0.2 } ],
 *       "speedup": 1.6,                             // fp32 ÷ quantized median latency at batch 1
 *       "speedupBatchN": 2.1,                       // the same at the larger batch
 *       "compressionRatio": 3.9,                    // fp32 ÷ quantized file size
 *       "classificationOutput": "logits"
 *     },
 *     "nodes": { "quantized": ["conv1", ...],
 *                "keptFloat": [ { "name": "lstm", "opType": "LSTM", "reason": "no int8 kernel" } ],
 *                "noFloatMath": ["shape_of_x", ...] },         // shape/integer math: nothing to quantize
 *     "stageSeconds": { "preparation": 0.3, "calibration": 1.2, "quantization": 0.1, "evaluation": 4.0 },
 *     "machine": { "cpuModel": "...", "logicalProcessors": 2, "intraOpThreads": 2, "os": "Linux 6.1",
 *                  "avx2": true, "avx512Vnni": true, "avxVnni": false, "amx": false,
 *                  "flags": ["avx2", "avx512f", "avx512_vnni"] },
 *     "warnings": [ "plain sentences a user can act on" ],  // an unusable model's first one says so, and why;
 *                                                        // a missed accuracy target is said next
 *     "layers": { LayerAnalysis },                       // null when recipe.analysis.enabled is false
 *     "accuracySearch": { AccuracySearch }               // null without recipe.accuracy
 *   },
 *   "details": {
 *     "recipe": { the recipe with every default filled in },
 *     "calibration": { "method": "minmax", "sampleCount": 512, "batchSize": 32, "observedTensors": 14 },
 *     "tensors": [ { "name": "conv1_out", "kind": "activation" | "weight" | "bias",
 *                    "elementType": "uint8" | "int8" | "int32", "rangeMin": 0.0, "rangeMax": 6.1,
 *                    "scales": [0.024], "zeroPoints": [0], "axis": null (per tensor) | channel axis,
 *                    "calibrationMethod": "minmax", "observedMin": 0.0, "observedMax": 6.1,
 *                    "clippedFraction": 0.0 } ],
 *     "preprocessingNotes": [ "what preprocessing changed" ],
 *     "quantizationNotes": [ "what the quantizer decided model-wide" ]
 *   }
 * }
 * }</pre>
 * Units and absences:
 * <ul>
 *   <li>{@code quality.verdict} is {@code unusable} when some output's cosine to fp32 is below 0.9 or top-1 dropped by
 *       more than 5 points; {@code degraded} when some output's cosine is below 0.99, top-1 dropped by more than 1
 *       point or the top class differs on more than 1 % of the samples; {@code good} otherwise. {@code reasons}
 *       lists the thresholds crossed (empty when good). An unusable model's first warning starts with "The int8 model
 *       is unusable" and names the likely cause in the recipe with the change that avoids it.</li>
 *   <li>Accuracies, drops and agreement are shares in [0, 1]. Without labels (or without an output shaped
 *       [samples, classes]) {@code top1}, {@code top5} and the drops are {@code null}, never 0; {@code top5} is also
 *       null under 5 classes. {@code argmaxAgreement} is null without a classification-shaped output.</li>
 *   <li>{@code sqnrDb} is {@code 10·log10(Σx² / Σ(x − x̂)²)} over every value of the output, null when the two
 *       outputs are identical (infinite). {@code cosine} treats all values of the output as one vector.</li>
 *   <li>Latency is milliseconds per run, nearest-rank percentiles over alternating fp32 / quantized runs after a
 *       warm-up, on ONNX Runtime's full optimisation level and the global thread pool. {@code batchN} (8 for
 *       large inputs, 64 for small ones) is null for models fed one sample at a time (fixed batch 1);
 *       {@code latencyMs} and the speedups are null when latency was not measured.</li>
 *   <li>{@code fp32.sizeBytes} is the uploaded file's size.</li>
 *   <li>{@code clippedFraction} is null where the method keeps no histogram (moving-average MinMax).</li>
 * </ul>
 */
package io.quantizer.engine.report;
