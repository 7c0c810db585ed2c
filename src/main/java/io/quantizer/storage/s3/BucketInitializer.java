package io.quantizer.storage.s3;

import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Creates the configured bucket when it does not exist yet, so a fresh MinIO or S3 account just works. */
final class BucketInitializer {

    private final S3Client client;
    private final String bucket;
    private final String region;

    BucketInitializer(S3Client client, String bucket, String region) {
        this.client = client;
        this.bucket = bucket;
        this.region = region;
    }

    void ensureExists() {
        try {
            client.headBucket(b -> b.bucket(bucket));
            return;
        } catch (NoSuchBucketException e) {
            // create it below
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
        }
        CreateBucketRequest.Builder request = CreateBucketRequest.builder().bucket(bucket);
        // us-east-1 is the one region AWS refuses as an explicit location constraint
        if (!Region.US_EAST_1.id().equals(region)) {
            request.createBucketConfiguration(c -> c.locationConstraint(region));
        }
        try {
            client.createBucket(request.build());
        } catch (BucketAlreadyOwnedByYouException raceWithAnotherReplica) {
            // another replica created it first
        }
    }
}
