package io.quantizer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link ObjectStore} must do; each implementation's test extends this. Every test works under a
 * fresh random prefix, so stores shared between test classes (the S3 bucket) need no cleanup between tests.
 */
public abstract class ObjectStoreContract {

    /** Objects larger than this go through the S3 store's multipart path (with the part size the tests use). */
    protected static final int TEST_PART_SIZE = 5 * 1024 * 1024;

    protected String prefix;

    @TempDir
    protected Path tempDir;

    protected abstract ObjectStore store();

    @BeforeEach
    void newPrefix() {
        prefix = "contract/" + UUID.randomUUID() + "/";
    }

    @Test
    void storesAndReadsBackBytes() throws IOException {
        byte[] bytes = "hello, quantizer".getBytes(StandardCharsets.UTF_8);
        store().put(prefix + "a.txt", new ByteArrayInputStream(bytes), bytes.length);

        assertThat(read(prefix + "a.txt")).isEqualTo(bytes);
        assertThat(store().size(prefix + "a.txt")).contains((long) bytes.length);
        assertThat(store().exists(prefix + "a.txt")).isTrue();
    }

    @Test
    void opensARangeOfAnObject() throws IOException {
        byte[] bytes = new byte[10_000];
        new Random(7).nextBytes(bytes);
        store().put(prefix + "ranged", new ByteArrayInputStream(bytes), bytes.length);

        try (InputStream middle = store().open(prefix + "ranged", 1234, 100).orElseThrow();
             InputStream last = store().open(prefix + "ranged", 9999, 1).orElseThrow();
             InputStream first = store().open(prefix + "ranged", 0, 10).orElseThrow()) {
            assertThat(middle.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(bytes, 1234, 1334));
            assertThat(last.readAllBytes()).containsExactly(bytes[9999]);
            assertThat(first.readAllBytes()).isEqualTo(java.util.Arrays.copyOf(bytes, 10));
        }
        assertThat(store().open(prefix + "no-such-object", 0, 10)).isEmpty();
    }

    @Test
    void storesEmptyObjects() throws IOException {
        store().put(prefix + "empty", InputStream.nullInputStream(), 0);

        assertThat(read(prefix + "empty")).isEmpty();
        assertThat(store().size(prefix + "empty")).contains(0L);
    }

    @Test
    void putReplacesExistingObject() throws IOException {
        store().put(prefix + "k", new ByteArrayInputStream(new byte[] {1, 2, 3}), 3);
        store().put(prefix + "k", new ByteArrayInputStream(new byte[] {9}), 1);

        assertThat(read(prefix + "k")).containsExactly(9);
    }

    @Test
    void storesLocalFile() throws IOException {
        byte[] bytes = randomBytes(100_000, 1);
        Path file = Files.write(tempDir.resolve("in.bin"), bytes);

        store().put(prefix + "dir/file.bin", file);

        assertThat(read(prefix + "dir/file.bin")).isEqualTo(bytes);
        assertThat(file).exists(); // the source is copied, not moved
    }

    @Test
    void missingObjectsAreEmptyNotErrors() throws IOException {
        assertThat(store().open(prefix + "nope")).isEmpty();
        assertThat(store().size(prefix + "nope")).isEmpty();
        assertThat(store().exists(prefix + "nope")).isFalse();
    }

    @Test
    void deleteRemovesAndIsIdempotent() throws IOException {
        store().put(prefix + "gone", new ByteArrayInputStream(new byte[] {1}), 1);

        store().delete(prefix + "gone");
        store().delete(prefix + "gone");

        assertThat(store().exists(prefix + "gone")).isFalse();
        assertThat(store().list(prefix)).isEmpty();
    }

    @Test
    void listsKeysByPrefix() throws IOException {
        for (String key : new String[] {"a/1", "a/2", "ab/3", "b/4"}) {
            store().put(prefix + key, new ByteArrayInputStream(new byte[] {7}), 1);
        }

        assertThat(store().list(prefix + "a/")).containsExactlyInAnyOrder(prefix + "a/1", prefix + "a/2");
        assertThat(store().list(prefix + "a")).containsExactlyInAnyOrder(prefix + "a/1", prefix + "a/2",
                prefix + "ab/3");
        assertThat(store().list(prefix)).hasSize(4);
        assertThat(store().list(prefix + "zzz")).isEmpty();
    }

    @Test
    void streamsObjectsLargerThanOnePart() throws IOException, NoSuchAlgorithmException {
        int size = 2 * TEST_PART_SIZE + 123_457; // three parts, the last one short
        byte[] bytes = randomBytes(size, 42);

        store().put(prefix + "big.bin", new ByteArrayInputStream(bytes), size);

        assertThat(store().size(prefix + "big.bin")).contains((long) size);
        try (InputStream in = store().open(prefix + "big.bin").orElseThrow()) {
            assertThat(sha256(in.readAllBytes())).isEqualTo(sha256(bytes));
        }
    }

    @Test
    void storesLocalFileLargerThanOnePart() throws IOException, NoSuchAlgorithmException {
        byte[] bytes = randomBytes(TEST_PART_SIZE + 1, 3);
        Path file = Files.write(tempDir.resolve("big.bin"), bytes);

        store().put(prefix + "big-file.bin", file);

        try (InputStream in = store().open(prefix + "big-file.bin").orElseThrow()) {
            assertThat(sha256(in.readAllBytes())).isEqualTo(sha256(bytes));
        }
    }

    @Test
    void shortStreamFailsAndLeavesNothing() throws IOException {
        assertThatThrownBy(() -> store().put(prefix + "short", new ByteArrayInputStream(new byte[10]), 20))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("expected 20 bytes");

        assertThat(store().exists(prefix + "short")).isFalse();
        assertThat(store().list(prefix)).isEmpty();
    }

    @Test
    void shortStreamOverSeveralPartsFailsAndLeavesNothing() throws IOException {
        byte[] bytes = randomBytes(TEST_PART_SIZE + 10, 5);

        assertThatThrownBy(() -> store().put(prefix + "short-big", new ByteArrayInputStream(bytes),
                2L * TEST_PART_SIZE))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("stream ended");

        assertThat(store().exists(prefix + "short-big")).isFalse();
        assertThat(store().list(prefix)).isEmpty();
    }

    @Test
    void failedReplaceKeepsTheOldObject() throws IOException {
        store().put(prefix + "keep", new ByteArrayInputStream(new byte[] {1, 2}), 2);

        assertThatThrownBy(() -> store().put(prefix + "keep", new ByteArrayInputStream(new byte[] {3}), 5))
                .isInstanceOf(IOException.class);

        assertThat(read(prefix + "keep")).containsExactly(1, 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/abs", "a/../b", "../escape", "a//b", "a/", "./a", "a\\b", "a/.hidden", ".."})
    void rejectsInvalidKeys(String key) {
        assertThatThrownBy(() -> store().put(key, new ByteArrayInputStream(new byte[] {1}), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid object key");
        assertThatThrownBy(() -> store().open(key)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().delete(key)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsInvalidListPrefix() {
        assertThatThrownBy(() -> store().list("../")).isInstanceOf(IllegalArgumentException.class);
    }

    protected byte[] read(String key) throws IOException {
        try (InputStream in = store().open(key).orElseThrow()) {
            return in.readAllBytes();
        }
    }

    protected static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    protected static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
