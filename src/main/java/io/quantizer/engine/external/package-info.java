/**
 * The rules an ONNX model's external-data references must follow, published so the upload check and the engine
 * decide them with the same code. Plain Java, no ONNX Runtime, no other part of the engine.
 */
package io.quantizer.engine.external;
