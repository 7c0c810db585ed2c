package io.quantizer.job.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.quantizer.job.JobFixtures;
import io.quantizer.job.JobTestClient;
import io.quantizer.support.TempDataDirInitializer;
import io.quantizer.support.TestAuth;

/**
 * The report page in a real headless Chromium: a job runs through the API, then its page (from the job's
 * links.reportPage) loads with the admin bearer token (added to the browser's requests through DevTools), its SVG charts have a size on screen, the console stays empty (a CSP violation, a
 * failed load or a script error would show there) and every request the browser made went to this service.
 * Skips where Debian's chromium and chromium-driver are missing, as SwaggerUiBrowserTest does.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TempDataDirInitializer.class)
class ReportPageBrowserTest {

    private static final Path CHROMIUM = Path.of(System.getProperty("quantizer.test.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER =
            Path.of(System.getProperty("quantizer.test.chromedriver", "/usr/bin/chromedriver"));
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern NONCE = Pattern.compile("<style nonce=\"([^\"]+)\">");

    @LocalServerPort
    int port;
    @TempDir
    Path dir;

    private ChromeDriver browser;

    @BeforeEach
    void openBrowser() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Skipping the report page browser test: no Chromium at " + CHROMIUM + " or no chromedriver at "
                        + CHROMEDRIVER + " (Debian: apt-get install chromium chromium-driver, as .ci/run does)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1200,900",
                "--user-data-dir=" + Files.createDirectory(dir.resolve("profile")));
        // the console (browser) and every network request (performance), read back after the page loads
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL", LogType.PERFORMANCE, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        // the page needs the bearer token, which a browser cannot send by itself: DevTools adds it to every
        // request this browser makes, so the real page is loaded and rendered as an authenticated client sees it
        browser.executeCdpCommand("Network.enable", Map.of());
        browser.executeCdpCommand("Network.setExtraHTTPHeaders",
                Map.of("headers", Map.of(TestAuth.AUTHORIZATION, TestAuth.admin())));
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aSucceededJobsPageLoadsDrawsItsChartsAndStaysOnThisHost() throws Exception {
        JobTestClient client = new JobTestClient(port);
        JsonNode job = runJob(client, JobFixtures.classifier(), "tiny_classifier.onnx");
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        String path = job.at("/links/reportPage").asString();
        assertThat(path).isEqualTo(JobTestClient.JOBS + "/" + job.get("id").asString() + "/report.html");

        JobTestClient.Response http = client.get(path);
        assertThat(http.status()).isEqualTo(200);
        assertThat(http.headers().getContentType()).hasToString("text/html;charset=UTF-8");
        String policy = http.headers().getFirst("Content-Security-Policy");
        Matcher nonce = NONCE.matcher(http.text());
        assertThat(nonce.find()).isTrue();
        assertThat(policy).startsWith("default-src 'none';").contains("style-src 'nonce-" + nonce.group(1) + "'")
                .doesNotContain("http").doesNotContain("*").doesNotContain("unsafe");
        assertThat(http.headers().getFirst("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(client.get(path).text()).as("a fresh nonce per response").doesNotContain(nonce.group(0));

        open(path);
        assertThat(browser.getTitle()).isEqualTo("Quantization job " + job.get("id").asString());
        WebElement verdict = browser.findElement(By.cssSelector("#quality .badge"));
        assertThat(verdict.getText()).isEqualTo(job.at("/result/quality/verdict").asString());
        assertThat(verdict.getCssValue("background-color")).as("the nonce'd stylesheet applies")
                .isNotEqualTo("rgba(0, 0, 0, 0)");
        for (String section : List.of("quality", "accuracy", "latency", "size", "kept-float", "layers",
                "accuracy-search", "warnings", "recipe")) {
            assertThat(browser.findElements(By.id(section))).as("section " + section).hasSize(1);
        }
        assertThat(browser.findElement(By.id("accuracy")).getText())
                .contains(String.format(java.util.Locale.ROOT, "%.2f %%",
                        100 * job.at("/result/evaluation/argmaxAgreement").asDouble()));

        List<WebElement> charts = browser.findElements(By.cssSelector("svg.chart"));
        int expected = 2 + (job.at("/result/layers").isObject() ? 1 : 0)
                + (job.at("/result/accuracySearch").isObject() ? 1 : 0);
        assertThat(charts).as("latency and size, plus sensitivity and trials when the job has them")
                .hasSize(expected);
        for (WebElement chart : charts) {
            assertDrawn(chart);
            List<WebElement> marks = chart.findElements(By.cssSelector("rect, circle"));
            assertThat(marks).isNotEmpty();
            marks.forEach(ReportPageBrowserTest::assertDrawn);
        }
        assertThat(browser.findElement(By.cssSelector("#latency svg")).findElements(By.tagName("rect")))
                .as("fp32 and int8 at batch 1 and at the larger batch").hasSize(4);
        if (!job.at("/result/layers").isObject()) {
            assertThat(browser.findElement(By.id("no-layers")).getText()).contains("no per-layer analysis");
        }
        if (!job.at("/result/accuracySearch").isObject()) {
            assertThat(browser.findElement(By.id("no-search")).getText()).contains("no accuracy search");
        }

        assertQuietConsoleAndNoOtherHost();
    }

    @Test
    void aFailedJobsPageShowsTheProblem() throws Exception {
        JobTestClient client = new JobTestClient(port);
        JsonNode job = runJob(client, JobFixtures.unloadableClassifier(), "broken.onnx");
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("FAILED");

        open(job.at("/links/reportPage").asString());
        assertThat(browser.findElement(By.cssSelector(".badge.failed")).getText()).isEqualTo("FAILED");
        String problem = browser.findElement(By.id("problem")).getText();
        assertThat(problem).contains(job.at("/error/title").asString(), job.at("/error/detail").asString());
        assertThat(browser.findElements(By.cssSelector("svg"))).isEmpty();
        assertThat(browser.findElement(By.id("no-result")).isDisplayed()).isTrue();
        assertQuietConsoleAndNoOtherHost();
    }

    private JsonNode runJob(JobTestClient client, byte[] model, String name) throws Exception {
        UUID modelId = client.uploadModel(model, name);
        UUID calibration = client.uploadDataset(JobFixtures.calibration(dir, name + "-calibration.npz", 32));
        UUID evaluation = client.uploadDataset(JobFixtures.labelled(dir, name + "-evaluation.npz", 50, 9));
        JobTestClient.Response submitted = client.submit(Map.of("modelId", modelId,
                "calibrationDatasetId", calibration, "evaluationDatasetId", evaluation));
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        UUID id = UUID.fromString(submitted.json().get("id").asString());
        return client.await(id, JobTestClient::finished, JOB_TIMEOUT, Duration.ofMillis(200));
    }

    private void open(String path) {
        browser.get("http://localhost:" + port + path);
        new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(d -> "complete".equals(((org.openqa.selenium.JavascriptExecutor) d)
                        .executeScript("return document.readyState")));
    }

    private static void assertDrawn(WebElement element) {
        Rectangle box = element.getRect();
        assertThat(box.getWidth()).as("width of " + element.getTagName()).isPositive();
        assertThat(box.getHeight()).as("height of " + element.getTagName()).isPositive();
    }

    /** No console message at all (CSP violations, failed loads and errors land there), and no other host asked. */
    private void assertQuietConsoleAndNoOtherHost() {
        List<String> console = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::toString).toList();
        assertThat(console).as("browser console").isEmpty();
        // requests made for the report page's document (not the browser's own start page)
        String origin = "http://localhost:" + port;
        List<String> requested = new ArrayList<>();
        for (LogEntry entry : browser.manage().logs().get(LogType.PERFORMANCE).getAll()) {
            JsonNode message = JsonMapper.builder().build().readTree(entry.getMessage()).path("message");
            if ("Network.requestWillBeSent".equals(message.path("method").asString())
                    && message.at("/params/documentURL").asString().startsWith(origin + "/")) {
                requested.add(message.at("/params/request/url").asString());
            }
        }
        assertThat(requested).as("the log saw the page itself").anyMatch(url -> url.endsWith("/report.html"));
        for (String url : requested) {
            if (!url.startsWith("data:")) {
                URI uri = URI.create(url);
                assertThat(uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort()).as(url).isEqualTo(origin);
            }
        }
    }
}
