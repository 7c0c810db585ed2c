package io.quantizer.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile read as text (no Docker engine here to build it): its settings must agree with the Helm chart
 * and the service, since the chart runs this image with a read-only root filesystem under a fixed user.
 */
class DockerfileTest {

    private static List<String> instructions;

    @BeforeAll
    static void read() throws IOException {
        instructions = instructions(Files.readString(Path.of("Dockerfile")));
    }

    /** Instructions with continuation lines joined and comments dropped. */
    private static List<String> instructions(String dockerfile) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : dockerfile.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
            } else {
                result.add(current.append(trimmed).toString());
                current.setLength(0);
            }
        }
        return result;
    }

    private static List<String> all(String keyword) {
        return instructions.stream().filter(i -> i.startsWith(keyword + " ")).toList();
    }

    @Test
    void buildsWithTheWrapperOnAJdkAndRunsOnAGlibcJre() {
        assertThat(all("ARG")).contains("ARG JDK_IMAGE=eclipse-temurin:17-jdk-jammy",
                "ARG JRE_IMAGE=eclipse-temurin:17-jre-jammy");
        assertThat(all("FROM")).containsExactly("FROM ${JDK_IMAGE} AS build", "FROM ${JRE_IMAGE}");
        assertThat(String.join("\n", instructions)).doesNotContainIgnoringCase("alpine");
        assertThat(all("RUN")).anySatisfy(run -> assertThat(run).contains("./mvnw", "package",
                "java -Djarmode=tools -jar target/quantizer-*.jar extract --layers",
                "--application-filename quantizer.jar"));
        // four layer copies, least to most frequently changing
        assertThat(all("COPY").stream().filter(c -> c.contains("--from=build")).toList()).extracting(
                c -> c.replaceAll(".*/extracted/([a-z-]+)/.*", "$1"))
                .containsExactly("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");
    }

    @Test
    void runsAsTheNumericNonRootUserTheChartExpects() {
        RenderedChart chart = RenderedChart.render("");
        long chartUid = chart.deployment("api").getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser();

        assertThat(all("ARG")).contains("ARG UID=" + chartUid);
        assertThat(all("USER")).containsExactly("USER ${UID}:${UID}");
        assertThat(all("RUN")).anySatisfy(run -> assertThat(run).contains("useradd --system --uid \"${UID}\""));
    }

    @Test
    void writableDirectoriesMatchTheChartsVolumes() {
        String env = String.join(" ", all("ENV"));
        Matcher dataDir = Pattern.compile("QUANTIZER_DATA_DIR=(\\S+)").matcher(env);
        Matcher workDir = Pattern.compile("QUANTIZER_WORKER_WORKDIR=(\\S+)").matcher(env);
        assertThat(dataDir.find()).isTrue();
        assertThat(workDir.find()).isTrue();

        assertThat(dataDir.group(1)).isEqualTo(HelmChartTest.sharedConfigOf(RenderedChart.render(""))
                .at("/quantizer/data-dir").asText());
        assertThat(workDir.group(1)).isEqualTo(HelmChartTest.roleConfigOf(RenderedChart.render(""), "worker")
                .at("/quantizer/worker/work-dir").asText());
        assertThat(all("RUN")).anySatisfy(run -> assertThat(run)
                .contains("mkdir -p " + workDir.group(1), "chown -R \"${UID}:${UID}\" " + dataDir.group(1)));
    }

    @Test
    void entrypointIsExecFormJavaSoSignalsAndJavaToolOptionsReachTheJvm() {
        assertThat(all("ENTRYPOINT")).containsExactly("ENTRYPOINT [\"java\", \"-jar\", \"/app/quantizer.jar\"]");
        assertThat(all("EXPOSE")).containsExactly("EXPOSE 8080");
        assertThat(all("WORKDIR")).contains("WORKDIR /app");
        assertThat(all("HEALTHCHECK")).singleElement().asString().contains("/actuator/health/readiness");
    }

    @Test
    void dockerignoreSendsOnlyTheBuildInputs() throws IOException {
        List<String> rules = Files.readAllLines(Path.of(".dockerignore")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();

        assertThat(rules).startsWith("*").contains("!mvnw", "!pom.xml", "!.mvn/", "!src/");
        List<String> copied = all("COPY").stream().filter(c -> !c.contains("--from=")).toList();
        assertThat(copied).containsExactly("COPY mvnw pom.xml ./", "COPY .mvn/ .mvn/", "COPY src/ src/");
    }
}
