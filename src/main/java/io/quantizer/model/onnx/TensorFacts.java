package io.quantizer.model.onnx;

import java.io.IOException;

/**
 * The few facts about a TensorProto the catalog needs (name, element type, element count), read at the wire level
 * with the payload skipped. Tensors whose data lives in external files are refused here, before any path in them
 * could be looked at.
 */
record TensorFacts(String name, int dataType, long elementCount) {

    private static final int DIMS = 1;
    private static final int DATA_TYPE = 2;
    private static final int SEGMENT = 3;
    private static final int FLOAT_DATA = 4;
    private static final int NAME = 8;
    private static final int RAW_DATA = 9;
    private static final int EXTERNAL_DATA = 13;
    private static final int DATA_LOCATION = 14;
    private static final int LOCATION_EXTERNAL = 1;

    static TensorFacts read(WireReader wire, int tag) throws IOException {
        String name = "";
        int dataType = 0;
        long[] count = {1};
        long rawBytes = -1;
        long floatValues = 0;
        boolean segmented = false;
        boolean external = false;
        int outer = wire.enter(tag, "tensor");
        for (int t = wire.nextTag(); t != 0; t = wire.nextTag()) {
            switch (WireReader.field(t)) {
                case DIMS -> wire.countRepeated(t, 0, dim -> count[0] = multiplyDim(count[0], dim));
                case DATA_TYPE -> dataType = (int) wire.readVarint(t, "tensor data type");
                case NAME -> name = wire.readName(t, "tensor name");
                case RAW_DATA -> rawBytes = wire.skipBytes(t, "tensor raw data");
                case FLOAT_DATA -> floatValues += wire.countRepeated(t, 4, v -> { });
                case SEGMENT -> {
                    segmented = true;
                    wire.skip(t);
                }
                case EXTERNAL_DATA -> {
                    external = true;
                    wire.skip(t);
                }
                case DATA_LOCATION -> external |= wire.readVarint(t, "tensor data location") == LOCATION_EXTERNAL;
                default -> wire.skip(t);
            }
        }
        wire.exit(outer);
        TensorFacts facts = new TensorFacts(name, dataType, count[0]);
        if (external) {
            throw new OnnxFormatException("tensor '" + name + "' keeps its data in an external file, which is not "
                    + "supported: upload a self-contained .onnx (onnx.save_model(model, path, "
                    + "save_as_external_data=False)); models over 2 GB cannot be uploaded yet");
        }
        if (!segmented) {
            facts.checkPayload(rawBytes, floatValues);
        }
        return facts;
    }

    /** A payload that disagrees with the declared shape means a corrupt (or cut) model. */
    private void checkPayload(long rawBytes, long floatValues) {
        int size = OnnxElementType.byteSize(dataType);
        if (rawBytes >= 0 && size > 0 && rawBytes != elementCount * size) {
            throw mismatch(rawBytes + " bytes of raw data");
        }
        if (floatValues > 0 && dataType == 1 && floatValues != elementCount) {
            throw mismatch(floatValues + " values");
        }
    }

    private OnnxFormatException mismatch(String held) {
        return new OnnxFormatException("tensor '" + name + "' declares " + elementCount + " elements of type "
                + OnnxElementType.numpyName(dataType) + " but holds " + held + "; the model is corrupt");
    }

    private static long multiplyDim(long count, long dim) {
        if (dim < 0) {
            throw new OnnxFormatException("a tensor has the negative dimension " + dim + "; the model is corrupt");
        }
        try {
            return Math.multiplyExact(count, dim);
        } catch (ArithmeticException e) {
            throw new OnnxFormatException("a tensor declares more elements than can exist; the model is corrupt");
        }
    }
}
