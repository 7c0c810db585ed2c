package io.quantizer.storage;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.quantizer.storage.filesystem.FilesystemObjectStore;
import io.quantizer.storage.s3.S3ObjectStore;

/** Picks the {@link ObjectStore} named by {@code quantizer.storage.type}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({StorageProperties.class, UploadProperties.class})
class StorageConfiguration {

    /** Closed by Spring on shutdown (the S3 store owns an HTTP client; close is inferred). */
    @Bean
    ObjectStore objectStore(StorageProperties properties) {
        try {
            return switch (properties.type()) {
                case FILESYSTEM -> new FilesystemObjectStore(properties.filesystem().root());
                case S3 -> S3ObjectStore.create(properties.s3());
            };
        } catch (IOException e) {
            throw new UncheckedIOException("Could not set up " + properties.type() + " object storage", e);
        }
    }
}
