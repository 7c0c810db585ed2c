package io.quantizer.storage.filesystem;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quantizer.storage.ObjectStore;
import io.quantizer.storage.ObjectStoreContract;

class FilesystemObjectStoreTest extends ObjectStoreContract {

    private FilesystemObjectStore store;

    @BeforeEach
    void createStore() throws IOException {
        store = new FilesystemObjectStore(tempDir.resolve("objects"));
    }

    @Override
    protected ObjectStore store() {
        return store;
    }

    @Test
    void keepsObjectsUnderTheRootAtTheirKeyPath() throws IOException {
        store.put("blobs/sha256/ab/abc", new ByteArrayInputStream(new byte[] {5}), 1);

        assertThat(store.root().resolve("blobs/sha256/ab/abc")).hasBinaryContent(new byte[] {5});
    }

    @Test
    void failedWritesLeaveNoTempFiles() throws IOException {
        store.put("d/ok", new ByteArrayInputStream(new byte[] {1}), 1);
        try {
            store.put("d/short", new ByteArrayInputStream(new byte[] {1}), 2);
        } catch (IOException expected) {
            // asserted in the contract; here we look at the directory
        }

        try (Stream<Path> files = Files.list(store.root().resolve("d"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("ok");
        }
    }

    @Test
    void listingIgnoresLeftoverTempFiles() throws IOException {
        store.put("d/ok", new ByteArrayInputStream(new byte[] {1}), 1);
        Files.write(store.root().resolve("d/.put-123.tmp"), new byte[] {2}); // as a crash mid-write leaves it

        assertThat(store.list("d/")).containsExactly("d/ok");
    }
}
