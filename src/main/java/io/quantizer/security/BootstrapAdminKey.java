package io.quantizer.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The first admin key, so that a fresh service can issue the others: {@code quantizer.security.admin-key}
 * ({@code QUANTIZER_SECURITY_ADMINKEY}) when set; otherwise one generated at first start into
 * {@code data-dir/admin-key} (mode 600) and read from there on later starts. The log names the file, never
 * the key. It acts as an admin of the {@value Tenants#DEFAULT} tenant.
 */
@Component
class BootstrapAdminKey {

    static final String FILE_NAME = "admin-key";
    static final String PRINCIPAL = "bootstrap-admin";
    static final int MIN_LENGTH = 16;
    private static final Logger log = LoggerFactory.getLogger(BootstrapAdminKey.class);

    private final byte[] hash;
    private final Caller caller = new Caller(PRINCIPAL, Tenants.DEFAULT, Set.of(Role.ADMIN));

    BootstrapAdminKey(SecurityProperties properties, @Value("${quantizer.data-dir}") Path dataDir) {
        String configured = properties.adminKey();
        String key;
        if (configured != null && !configured.isBlank()) {
            if (configured.strip().length() < MIN_LENGTH) {
                throw new IllegalStateException("quantizer.security.admin-key must be at least " + MIN_LENGTH
                        + " characters; generate one with: openssl rand -base64 32");
            }
            key = configured.strip();
        } else {
            key = readOrCreate(dataDir.resolve(FILE_NAME));
        }
        this.hash = ApiKeyTokens.hash(key).getBytes(StandardCharsets.US_ASCII);
    }

    /** The admin caller when {@code token} is the bootstrap key (compared in constant time). */
    Optional<Caller> authenticate(String token) {
        byte[] candidate = ApiKeyTokens.hash(token).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(hash, candidate) ? Optional.of(caller) : Optional.empty();
    }

    private static String readOrCreate(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            String key = ApiKeyTokens.generate();
            try {
                create(file);
            } catch (FileAlreadyExistsException e) {
                String existing = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (existing.length() < MIN_LENGTH) {
                    throw new IllegalStateException(file + " holds no usable admin key (under " + MIN_LENGTH
                            + " characters); delete it to generate a new one", e);
                }
                log.info("Bootstrap admin key: read from {}", file.toAbsolutePath());
                return existing;
            }
            Files.writeString(file, key + "\n", StandardCharsets.UTF_8);
            log.warn("Bootstrap admin key: none configured (quantizer.security.admin-key), so one was generated "
                    + "into {} (readable by its owner only). Send it as Authorization: Bearer <key> to issue API "
                    + "keys; set your own for anything shared.", file.toAbsolutePath());
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the bootstrap admin key file " + file, e);
        }
    }

    /** Creates the file readable and writable by its owner only, before anything secret is in it. */
    private static void create(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
    }
}
