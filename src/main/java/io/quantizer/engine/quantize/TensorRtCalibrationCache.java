package io.quantizer.engine.quantize;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.quantizer.engine.calibration.TensorRange;
import io.quantizer.engine.onnx.GraphIndex;

/**
 * TensorRT's calibration cache, the text file its INT8 calibrators read back instead of calibrating: a header line
 * {@code TRT-<version>-EntropyCalibration2}, then one {@code tensor: hex} line per activation, where hex is the
 * big-endian bit pattern of the float32 scale (dynamic range ÷ 127). The scales are the ones the Q/DQ model uses
 * (symmetric int8 from the same calibrated ranges), for every float activation of the prepared fp32 graph, so
 * TensorRT's implicit quantization of the fp32 model sees the same ranges as the explicit one. Tensors the
 * optimiser removed (a BatchNorm folded into its Conv) have no line; TensorRT fuses them too.
 */
public final class TensorRtCalibrationCache {

    /** TensorRT 8.6.1 writes this version into its caches' header. */
    public static final String TENSORRT_VERSION = "8601";
    public static final String ALGORITHM = "EntropyCalibration2";
    public static final String HEADER = "TRT-" + TENSORRT_VERSION + "-" + ALGORITHM;

    private TensorRtCalibrationCache() {
    }

    /** Scale of every float activation of {@code prepared} that has a finite calibrated range, in graph order. */
    public static Map<String, Float> scales(ModelProto prepared, Map<String, TensorRange> ranges) {
        Map<String, Float> scales = new LinkedHashMap<>();
        List<String> tensors = TensorRtPlacement.floatActivations(new GraphIndex(prepared.getGraph()));
        for (String tensor : tensors) {
            TensorRange range = ranges.get(tensor);
            if (range == null || !Float.isFinite(range.min()) || !Float.isFinite(range.max())) {
                continue;
            }
            QuantParams p = QuantParams.activation(range, QuantParams.ElementType.INT8, true);
            scales.putIfAbsent(tensor, p.scales()[0]);
        }
        return scales;
    }

    /** Writes the cache; returns how many tensors it holds. */
    public static int write(Map<String, Float> scales, Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(HEADER);
            out.write('\n');
            for (Map.Entry<String, Float> e : scales.entrySet()) {
                out.write(e.getKey() + ": " + String.format(Locale.ROOT, "%08x", Float.floatToIntBits(e.getValue())));
                out.write('\n');
            }
        }
        return scales.size();
    }

    /** Reads a cache back: the scale of each tensor, in file order; the header must be a TensorRT one. */
    public static Map<String, Float> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).matches("TRT-\\d+-\\w+")) {
            throw new IOException("not a TensorRT calibration cache: the first line is not TRT-<version>-<algorithm>");
        }
        Map<String, Float> scales = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.lastIndexOf(": "); // tensor names may hold colons themselves ("input:0")
            if (colon <= 0) {
                throw new IOException("not a 'tensor: hex' line: " + line);
            }
            scales.put(line.substring(0, colon),
                    Float.intBitsToFloat(Integer.parseUnsignedInt(line.substring(colon + 2).strip(), 16)));
        }
        return scales;
    }
}
