package io.quantizer.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

class PostgresSupportIT {

    @Test
    void startsARealPostgresOncePerJvm() throws SQLException {
        PostgresSupport.Connection first = PostgresSupport.connection();

        assertThat(PostgresSupport.connection()).isSameAs(first);
        try (Connection connection = DriverManager.getConnection(first.jdbcUrl(), first.username(), first.password());
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("select version()")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString(1)).startsWith("PostgreSQL");
        }
    }
}
