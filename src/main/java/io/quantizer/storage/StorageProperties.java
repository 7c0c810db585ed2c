package io.quantizer.storage;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code quantizer.storage.*}: where object bytes live.
 *
 * @param type        {@code filesystem} (default) or {@code s3}
 * @param filesystem  settings of the filesystem store
 * @param s3          settings of the S3 store (any S3-compatible server: AWS, MinIO, S3Mock)
 */
@ConfigurationProperties("quantizer.storage")
public record StorageProperties(
        @DefaultValue("filesystem") Type type,
        @DefaultValue Filesystem filesystem,
        @DefaultValue S3 s3) {

    public enum Type { FILESYSTEM, S3 }

    /** @param root directory holding the objects; created when missing */
    public record Filesystem(@DefaultValue("./data/objects") Path root) {
    }

    /**
     * @param endpoint        endpoint override (e.g. {@code http://minio:9000}); blank means AWS's regional endpoint
     * @param bucket          bucket name; created at startup when missing
     * @param region          signing region
     * @param pathStyleAccess {@code http://host/bucket/key} instead of {@code http://bucket.host/key} (MinIO, S3Mock)
     * @param accessKey       static credentials; blank means the default AWS credentials chain
     *                        (env vars, profile, web identity, instance role)
     * @param secretKey       goes with {@code accessKey}
     * @param partSize        multipart part size for large objects; also the most a single upload buffers in
     *                        memory (S3 allows 5 MB to 5 GB)
     */
    public record S3(
            String endpoint,
            @DefaultValue("quantizer") String bucket,
            @DefaultValue("us-east-1") String region,
            @DefaultValue("true") boolean pathStyleAccess,
            String accessKey,
            String secretKey,
            @DefaultValue("16MB") DataSize partSize) {
    }
}
