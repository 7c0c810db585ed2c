package io.quantizer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quantizer.storage.filesystem.FilesystemObjectStore;

class ContentAddressedBlobsTest {

    @TempDir
    Path tempDir;

    private FilesystemObjectStore store;
    private ContentAddressedBlobs blobs;
    private UploadStager stager;

    @BeforeEach
    void setUp() throws IOException {
        store = new FilesystemObjectStore(tempDir.resolve("objects"));
        blobs = new ContentAddressedBlobs(store);
        stager = new UploadStager(new UploadProperties(DataSize.ofMegabytes(1), tempDir.resolve("uploads")),
                new SimpleMeterRegistry());
    }

    @Test
    void storesUnderTheHashWithATwoCharacterFanOut() throws IOException {
        try (StagedUpload staged = stage("hello")) {
            String key = blobs.publish(staged);

            assertThat(key).isEqualTo("blobs/sha256/2c/2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
            assertThat(blobs.exists(staged.sha256())).isTrue();
            try (InputStream in = blobs.open(staged.sha256()).orElseThrow()) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
            }
        }
    }

    @Test
    void sameBytesAreStoredOnce() throws IOException {
        String first;
        try (StagedUpload staged = stage("same")) {
            first = blobs.publish(staged);
        }
        long writtenAt = Files.getLastModifiedTime(store.root().resolve(first)).toMillis();
        try (StagedUpload again = stage("same")) {
            assertThat(blobs.publish(again)).isEqualTo(first);
        }

        assertThat(store.list("blobs/")).containsExactly(first);
        assertThat(Files.getLastModifiedTime(store.root().resolve(first)).toMillis()).isEqualTo(writtenAt);
    }

    @Test
    void aTruncatedBlobIsRepairedOnPublish() throws IOException {
        try (StagedUpload staged = stage("complete bytes")) {
            String key = ContentAddressedBlobs.keyFor(staged.sha256());
            store.put(key, new ByteArrayInputStream(new byte[] {1}), 1);

            blobs.publish(staged);

            assertThat(store.size(key)).contains(staged.sizeBytes());
        }
    }

    @Test
    void deleteRemovesTheBlob() throws IOException {
        try (StagedUpload staged = stage("bye")) {
            blobs.publish(staged);
            blobs.delete(staged.sha256());

            assertThat(blobs.exists(staged.sha256())).isFalse();
            assertThat(store.list("")).isEqualTo(List.of());
        }
    }

    @Test
    void rejectsWhatIsNotAHash() {
        assertThatThrownBy(() -> ContentAddressedBlobs.keyFor("../../etc/passwd"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ContentAddressedBlobs.keyFor("ABC")).isInstanceOf(IllegalArgumentException.class);
    }

    private StagedUpload stage(String text) throws IOException {
        return stager.stage(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "model");
    }
}
