package io.quantizer.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapAdminKeyTest {

    @TempDir
    Path dataDir;

    private static SecurityProperties properties(String adminKey) {
        return new SecurityProperties(true, adminKey, new SecurityProperties.Oidc(null, null, "tenant", "roles"),
                new SecurityProperties.Keys(Duration.ofDays(365)), new SecurityProperties.RateLimit(true, 100, 50));
    }

    @Test
    void withoutAConfiguredKeyOneIsGeneratedIntoAnOwnerOnlyFileAndReadBackOnTheNextStart() throws Exception {
        BootstrapAdminKey first = new BootstrapAdminKey(properties(null), dataDir);
        Path file = dataDir.resolve(BootstrapAdminKey.FILE_NAME);
        String key = Files.readString(file).strip();

        assertThat(key).startsWith("qz_").hasSizeGreaterThan(40);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(first.authenticate(key)).hasValueSatisfying(caller -> {
            assertThat(caller.isAdmin()).isTrue();
            assertThat(caller.tenant()).isEqualTo(Tenants.DEFAULT);
        });
        assertThat(first.authenticate(key + "x")).isEmpty();

        BootstrapAdminKey restarted = new BootstrapAdminKey(properties(""), dataDir);
        assertThat(Files.readString(file).strip()).as("the file is kept, not regenerated").isEqualTo(key);
        assertThat(restarted.authenticate(key)).isPresent();
    }

    @Test
    void aConfiguredKeyIsUsedAndNoFileIsWritten() {
        BootstrapAdminKey configured = new BootstrapAdminKey(properties("operator-chosen-secret-123"), dataDir);

        assertThat(configured.authenticate("operator-chosen-secret-123")).isPresent();
        assertThat(configured.authenticate("operator-chosen-secret-12")).isEmpty();
        assertThat(dataDir.resolve(BootstrapAdminKey.FILE_NAME)).doesNotExist();
    }

    @Test
    void aShortConfiguredKeyStopsTheStart() {
        assertThatThrownBy(() -> new BootstrapAdminKey(properties("short"), dataDir))
                .hasMessageContaining("at least 16 characters");
    }
}
