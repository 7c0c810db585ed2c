package io.quantizer.engine.data;

/**
 * Caps that keep a hostile .npz (a zip bomb) from costing unbounded time or disk: the number of entries, the
 * total uncompressed size, and the compression ratio of any entry above {@code ratioGraceBytes}. Small entries are
 * exempt from the ratio because short label arrays and constant masks legitimately compress very well.
 */
public record NpzLimits(int maxEntries, long maxTotalUncompressedBytes, double maxCompressionRatio,
                        long ratioGraceBytes) {

    /** 1024 arrays, 8 GiB uncompressed, 100:1 for entries over 1 MiB. */
    public static final NpzLimits DEFAULTS = new NpzLimits(1024, 8L << 30, 100.0, 1L << 20);

    public NpzLimits {
        if (maxEntries < 1 || maxTotalUncompressedBytes < 1 || maxCompressionRatio < 1 || ratioGraceBytes < 0) {
            throw new IllegalArgumentException("invalid .npz limits " + maxEntries + ", " + maxTotalUncompressedBytes
                    + ", " + maxCompressionRatio + ", " + ratioGraceBytes);
        }
    }
}
