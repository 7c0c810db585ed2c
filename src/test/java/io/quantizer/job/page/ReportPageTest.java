package io.quantizer.job.page;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.quantizer.engine.cli.EngineProtocol.Stage;
import io.quantizer.engine.evaluation.EvaluationResult;
import io.quantizer.engine.evaluation.MachineInfo;
import io.quantizer.engine.evaluation.ModelMetrics;
import io.quantizer.engine.evaluation.OutputFidelity;
import io.quantizer.engine.evaluation.Percentiles;
import io.quantizer.engine.recipe.QuantizationRecipe;
import io.quantizer.engine.report.AccuracySearch;
import io.quantizer.engine.report.LayerAnalysis;
import io.quantizer.engine.report.Quality;
import io.quantizer.engine.report.Summary;
import io.quantizer.job.JobLinks;
import io.quantizer.job.JobStatus;
import io.quantizer.job.JobView;

/** The report page as rendered from a job: every section and chart, hostile names escaped, lists bounded. */
class ReportPageTest {

    /** A name a hostile model could carry: markup, both quotes, a CDATA end and a right-to-left override. */
    private static final String HOSTILE = "<script>alert('x')</script>\"q\" ]]> <svg onload=alert(1)> &amp; \u202Eevil";
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final ReportPage PAGE = new ReportPage(engine(), JSON);

    /** The engine as Spring Boot configures it: classpath:/templates/*.html, HTML mode, UTF-8. */
    static SpringTemplateEngine engine() {
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver();
        resolver.setPrefix("templates/");
        resolver.setSuffix(".html");
        resolver.setTemplateMode(TemplateMode.HTML);
        resolver.setCharacterEncoding("UTF-8");
        SpringTemplateEngine engine = new SpringTemplateEngine();
        engine.setTemplateResolver(resolver);
        return engine;
    }

    @Test
    void hostileNamesAreEscapedEverywhereTheyAppear() {
        String html = PAGE.render(job(JobStatus.SUCCEEDED, summary(HOSTILE, 5, 4), null), "n0nce");

        assertThat(html.toLowerCase()).doesNotContain("<script").doesNotContain("<svg onload");
        assertThat(html).doesNotContain("]]>").doesNotContain("\"q\"").doesNotContain("'x'")
                .doesNotContain("\u202E");
        String escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;q&quot; ]]&gt; &lt;svg onload=alert(1)&gt;"
                + " &amp;amp; \uFFFDevil";
        // output name, classification output, kept node and reason, group ids and nodes, tensor and producer,
        // trial groups, warning, quality reason, machine, recipe, and in the SVG the sensitivity labels and tooltips
        assertThat(count(html, escaped)).as(html).isGreaterThanOrEqualTo(15);
        String sensitivity = section(html, "layers");
        Matcher svg = Pattern.compile("<svg[^>]*class=\"chart bars\".*?</svg>", Pattern.DOTALL).matcher(sensitivity);
        assertThat(svg.find()).isTrue();
        assertThat(svg.group()).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;q&quot; ]]&gt;");
        // the recipe's names are escaped inside the <pre> too (JSON escapes the quote as \&quot;)
        assertThat(section(html, "recipe")).contains("&lt;script&gt;").doesNotContain("<script");
    }

    @Test
    void everySectionAndChartIsThereWhenTheDataIs() {
        String html = PAGE.render(job(JobStatus.SUCCEEDED, summary("conv", 7, 5), null), "n0nce");

        for (String id : List.of("quality", "accuracy", "latency", "size", "kept-float", "layers", "accuracy-search",
                "warnings", "recipe", "timings")) {
            assertThat(html).as("section " + id).contains("<section id=\"" + id + "\"");
        }
        assertThat(html).doesNotContain("id=\"no-layers\"").doesNotContain("id=\"no-search\"")
                .doesNotContain("id=\"no-result\"").doesNotContain("id=\"problem\"");
        assertThat(html).contains("<style nonce=\"n0nce\">").doesNotContain("style=\"");
        assertThat(html).doesNotContain("http-equiv=\"refresh\"");

        // accuracy and agreement: fp32 90 %, int8 89.5 %, drop 0.5 pt; agreement 99.2 %; output cosine and SQNR
        String accuracy = section(html, "accuracy");
        assertThat(accuracy).contains("90.00 %", "89.50 %", "-0.50 pt", "99.20 %", "0.999500", "31.2 dB");
        // latency at batch 1 and batch 32 with the speedups
        String latency = section(html, "latency");
        assertThat(latency).contains("batch 1", "batch 32", "2.00×", "3.00×", "2.00 ms", "1.00 ms");
        assertThat(rects(latency)).isEqualTo(4);
        assertThat(section(html, "size")).contains("4.0 MiB", "1.0 MiB", "4.00×");
        assertThat(rects(section(html, "size"))).isEqualTo(2);
        assertThat(section(html, "quality")).contains("degraded", "output cosine below");
        assertThat(section(html, "kept-float")).contains("conv-kept-0", "no int8 kernel");
        assertThat(section(html, "warnings")).contains("Something to know");

        String layers = section(html, "layers");
        assertThat(rects(layers)).as("one bar per group").isEqualTo(7);
        assertThat(layers).contains("conv-group-0", "extra forward passes", "123");
        String search = section(html, "accuracy-search");
        assertThat(Pattern.compile("<circle").matcher(search).results().count()).as("one dot per trial").isEqualTo(5);
        assertThat(search).contains("class=\"met returned\"", "class=\"target\"", "<polyline", "target-met");
        assertThat(search).contains("top-1 drop at most 0.50 pt");
    }

    @Test
    void absentAnalysisAndSearchAreSaidPlainly() {
        Summary full = summary("conv", 3, 2);
        Summary plain = new Summary(full.quantizedModel(), full.quality(), full.evaluation(), full.nodes(),
                full.stageSeconds(), full.machine(), full.warnings());
        String html = PAGE.render(job(JobStatus.SUCCEEDED, plain, null), "n");

        assertThat(section(html, "layers")).contains("id=\"no-layers\"", "no per-layer analysis")
                .doesNotContain("<svg");
        assertThat(section(html, "accuracy-search")).contains("id=\"no-search\"", "no accuracy search")
                .doesNotContain("<svg");
        assertThat(section(html, "latency")).contains("<svg");
    }

    @Test
    void longListsAndNamesAreCutToABound() {
        String longName = "n".repeat(70_000);
        Summary big = summary("g", 1000, 400);
        List<Summary.KeptFloat> kept = IntStream.range(0, 500)
                .mapToObj(i -> new Summary.KeptFloat(longName + i, "LayerNormalization", longName)).toList();
        Summary many = new Summary(big.quantizedModel(), big.quality(), big.evaluation(),
                new Summary.Nodes(List.of(), kept, List.of()), big.stageSeconds(), big.machine(),
                List.of("warning about " + longName), big.layers(), big.accuracySearch());

        String html = PAGE.render(job(JobStatus.SUCCEEDED, many, null), "n");

        assertThat(html.length()).as("page size").isLessThan(1_000_000);
        assertThat(rects(section(html, "layers"))).isEqualTo(ReportModel.TOP_GROUPS);
        assertThat(section(html, "layers")).contains("…and 970 more groups (1000 in all");
        assertThat(section(html, "kept-float")).contains("…and 300 more nodes kept in float (500 in all");
        assertThat(section(html, "accuracy-search")).contains("…and 300 more trials (400 in all");
        assertThat(html).doesNotContain("n".repeat(ReportModel.SENTENCE + 1));
    }

    @Test
    void noChangeReadsAsZeroNotMinusZero() {
        assertThat(Text.points(-0.0)).isEqualTo("+0.00 pt");
        assertThat(Text.points(-0.005)).isEqualTo("-0.50 pt");
    }

    @Test
    void anUnfinishedJobShowsItsStatusAndRefreshes() {
        String html = PAGE.render(job(JobStatus.RUNNING, null, null), "n");

        assertThat(html).contains("http-equiv=\"refresh\"", "RUNNING", "stage CALIBRATING", "id=\"no-result\"");
        assertThat(html).doesNotContain("<section id=\"layers\"").doesNotContain("id=\"problem\"");
    }

    @Test
    void aFailedJobShowsItsProblem() {
        ObjectNode error = JSON.createObjectNode();
        error.put("type", "https://quantizer.io/problems/engine-failed");
        error.put("title", "Quantization failed");
        error.put("status", 422);
        error.put("detail", "node " + HOSTILE + " has no shape");
        String html = PAGE.render(job(JobStatus.FAILED, null, error), "n");

        String problem = section(html, "problem");
        assertThat(problem).contains("Quantization failed", "422", "engine-failed", "node &lt;script&gt;");
        assertThat(html.toLowerCase()).doesNotContain("<script");
        assertThat(html).doesNotContain("http-equiv=\"refresh\"").doesNotContain("<section id=\"accuracy\"");
    }

    private static JobView job(JobStatus status, Summary summary, JsonNode error) {
        UUID id = UUID.fromString("0b6f1c52-3d2e-4a8c-9d35-7f1e2a4b5c6d");
        QuantizationRecipe recipe = new QuantizationRecipe(null, null, null, null, null, null, null,
                List.of(HOSTILE), null).withDefaults();
        return new JobView(id, status, status == JobStatus.RUNNING ? Stage.CALIBRATING : Stage.EVALUATING,
                status == JobStatus.SUCCEEDED ? 1 : 0.4, 1, UUID.randomUUID(), UUID.randomUUID(), null, recipe,
                Instant.parse("2026-12-03T10:00:00Z"), Instant.parse("2026-12-03T10:00:01Z"), null, error,
                summary == null ? null : withJobTimings(JSON.valueToTree(summary)),
                new JobLinks("/self", null, null, "/self/report.html", null, null), null, null, "team-a");
    }

    /** The stored result carries the attempt's timings beside the summary's own fields. */
    private static JsonNode withJobTimings(JsonNode summary) {
        ((ObjectNode) summary).putObject("jobTimings").put("fetchSeconds", 0.1);
        return summary;
    }

    /** A summary whose every name starts with {@code name}, with {@code groups} groups and {@code trials} trials. */
    static Summary summary(String name, int groups, int trials) {
        ModelMetrics fp32 = new ModelMetrics(0.9, 0.99, new ModelMetrics.Latency(new Percentiles(1, 2.0, 2.5, 100),
                new Percentiles(32, 30.0, 33.0, 100)), 4L << 20);
        ModelMetrics int8 = new ModelMetrics(0.895, 0.985, new ModelMetrics.Latency(new Percentiles(1, 1.0, 1.2, 100),
                new Percentiles(32, 10.0, 11.0, 100)), 1L << 20);
        EvaluationResult evaluation = new EvaluationResult(200, EvaluationResult.EVALUATION_SET, fp32, int8, 0.005,
                0.005, 0.992, List.of(new OutputFidelity(name + "-out", 0.9995, 31.2, 0.01, 0.2)), 2.0, 3.0, 4.0,
                name + "-out");
        List<LayerAnalysis.Group> ranked = new ArrayList<>();
        for (int i = 0; i < groups; i++) {
            ranked.add(new LayerAnalysis.Group(i + 1, name + "-group-" + i, "Conv",
                    List.of(name + "-group-" + i, name + "-relu-" + i), 0.02 / (i + 1) - (i == groups - 1 ? 0.03 : 0),
                    0.9 - 0.001 * i));
        }
        LayerAnalysis layers = new LayerAnalysis("top1", 200, 123, List.of(
                new LayerAnalysis.TensorError(name + "-tensor", name + "-producer", 18.5, 0.99, 0.4),
                new LayerAnalysis.TensorError(name + "-exact", name + "-producer", null, 1.0, 0)), ranked);
        List<AccuracySearch.Trial> tried = new ArrayList<>();
        for (int i = 0; i < trials; i++) {
            tried.add(new AccuracySearch.Trial(i, ranked.stream().limit(i).map(LayerAnalysis.Group::id).toList(),
                    0.02 - 0.004 * i, 0.02 - 0.004 * i, 0.99, 1.1, 0.02 - 0.004 * i <= 0.005, 1.5));
        }
        int met = (int) tried.stream().filter(t -> !t.meetsTarget()).count();
        AccuracySearch search = new AccuracySearch(new AccuracySearch.Target("top1Drop", 0.005), met < trials,
                Math.min(met, trials - 1), met < trials ? "target-met" : "max-trials", tried);
        return new Summary(new Summary.QuantizedModel("ab".repeat(32), 1L << 20),
                new Quality(Quality.DEGRADED, List.of("output cosine below 0.99 on " + name)), evaluation,
                new Summary.Nodes(List.of(name + "-q"), List.of(new Summary.KeptFloat(name + "-kept-0", "Softmax",
                        "no int8 kernel for " + name)), List.of()),
                new Summary.StageSeconds(1, 2, 3, 4),
                new MachineInfo(name + " CPU", 2, 2, "Linux", true, false, false, false, List.of("avx2")),
                List.of("Something to know about " + name), layers, search);
    }

    private static String section(String html, String id) {
        int start = html.indexOf("<section id=\"" + id + "\"");
        assertThat(start).as("section " + id).isNotNegative();
        int end = html.indexOf("</section>", start);
        return html.substring(start, end);
    }

    private static int rects(String html) {
        return (int) Pattern.compile("<rect").matcher(html).results().count();
    }

    private static int count(String html, String needle) {
        int n = 0;
        for (int i = html.indexOf(needle); i >= 0; i = html.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
