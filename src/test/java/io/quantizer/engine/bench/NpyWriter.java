package io.quantizer.engine.bench;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Collectors;

/** Streams a large float32 .npy of seeded standard-normal values to disk (benchmark inputs too big for memory). */
final class NpyWriter {

    private NpyWriter() {
    }

    static Path normal(Path file, long seed, long... shape) throws IOException {
        String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + (shape.length == 1 ? "," : "")
                + "), }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        long count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        Random random = new Random(seed);
        try (OutputStream raw = Files.newOutputStream(file);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 20))) {
            out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            out.write(header.length() & 0xFF);
            out.write(header.length() >> 8);
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            for (long i = 0; i < count; i++) {
                out.writeInt(Integer.reverseBytes(Float.floatToIntBits((float) random.nextGaussian())));
            }
        }
        return file;
    }
}
