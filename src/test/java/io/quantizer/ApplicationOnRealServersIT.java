package io.quantizer;

import static org.assertj.core.api.Assertions.assertThat;

import javax.sql.DataSource;

import java.sql.Connection;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.client.RestClient;

import io.quantizer.storage.ObjectStore;
import io.quantizer.storage.s3.S3ObjectStore;
import io.quantizer.support.IntegrationTest;
import io.quantizer.support.S3MockServer;

/** The application on PostgreSQL and S3, as deployed. */
@IntegrationTest
class ApplicationOnRealServersIT {

    @LocalServerPort
    int port;

    @Autowired
    ObjectStore objectStore;

    @Autowired
    DataSource dataSource;

    @Test
    void startsOnPostgresAndS3AndIsHealthy() throws SQLException {
        String health = RestClient.create("http://localhost:" + port).get().uri("/actuator/health")
                .retrieve().body(String.class);

        assertThat(health).contains("\"status\":\"UP\"");
        assertThat(RestClient.create("http://localhost:" + port).get().uri("/actuator/health/readiness")
                .retrieve().body(String.class)).contains("\"status\":\"UP\"");
        assertThat(objectStore).isInstanceOf(S3ObjectStore.class);
        assertThat(((S3ObjectStore) objectStore).bucket()).isEqualTo(S3MockServer.BUCKET);
        try (Connection connection = dataSource.getConnection()) {
            assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
        }
    }
}
