package io.quantizer.model.onnx;

import java.io.IOException;

import ai.onnx.proto.OnnxMl;
import io.quantizer.engine.external.ExternalDataRules;

/**
 * The few facts about a TensorProto the catalog needs (name, element type, element count, and where its bytes
 * are when they live in an external file), read at the wire level with the payload skipped. An external
 * reference is only recorded here; the upload checks it against the files that came with the model.
 */
record TensorFacts(String name, int dataType, long elementCount, ExternalReference external) {

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
        String location = null;
        long offset = 0;
        long length = -1;
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
                    OnnxMl.StringStringEntryProto entry = wire.readSmall(t,
                            OnnxMl.StringStringEntryProto.newBuilder(), "external data entry").build();
                    switch (entry.getKey()) {
                        case "location" -> location = entry.getValue();
                        case "offset" -> offset = number(entry);
                        case "length" -> length = number(entry);
                        default -> {
                            // checksum and runtime hints do not locate the bytes
                        }
                    }
                }
                case DATA_LOCATION -> external |= wire.readVarint(t, "tensor data location") == LOCATION_EXTERNAL;
                default -> wire.skip(t);
            }
        }
        wire.exit(outer);
        TensorFacts facts = new TensorFacts(name, dataType, count[0], external
                ? new ExternalReference(name, location, offset, length,
                        ExternalDataRules.expectedBytes(dataType, count[0]))
                : null);
        if (!segmented && !external) {
            facts.checkPayload(rawBytes, floatValues);
        }
        return facts;
    }

    private static long number(OnnxMl.StringStringEntryProto entry) {
        try {
            return Long.parseLong(entry.getValue());
        } catch (NumberFormatException e) {
            throw new OnnxFormatException("a tensor's external-data " + entry.getKey() + " '" + entry.getValue()
                    + "' is not a number");
        }
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
