# syntax=docker/dockerfile:1
#
# One image for both roles (API and worker; quantizer.worker.enabled switches).
#   docker build -t quantizer:0.1.0 .
#   docker run -p 8080:8080 quantizer:0.1.0        # embedded defaults: H2 + filesystem under /var/lib/quantizer
#
# glibc-based images on purpose: ONNX Runtime's native libraries are built for glibc and do not load on musl
# (Alpine).
ARG JDK_IMAGE=eclipse-temurin:17-jdk-jammy
ARG JRE_IMAGE=eclipse-temurin:17-jre-jammy

FROM ${JDK_IMAGE} AS build
WORKDIR /build
# the Maven wrapper and the pom first: the dependency layer is rebuilt only when they change
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp -q dependency:go-offline
COPY src/ src/
# tests run in CI (./mvnw verify); the image build only packages. mdep.skip: the tests' S3Mock jar is not needed.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp -Dmaven.test.skip=true -Dmdep.skip=true package \
 && java -Djarmode=tools -jar target/quantizer-*.jar extract --layers \
        --destination /build/extracted --application-filename quantizer.jar

# Layout under /app (Spring Boot's "tools" extraction without --launcher):
#   /app/quantizer.jar   the application classes; its manifest has Main-Class io.quantizer.QuantizerApplication
#                        and a Class-Path listing lib/*.jar
#   /app/lib/*.jar       the dependencies (ONNX Runtime included)
# The service runs on the plain JVM class path, so java.class.path is "/app/quantizer.jar" (absolute) and a
# worker's engine child JVM starts with "-cp /app/quantizer.jar <main>" from any working directory: the JVM
# follows the manifest Class-Path to /app/lib. No Spring Boot launcher is involved at run time.
FROM ${JRE_IMAGE}
# numeric ids (Kubernetes' runAsNonRoot can only verify numeric users); the Helm chart uses the same
ARG UID=10001
RUN groupadd --system --gid "${UID}" quantizer \
 && useradd --system --uid "${UID}" --gid "${UID}" --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin quantizer \
 && mkdir -p /var/lib/quantizer/work \
 && chown -R "${UID}:${UID}" /var/lib/quantizer
WORKDIR /app
# one COPY per layer, least to most frequently changing; the files stay root-owned and read-only to the service
COPY --from=build /build/extracted/dependencies/ ./
COPY --from=build /build/extracted/spring-boot-loader/ ./
COPY --from=build /build/extracted/snapshot-dependencies/ ./
COPY --from=build /build/extracted/application/ ./
# The only writable places: /tmp and the data directory (embedded H2, filesystem objects, upload staging,
# the worker's per-attempt work directories). With a read-only root filesystem mount both (the chart does).
ENV QUANTIZER_DATA_DIR=/var/lib/quantizer \
    QUANTIZER_WORKER_WORKDIR=/var/lib/quantizer/work
USER ${UID}:${UID}
EXPOSE 8080
# bash's /dev/tcp: the JRE image has no curl. Kubernetes ignores HEALTHCHECK and uses the chart's probes.
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /actuator/health/readiness HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# exec form: java is PID 1 and gets SIGTERM itself (graceful shutdown); JVM flags go in JAVA_TOOL_OPTIONS,
# Spring settings in environment variables or as arguments after the image name
ENTRYPOINT ["java", "-jar", "/app/quantizer.jar"]
