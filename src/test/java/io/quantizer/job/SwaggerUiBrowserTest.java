package io.quantizer.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.quantizer.support.TempDataDirInitializer;
import io.quantizer.support.TestAuth;

/**
 * A person quantizes a model by hand in Swagger UI, in a real (headless) Chromium: open the page, expand the
 * submit operation, Try it out, pick multipart/form-data, choose the three files, leave every other field as
 * Swagger UI pre-fills it, Execute; then get the job and download its quantized model and report through the
 * "Download file" links Swagger UI offers. Runs on the embedded defaults, as {@code spring-boot:run} starts the
 * service. Needs Chromium and its driver ({@code .ci/run} installs Debian's chromium and chromium-driver; other
 * paths through -Dquantizer.test.chromium and -Dquantizer.test.chromedriver); skips where they are missing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TempDataDirInitializer.class)
class SwaggerUiBrowserTest {

    private static final Path CHROMIUM = Path.of(System.getProperty("quantizer.test.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER =
            Path.of(System.getProperty("quantizer.test.chromedriver", "/usr/bin/chromedriver"));
    private static final Duration UI_WAIT = Duration.ofSeconds(20);
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);

    @LocalServerPort
    int port;
    @TempDir
    Path dir;

    private WebDriver browser;
    private WebDriverWait wait;
    private Path downloads;

    @BeforeEach
    void openBrowser() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Skipping the Swagger UI browser test: no Chromium at " + CHROMIUM + " or no chromedriver at "
                        + CHROMEDRIVER + " (Debian: apt-get install chromium chromium-driver, as .ci/run does)");
        downloads = Files.createDirectory(dir.resolve("downloads"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1400,1000",
                "--user-data-dir=" + Files.createDirectory(dir.resolve("profile")));
        options.setExperimentalOption("prefs", Map.of(
                "download.default_directory", downloads.toString(),
                "download.prompt_for_download", false,
                "safebrowsing.enabled", false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, UI_WAIT, Duration.ofMillis(100));
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aPersonQuantizesAModelByHandAndDownloadsTheResult() throws Exception {
        Path model = dir.resolve("tiny_classifier.onnx");
        Files.write(model, JobFixtures.classifier());
        Path calibration = JobFixtures.calibration(dir, "calibration.npz", 64);
        Path evaluation = JobFixtures.labelled(dir, "evaluation.npz", 100, 9);

        browser.get("http://localhost:" + port + "/swagger-ui/index.html");
        authorize(TestAuth.ADMIN_KEY);
        WebElement upload = expand("uploadModel");
        tryItOut(upload);
        assertThat(upload.findElement(By.cssSelector("tr[data-property-name='name'] input")).getAttribute("value"))
                .as("an optional text field of a form starts empty, not as the word 'string'").isEmpty();

        WebElement submit = expand("submitQuantizationJob");
        tryItOut(submit);
        assertThat(submit.findElement(By.cssSelector("tr[data-param-name='Idempotency-Key'] input"))
                .getAttribute("value")).isEmpty();
        new Select(submit.findElement(By.cssSelector("select[aria-label='Request content type']")))
                .selectByVisibleText("multipart/form-data");
        formFile(submit, "model").sendKeys(model.toString());
        formFile(submit, "calibration").sendKeys(calibration.toString());
        formFile(submit, "evaluation").sendKeys(evaluation.toString());
        String prefilledRecipe = submit.findElement(By.cssSelector("tr[data-property-name='recipe'] textarea"))
                .getAttribute("value");
        assertThat(prefilledRecipe).as("what Swagger UI pre-fills as the recipe").contains("\"method\": \"minmax\"");

        JsonNode queued = execute(submit, 202).json();
        assertThat(queued.get("status").asString()).isIn("QUEUED", "RUNNING");
        UUID id = UUID.fromString(queued.get("id").asString());
        assertThat(queued.at("/links/self").asString()).isEqualTo(JobTestClient.JOBS + "/" + id);
        assertThat(queued.at("/links/artifact").isNull()).as("no artifact link before SUCCEEDED").isTrue();

        // the job runs in the background; wait for it over HTTP, then look at it the way the person would
        JsonNode finished = new JobTestClient(port).await(id, JobTestClient::finished, JOB_TIMEOUT,
                Duration.ofMillis(200));
        assertThat(finished.get("status").asString()).as(finished.toString()).isEqualTo("SUCCEEDED");

        WebElement get = expand("getQuantizationJob");
        tryItOut(get);
        fillParameter(get, "id", id.toString());
        JsonNode job = execute(get, 200).json();
        assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(job.get("progress").asDouble()).isEqualTo(1.0);
        assertThat(job.at("/links/artifact").asString()).isEqualTo(JobTestClient.JOBS + "/" + id + "/artifact");
        assertThat(job.at("/links/report").asString()).isEqualTo(JobTestClient.JOBS + "/" + id + "/report");
        assertThat(job.at("/result/evaluation/dataset").asString()).isEqualTo("evaluation");

        WebElement artifact = expand("downloadQuantizedModel");
        tryItOut(artifact);
        fillParameter(artifact, "id", id.toString());
        execute(artifact, 200);
        Path onnx = download(artifact, "tiny_classifier-int8.onnx");
        assertThat(Files.size(onnx)).isEqualTo(job.at("/result/quantizedModel/sizeBytes").asLong());
        assertThat(sha256(onnx)).isEqualTo(job.at("/result/quantizedModel/sha256").asString());

        WebElement report = expand("downloadQuantizationReport");
        tryItOut(report);
        fillParameter(report, "id", id.toString());
        execute(report, 200);
        Path reportFile = download(report, null);
        JsonNode reportJson = JsonMapper.builder().build().readTree(reportFile.toFile());
        assertThat(reportJson.at("/summary/quantizedModel/sha256").asString())
                .isEqualTo(job.at("/result/quantizedModel/sha256").asString());

        assertExampleResultHasTheRealShape(job.get("result"));
    }

    /**
     * The succeeded job's result that the API document shows (a real run on this test's model) must still have
     * the shape real results have: every field it shows exists in a real result, with the same kind of value.
     */
    private static void assertExampleResultHasTheRealShape(JsonNode real) throws IOException {
        JsonNode example;
        try (var in = JobApiDocs.class.getResourceAsStream(JobApiDocs.SUCCEEDED_RESULT)) {
            example = JsonMapper.builder().build().readTree(in);
        }
        if (Boolean.getBoolean("quantizer.test.print-result")) {
            System.out.println("REAL-RESULT " + real.toPrettyString());
        }
        assertThat(shape(real, "")).containsAll(shape(example, ""));
    }

    /** Every field path with the kind of its value; array elements are described by their first element. */
    private static List<String> shape(JsonNode node, String path) {
        List<String> paths = new java.util.ArrayList<>();
        paths.add(path + ":" + (node.isNumber() ? "number" : node.getNodeType().name().toLowerCase()));
        if (node.isObject()) {
            node.properties().forEach(e -> paths.addAll(shape(e.getValue(), path + "/" + e.getKey())));
        } else if (node.isArray() && !node.isEmpty()) {
            paths.addAll(shape(node.get(0), path + "[]"));
        }
        return paths;
    }

    /**
     * What a person does first: Authorize, paste the key into the bearer scheme's field, Authorize, Close. Every
     * request Swagger UI sends from then on carries it (the job above is submitted and downloaded with it).
     */
    private void authorize(String token) {
        // the first element of the page: on a loaded machine Swagger UI may take longer than UI_WAIT to render
        new WebDriverWait(browser, UI_WAIT.multipliedBy(4), Duration.ofMillis(100)).until(
                ExpectedConditions.elementToBeClickable(By.cssSelector(".auth-wrapper button.authorize"))).click();
        WebElement field = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector(".modal-ux input[aria-label='auth-bearer-value']")));
        field.sendKeys(token);
        browser.findElement(By.cssSelector(".modal-ux button[aria-label='Apply credentials']")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(
                By.cssSelector(".modal-ux input[aria-label='auth-bearer-value']")));
        browser.findElement(By.cssSelector(".modal-ux button.btn-done")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".modal-ux")));
    }

    /** Scrolls to the operation, opens it if it is closed, and returns its block. */
    private WebElement expand(String operationId) {
        By block = By.cssSelector("[id$='-" + operationId + "'].opblock");
        WebElement operation = wait.until(ExpectedConditions.presenceOfElementLocated(block));
        if (!operation.getAttribute("class").contains("is-open")) {
            WebElement control = operation.findElement(By.cssSelector(".opblock-summary-control"));
            scrollTo(control);
            control.click();
        }
        wait.until(d -> d.findElement(block).getAttribute("class").contains("is-open"));
        return browser.findElement(block);
    }

    private void tryItOut(WebElement operation) {
        WebElement button = wait.until(d -> operation.findElement(By.cssSelector("button.try-out__btn")));
        scrollTo(button);
        button.click();
        wait.until(d -> !operation.findElements(By.cssSelector("button.execute")).isEmpty());
    }

    private WebElement formFile(WebElement operation, String part) {
        return wait.until(d -> operation.findElement(
                By.cssSelector("tr[data-property-name='" + part + "'] input[type='file']")));
    }

    private void fillParameter(WebElement operation, String name, String value) {
        WebElement input = operation.findElement(By.cssSelector("tr[data-param-name='" + name + "'] input"));
        input.clear();
        input.sendKeys(value);
    }

    /** Presses Execute and waits for the server's answer; fails with it unless its code is {@code expected}. */
    private ServerResponse execute(WebElement operation, int expected) {
        WebElement button = operation.findElement(By.cssSelector("button.execute"));
        scrollTo(button);
        button.click();
        WebElement row = wait.until(d -> operation.findElement(
                By.cssSelector(".live-responses-table tbody tr.response")));
        String code = row.findElement(By.cssSelector(".response-col_status")).getText().strip();
        String body = row.findElements(By.cssSelector(".response-col_description pre.microlight")).stream()
                .findFirst().map(WebElement::getText).orElse("");
        assertThat(code).as("Swagger UI's answer: %s", body).isEqualTo(String.valueOf(expected));
        return new ServerResponse(body);
    }

    /** Clicks the response's "Download file" link and returns the file the browser saved. */
    private Path download(WebElement operation, String expectedName) throws IOException, InterruptedException {
        WebElement link = wait.until(d -> operation.findElement(
                By.cssSelector(".live-responses-table .response-col_description a[download]")));
        assertThat(link.getText()).isEqualTo("Download file");
        String name = link.getAttribute("download");
        if (expectedName != null) {
            assertThat(name).isEqualTo(expectedName);
        }
        List<Path> before = list(downloads);
        scrollTo(link);
        link.click();
        return wait.until(d -> completed(downloads, name, before).orElse(null));
    }

    private static Optional<Path> completed(Path folder, String name, List<Path> before) {
        Path file = folder.resolve(name);
        boolean partial = list(folder).stream().anyMatch(p -> p.getFileName().toString().endsWith(".crdownload"));
        return !partial && Files.isRegularFile(file) && !before.contains(file) ? Optional.of(file) : Optional.empty();
    }

    private static List<Path> list(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void scrollTo(WebElement element) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'});", element);
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private record ServerResponse(String body) {
        JsonNode json() {
            return JsonMapper.builder().build().readTree(body);
        }
    }
}
