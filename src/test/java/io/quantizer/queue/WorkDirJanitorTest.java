package io.quantizer.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkDirJanitorTest {

    @TempDir
    Path work;

    @Test
    void removesAttemptDirectoriesAndLeavesEverythingElse() throws Exception {
        AttemptWorkspace left = AttemptWorkspace.create(work, UUID.randomUUID(), 1);
        Files.writeString(left.model(), "bytes");
        Files.writeString(left.tmp().resolve("ort-lib.so"), "native");
        Path unrelated = Files.createDirectories(work.resolve("cache"));
        Path file = Files.writeString(work.resolve("job-notes.txt"), "keep");

        int removed = WorkDirJanitor.removeLeftovers(work);

        assertThat(removed).isEqualTo(1);
        assertThat(left.dir()).doesNotExist();
        assertThat(unrelated).isDirectory();
        assertThat(file).exists();
    }

    @Test
    void aMissingWorkDirectoryIsNothingToClean() {
        assertThat(WorkDirJanitor.removeLeftovers(work.resolve("absent"))).isZero();
    }
}
