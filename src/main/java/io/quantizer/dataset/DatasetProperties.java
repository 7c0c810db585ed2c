package io.quantizer.dataset;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import io.quantizer.engine.data.NpzLimits;

/**
 * {@code quantizer.datasets.npz.*}: what a .npz may expand to, against zip bombs.
 *
 * @param maxEntries             arrays per archive
 * @param maxUncompressedSize    all arrays together, uncompressed
 * @param maxCompressionRatio    uncompressed:compressed, checked for entries over {@code ratioGraceSize}
 * @param ratioGraceSize         entries up to this size may compress better (short label arrays, masks)
 */
@ConfigurationProperties("quantizer.datasets.npz")
record DatasetProperties(
        @DefaultValue("1024") int maxEntries,
        @DefaultValue("8GB") DataSize maxUncompressedSize,
        @DefaultValue("100") double maxCompressionRatio,
        @DefaultValue("1MB") DataSize ratioGraceSize) {

    NpzLimits limits() {
        return new NpzLimits(maxEntries, maxUncompressedSize.toBytes(), maxCompressionRatio,
                ratioGraceSize.toBytes());
    }
}
