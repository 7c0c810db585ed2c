package io.quantizer.support;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Points the application at the shared test PostgreSQL and S3Mock (see {@link IntegrationTest}). Its property
 * source goes first, so it wins over application.yml and profile files.
 */
public class RealServersInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        PostgresSupport.Connection postgres = PostgresSupport.connection();
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("spring.datasource.url", postgres.jdbcUrl());
        properties.put("spring.datasource.username", postgres.username());
        properties.put("spring.datasource.password", postgres.password());
        properties.put("spring.datasource.driver-class-name", "org.postgresql.Driver");
        properties.put("quantizer.storage.type", "s3");
        properties.put("quantizer.storage.s3.endpoint", S3MockServer.endpoint().toString());
        properties.put("quantizer.storage.s3.bucket", S3MockServer.BUCKET);
        properties.put("quantizer.storage.s3.region", S3MockServer.REGION);
        properties.put("quantizer.storage.s3.path-style-access", "true");
        properties.put("quantizer.storage.s3.access-key", S3MockServer.ACCESS_KEY);
        properties.put("quantizer.storage.s3.secret-key", S3MockServer.SECRET_KEY);
        // job callbacks reach the tests' own loopback receivers, and are retried quickly
        properties.put("quantizer.callbacks.allow", "127.0.0.1/32");
        properties.put("quantizer.callbacks.poll-interval", "200ms");
        properties.put("quantizer.callbacks.initial-backoff", "200ms");
        properties.put("quantizer.callbacks.max-attempts", "3");
        context.getEnvironment().getPropertySources()
                .addFirst(new MapPropertySource("quantizer-real-test-servers", properties));
    }
}
