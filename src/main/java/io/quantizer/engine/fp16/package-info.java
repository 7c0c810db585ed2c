/**
 * The {@code fp16} mode: float16 weights and arithmetic with the model's float32 interface kept, and the operators
 * that lose too much in float16 left in float32 with the reason ({@link io.quantizer.engine.fp16.Float16Conversion}).
 */
package io.quantizer.engine.fp16;
