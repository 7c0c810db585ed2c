package io.quantizer.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import io.quantizer.storage.ObjectStore;
import io.quantizer.storage.ObjectStoreContract;
import io.quantizer.storage.StorageProperties;
import io.quantizer.support.S3MockServer;
import software.amazon.awssdk.services.s3.S3Client;

/** The storage contract against a real S3 server (S3Mock, separate process), plus S3-only behaviour. */
class S3ObjectStoreIT extends ObjectStoreContract {

    private static S3ObjectStore store;

    @BeforeAll
    static void connect() throws IOException {
        store = S3ObjectStore.create(properties(S3MockServer.BUCKET));
    }

    @AfterAll
    static void disconnect() {
        store.close();
    }

    @Override
    protected ObjectStore store() {
        return store;
    }

    @Test
    void largeObjectsAreUploadedInParts() throws IOException {
        int size = 2 * TEST_PART_SIZE + 1;
        store.put(prefix + "multi", new ByteArrayInputStream(randomBytes(size, 9)), size);

        // S3 marks the ETag of a multipart object with its part count
        assertThat(store.head(prefix + "multi").orElseThrow().eTag()).endsWith("-3\"");
    }

    @Test
    void failedMultipartUploadsAreAborted() throws IOException {
        byte[] bytes = randomBytes(TEST_PART_SIZE + 1, 2);
        try {
            store.put(prefix + "aborted", new ByteArrayInputStream(bytes), 3L * TEST_PART_SIZE);
        } catch (IOException expected) {
            // the contract asserts the exception; here we look for leftover parts
        }

        try (S3Client client = S3ClientFactory.create(properties(S3MockServer.BUCKET))) {
            assertThat(client.listMultipartUploads(b -> b.bucket(S3MockServer.BUCKET).prefix(prefix)).uploads())
                    .isEmpty();
        }
    }

    @Test
    void createsAMissingBucket() throws IOException {
        String bucket = "created-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3ObjectStore fresh = S3ObjectStore.create(properties(bucket))) {
            fresh.put("x", new ByteArrayInputStream(new byte[] {1}), 1);

            assertThat(fresh.exists("x")).isTrue();
            assertThat(store.exists("x")).isFalse(); // a different bucket
        }
    }

    private static StorageProperties.S3 properties(String bucket) {
        return new StorageProperties.S3(S3MockServer.endpoint().toString(), bucket, S3MockServer.REGION, true,
                S3MockServer.ACCESS_KEY, S3MockServer.SECRET_KEY, DataSize.ofBytes(TEST_PART_SIZE));
    }
}
