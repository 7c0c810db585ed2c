package io.quantizer.engine.quantize;

import io.quantizer.engine.recipe.QuantizationRecipe.WeightOnlyAlgorithm;

/**
 * Block-wise asymmetric quantization of a [K, N] weight to 4 or 8 bits in ONNX Runtime's MatMulNBits layout:
 * each output column n is cut along K into blocks of {@code blockSize}; a block has one float scale and one
 * integer zero point, and {@code w ≈ (q − zp) · scale}.
 * <ul>
 *   <li>B: uint8 [N, blocks, blockSize·bits/8], codes packed low bits first (4-bit: element 2i in the low nibble,
 *       2i+1 in the high one); codes past K equal the zero point, so they stand for 0.</li>
 *   <li>scales: float [N·blocks]; zero points: uint8 [N·⌈blocks·bits/8⌉], packed the same way per column.</li>
 * </ul>
 * {@code rtn} takes the block's min..max (0 included, as ONNX Runtime's own RTN does). {@code hqq} starts there and
 * runs the half-quadratic solver of HQQ (Badri and Shaji, 2023): the residual is shrunk under an l<sub>p</sub>
 * (p &lt; 1) norm, which ignores outliers, and the zero point follows in closed form; MatMulNBits wants integer zero
 * points, so the result is rounded and its scale refitted by least squares. The solver starts from the full range
 * and from a few narrower ones (which clip the tails), and a block keeps the candidate, RTN included, with the
 * smallest squared error, so HQQ never does worse than RTN on a block.
 */
final class BlockQuantizer {

    private static final int HQQ_ITERATIONS = 20;
    private static final double HQQ_P = 0.7;
    private static final double HQQ_BETA = 10;
    private static final double HQQ_KAPPA = 1.01;
    private static final double[] SHRINKS = {1.0, 0.95, 0.9, 0.85, 0.8, 0.75};

    /** The packed tensors and the weight error they leave. */
    record Packed(byte[] codes, float[] scales, byte[] zeroPoints, int blocks, double sumSquares, double errorSquares) {

        /** ‖W − Ŵ‖ / ‖W‖ */
        double relativeError() {
            return sumSquares == 0 ? 0 : Math.sqrt(errorSquares / sumSquares);
        }

        /** 10·log10(‖W‖² / ‖W − Ŵ‖²); infinite for an exact reconstruction */
        double sqnrDb() {
            return errorSquares == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(sumSquares / errorSquares);
        }
    }

    private final int bits;
    private final int blockSize;
    private final WeightOnlyAlgorithm algorithm;
    private final int qmax;

    BlockQuantizer(int bits, int blockSize, WeightOnlyAlgorithm algorithm) {
        this.bits = bits;
        this.blockSize = blockSize;
        this.algorithm = algorithm;
        this.qmax = (1 << bits) - 1;
    }

    Packed quantize(float[] weight, int k, int n) {
        int blocks = (k + blockSize - 1) / blockSize;
        int blob = blockSize * bits / 8;
        int zpPerColumn = (blocks * bits + 7) / 8;
        byte[] codes = new byte[n * blocks * blob];
        float[] scales = new float[n * blocks];
        byte[] zeros = new byte[n * zpPerColumn];
        double[] values = new double[blockSize];
        int[] q = new int[blockSize];
        double sum = 0;
        double err = 0;
        for (int col = 0; col < n; col++) {
            for (int b = 0; b < blocks; b++) {
                int len = Math.min(blockSize, k - b * blockSize);
                for (int i = 0; i < len; i++) {
                    values[i] = weight[(b * blockSize + i) * n + col];
                }
                Block block = algorithm == WeightOnlyAlgorithm.HQQ ? hqq(values, len) : rtn(values, len);
                codes(values, len, block.scale, block.zero, q);
                for (int i = len; i < blockSize; i++) {
                    q[i] = block.zero;
                }
                for (int i = 0; i < len; i++) {
                    double d = values[i] - (q[i] - block.zero) * (double) block.scale;
                    sum += values[i] * values[i];
                    err += d * d;
                }
                scales[col * blocks + b] = block.scale;
                pack(q, blockSize, codes, (col * blocks + b) * blob);
                putPacked(zeros, col * zpPerColumn, b, block.zero);
            }
        }
        return new Packed(codes, scales, zeros, blocks, sum, err);
    }

    private record Block(float scale, int zero) {
    }

    private Block rtn(double[] v, int len) {
        double min = 0;
        double max = 0;
        for (int i = 0; i < len; i++) {
            min = Math.min(min, v[i]);
            max = Math.max(max, v[i]);
        }
        double scale = (max - min) / qmax;
        if (!(scale > 0)) {
            return new Block(1f, 0);
        }
        int zero = (int) Math.max(0, Math.min(qmax, Math.rint(-min / scale)));
        return new Block((float) scale, zero);
    }

    private Block hqq(double[] v, int len) {
        Block rtn = rtn(v, len);
        if (rtn.zero == 0 && rtn.scale == 1f) {
            return rtn;
        }
        Block best = rtn;
        double bestError = squaredError(v, len, rtn);
        // HQQ from a few starting ranges (the full one and narrower ones, which clip the tails)
        for (double shrink : SHRINKS) {
            Block candidate = hqqFrom(v, len, rtn.scale * shrink, rtn.zero);
            double error = squaredError(v, len, candidate);
            if (error < bestError) {
                best = candidate;
                bestError = error;
            }
        }
        return best;
    }

    private Block hqqFrom(double[] v, int len, double scale, double zero) {
        double beta = HQQ_BETA;
        for (int it = 0; it < HQQ_ITERATIONS; it++) {
            double zeroSum = 0;
            for (int i = 0; i < len; i++) {
                double q = Math.max(0, Math.min(qmax, Math.rint(v[i] / scale + zero)));
                double r = v[i] - (q - zero) * scale;
                double a = Math.abs(r);
                double shrunk = a == 0 ? 0 : Math.signum(r) * Math.max(a - Math.pow(a, HQQ_P - 1) / beta, 0);
                zeroSum += q - (v[i] - shrunk) / scale;
            }
            zero = zeroSum / len;
            beta *= HQQ_KAPPA;
        }
        int z = (int) Math.max(0, Math.min(qmax, Math.rint(zero)));
        // refit the scale to the integer zero point: least squares over the codes it gives
        int[] q = new int[len];
        codes(v, len, (float) scale, z, q);
        double num = 0;
        double den = 0;
        for (int i = 0; i < len; i++) {
            num += v[i] * (q[i] - z);
            den += (double) (q[i] - z) * (q[i] - z);
        }
        return den > 0 && num / den > 0 ? new Block((float) (num / den), z) : new Block((float) scale, z);
    }

    private double squaredError(double[] v, int len, Block block) {
        double e = 0;
        for (int i = 0; i < len; i++) {
            double q = Math.max(0, Math.min(qmax, Math.rint(v[i] / block.scale + block.zero)));
            double d = v[i] - (q - block.zero) * (double) block.scale;
            e += d * d;
        }
        return e;
    }

    private void codes(double[] v, int len, float scale, int zero, int[] q) {
        for (int i = 0; i < len; i++) {
            q[i] = (int) Math.max(0, Math.min(qmax, Math.rint(v[i] / scale + zero)));
        }
    }

    private void pack(int[] q, int count, byte[] out, int offset) {
        if (bits == 8) {
            for (int i = 0; i < count; i++) {
                out[offset + i] = (byte) q[i];
            }
            return;
        }
        for (int i = 0; i < count; i += 2) {
            out[offset + i / 2] = (byte) ((q[i] & 0xF) | ((q[i + 1] & 0xF) << 4));
        }
    }

    private void putPacked(byte[] out, int offset, int index, int value) {
        if (bits == 8) {
            out[offset + index] = (byte) value;
        } else {
            int at = offset + index / 2;
            out[at] = (byte) (index % 2 == 0 ? (out[at] & 0xF0) | (value & 0xF) : (out[at] & 0x0F) | ((value & 0xF) << 4));
        }
    }
}
