package io.quantizer.engine.quantize;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes small .npz files (float32 and int64 arrays) so tests can feed models the corpus has no data for. */
public final class NpzTestWriter {

    private NpzTestWriter() {
    }

    /** @param arrays name -> float[] or long[]; shapes name -> dims */
    public static void write(Path file, Map<String, Object> arrays, Map<String, long[]> shapes) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, Object> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                zip.write(npy(e.getValue(), shapes.get(e.getKey())));
                zip.closeEntry();
            }
        }
    }

    private static byte[] npy(Object values, long[] shape) {
        boolean floats = values instanceof float[];
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String header = "{'descr': '" + (floats ? "<f4" : "<i8") + "', 'fortran_order': False, 'shape': ("
                + (shape.length == 1 ? shape[0] + "," : dims.toString().replaceAll(", $", "")) + "), }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        int length = floats ? ((float[]) values).length * 4 : ((long[]) values).length * 8;
        ByteBuffer buffer = ByteBuffer.allocate(10 + header.length() + length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        buffer.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        if (floats) {
            buffer.asFloatBuffer().put((float[]) values);
        } else {
            buffer.asLongBuffer().put((long[]) values);
        }
        return buffer.array();
    }
}
