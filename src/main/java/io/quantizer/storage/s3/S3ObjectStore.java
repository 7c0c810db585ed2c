package io.quantizer.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.quantizer.storage.ObjectKeys;
import io.quantizer.storage.ObjectStore;
import io.quantizer.storage.StorageProperties;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Objects in one S3 bucket, key = object key. Objects larger than the part size go up as a multipart upload
 * ({@link MultipartWriter}), so at most one part is ever in memory. SDK failures surface as {@link IOException}s
 * naming the key, like the filesystem store's.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {

    private final S3Client client;
    private final String bucket;
    private final MultipartWriter writer;

    public S3ObjectStore(S3Client client, String bucket, int partSize) {
        this.client = client;
        this.bucket = bucket;
        this.writer = new MultipartWriter(client, bucket, partSize);
    }

    /** Builds the client from properties and makes sure the bucket exists. */
    public static S3ObjectStore create(StorageProperties.S3 properties) throws IOException {
        S3ObjectStore store = new S3ObjectStore(S3ClientFactory.create(properties), properties.bucket(),
                Math.toIntExact(properties.partSize().toBytes()));
        try {
            new BucketInitializer(store.client, properties.bucket(), properties.region()).ensureExists();
        } catch (SdkException e) {
            store.close();
            throw new IOException("S3 bucket " + properties.bucket() + " at "
                    + (properties.endpoint() == null ? "AWS" : properties.endpoint()) + " is not usable: "
                    + e.getMessage(), e);
        }
        return store;
    }

    public String bucket() {
        return bucket;
    }

    @Override
    public void put(String key, InputStream content, long length) throws IOException {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, was " + length);
        }
        String checked = ObjectKeys.requireValid(key);
        try {
            writer.write(checked, content, length);
        } catch (SdkException e) {
            throw failure("put", key, e);
        }
    }

    @Override
    public void put(String key, Path file) throws IOException {
        String checked = ObjectKeys.requireValid(key);
        long length = Files.size(file);
        if (length <= writer.partSize()) {
            try {
                client.putObject(b -> b.bucket(bucket).key(checked).contentLength(length), RequestBody.fromFile(file));
            } catch (SdkException e) {
                throw failure("put", key, e);
            }
            return;
        }
        try (InputStream in = Files.newInputStream(file)) {
            put(checked, in, length);
        }
    }

    @Override
    public Optional<InputStream> open(String key) throws IOException {
        String checked = ObjectKeys.requireValid(key);
        try {
            return Optional.of(client.getObject(b -> b.bucket(bucket).key(checked)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failure("open", key, e);
        }
    }

    /** A ranged GET: only the range's bytes leave the bucket. */
    @Override
    public Optional<InputStream> open(String key, long offset, long length) throws IOException {
        String checked = ObjectKeys.requireValid(key);
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        try {
            return Optional.of(client.getObject(b -> b.bucket(bucket).key(checked).range(range)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failure("open", key, e);
        }
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        return head(key).map(HeadObjectResponse::contentLength);
    }

    @Override
    public boolean exists(String key) throws IOException {
        return head(key).isPresent();
    }

    /** Metadata of the object (size, ETag), or empty when there is none. */
    public Optional<HeadObjectResponse> head(String key) throws IOException {
        String checked = ObjectKeys.requireValid(key);
        try {
            return Optional.of(client.headObject(b -> b.bucket(bucket).key(checked)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            // HEAD responses have no body, so a missing key is only visible as the status code
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("head", key, e);
        } catch (SdkException e) {
            throw failure("head", key, e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        String checked = ObjectKeys.requireValid(key);
        try {
            client.deleteObject(b -> b.bucket(bucket).key(checked));
        } catch (SdkException e) {
            throw failure("delete", key, e);
        }
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        String checked = ObjectKeys.requireValidPrefix(prefix);
        try {
            return client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(checked)).contents().stream()
                    .map(S3Object::key)
                    .toList();
        } catch (SdkException e) {
            throw failure("list", prefix, e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    private IOException failure(String operation, String key, SdkException e) {
        return new IOException("S3 " + operation + " of " + bucket + "/" + key + " failed: " + e.getMessage(), e);
    }
}
