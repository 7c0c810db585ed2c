/**
 * Metadata of untrusted ONNX models, read in the API process without ONNX Runtime and without loading weights.
 * <p>
 * {@link io.quantizer.model.onnx.OnnxMetadataReader#read(java.nio.file.Path)} walks the protobuf wire format:
 * small messages (value infos, opset ids) are parsed whole under a size cap, every {@code TensorProto} only for
 * its name, type and dims while its payload is skipped, so memory does not grow with the weights (a 1 GiB model
 * reads in a 96 MiB heap, see {@code LargeModelUploadMemoryTest}). Names, small messages and subgraph nesting are
 * bounded; external data is refused before its location is looked at. Problems raise
 * {@link io.quantizer.model.onnx.OnnxFormatException} with a message for the uploader.
 */
package io.quantizer.model.onnx;
