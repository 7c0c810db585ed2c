package io.quantizer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.quantizer.storage.filesystem.FilesystemObjectStore;

class ObjectStoreHealthIndicatorTest {

    @TempDir
    Path tempDir;

    @Test
    void upWhenTheStoreAnswers() throws IOException {
        Health health = new ObjectStoreHealthIndicator(new FilesystemObjectStore(tempDir)).health();

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("type", "FilesystemObjectStore");
    }

    @Test
    void downWhenTheStoreFails() throws IOException {
        ObjectStore unreachable = mock(ObjectStore.class);
        when(unreachable.exists(anyString())).thenThrow(new IOException("bucket unreachable"));

        assertThat(new ObjectStoreHealthIndicator(unreachable).health().getStatus()).isEqualTo(Status.DOWN);
    }
}
