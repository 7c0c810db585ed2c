package io.quantizer.job.page;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.quantizer.engine.evaluation.EvaluationResult;
import io.quantizer.engine.evaluation.ModelMetrics;
import io.quantizer.engine.evaluation.OutputFidelity;
import io.quantizer.engine.evaluation.Percentiles;
import io.quantizer.engine.report.AccuracySearch;
import io.quantizer.engine.report.LayerAnalysis;
import io.quantizer.engine.report.Summary;
import io.quantizer.job.JobStatus;
import io.quantizer.job.JobView;
import tools.jackson.databind.JsonNode;

/**
 * What the report page shows, as the template's variables: every figure formatted, every list cut to a bound (a
 * model may have thousands of nodes and 64 KB names), every chart laid out. Names stay raw text here; the template
 * escapes them wherever they land, SVG included.
 */
final class ReportModel {

    /** Rows of the sensitivity chart and of the groups and tensors tables. */
    static final int TOP_GROUPS = 30;
    static final int TOP_TENSORS = 30;
    static final int MAX_TRIALS = 100;
    static final int MAX_ROWS = 200;
    static final int NAME = 120;
    static final int SENTENCE = 2000;
    private static final int GROUP_NODES = 4;

    private ReportModel() {
    }

    public record Field(String name, String value) {
    }

    public record Comparison(String metric, String fp32, String int8, String change) {
    }

    public record Output(String name, String cosine, String sqnr, String meanAbsError, String maxAbsError) {
    }

    public record Latency(String batch, String fp32, String int8, String speedup) {
    }

    public record Kept(String name, String opType, String reason) {
    }

    public record Group(int rank, String id, String opType, String nodes, String sensitivity, String metricIfFloat) {
    }

    public record Tensor(String tensor, String producer, String sqnr, String cosine, String maxAbsError) {
    }

    public record Trial(int index, String floatGroups, String metric, String top1Drop, String cosine,
                        String latency, String meetsTarget, String seconds, boolean returned) {
    }

    public record Problem(String title, String status, String detail, String type) {
    }

    /** The template's variables for one job; {@code summary} is its parsed result, null unless SUCCEEDED. */
    static Map<String, Object> of(JobView job, Summary summary, String recipeJson) {
        // the machine is read from the JSON: its record belongs to the engine's runtime, which the service never loads
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("title", "Quantization job " + job.id());
        v.put("status", job.status().name());
        v.put("statusCss", job.status().name().toLowerCase(Locale.ROOT));
        v.put("unfinished", job.status() == JobStatus.QUEUED || job.status() == JobStatus.RUNNING);
        v.put("job", jobFields(job));
        v.put("problem", problem(job.error()));
        v.put("recipe", recipeJson);
        v.put("summary", summary != null);
        if (summary != null) {
            summary(v, summary);
            v.put("machine", machine(job.result().path("machine")));
        }
        return v;
    }

    private static List<Field> jobFields(JobView job) {
        List<Field> f = new ArrayList<>();
        f.add(new Field("Status", job.status().name()
                + (job.stage() == null ? "" : " (stage " + job.stage().name() + ")")));
        f.add(new Field("Progress", String.format(Locale.ROOT, "%.0f %%", 100 * job.progress())));
        f.add(new Field("Attempts", String.valueOf(job.attempt())));
        f.add(new Field("Model", String.valueOf(job.modelId())));
        f.add(new Field("Calibration data set", String.valueOf(job.calibrationDatasetId())));
        f.add(new Field("Evaluation data set", job.evaluationDatasetId() == null ? "none (the calibration set was"
                + " used)" : job.evaluationDatasetId().toString()));
        f.add(new Field("Created", String.valueOf(job.createdAt())));
        f.add(new Field("Started", job.startedAt() == null ? Text.NONE : job.startedAt().toString()));
        f.add(new Field("Finished", job.finishedAt() == null ? Text.NONE : job.finishedAt().toString()));
        return f;
    }

    private static Problem problem(JsonNode error) {
        if (error == null || !error.isObject()) {
            return null;
        }
        return new Problem(Text.shorten(error.path("title").asString("Error"), NAME),
                error.path("status").isMissingNode() ? Text.NONE : error.path("status").asString(),
                Text.shorten(error.path("detail").asString(""), 4 * SENTENCE),
                Text.shorten(error.path("type").asString(""), NAME));
    }

    private static void summary(Map<String, Object> v, Summary s) {
        v.put("verdict", s.quality().verdict().name().toLowerCase(Locale.ROOT));
        v.put("reasons", sentences(s.quality().reasons()));
        v.put("warnings", sentences(s.warnings()));
        EvaluationResult e = s.evaluation();
        v.put("dataset", e.dataset());
        v.put("sampleCount", e.sampleCount());
        v.put("accuracy", accuracy(e));
        v.put("labelled", e.fp32().top1() != null);
        v.put("agreement", e.argmaxAgreement() == null ? null : Text.percent(e.argmaxAgreement()));
        v.put("classificationOutput", e.classificationOutput() == null ? null
                : Text.shorten(e.classificationOutput(), NAME));
        List<OutputFidelity> outputs = e.outputs().stream()
                .sorted(Comparator.comparingDouble(OutputFidelity::cosine)).limit(MAX_ROWS).toList();
        v.put("outputs", outputs.stream().map(o -> new Output(Text.shorten(o.name(), NAME),
                Text.number(o.cosine(), 6), Text.decibels(o.sqnrDb()), Text.significant(o.meanAbsError()),
                Text.significant(o.maxAbsError()))).toList());
        v.put("outputsMore", Text.more(e.outputs().size(), outputs.size(), "outputs"));
        latency(v, e);
        size(v, s, e);
        nodes(v, s.nodes());
        v.put("stages", stages(s.stageSeconds()));
        layers(v, s.layers());
        search(v, s.accuracySearch());
    }

    private static String machine(JsonNode m) {
        if (!m.isObject()) {
            return null;
        }
        List<String> flags = new ArrayList<>();
        m.path("flags").forEach(f -> flags.add(Text.shorten(f.asString(), 40)));
        return Text.shorten(m.path("cpuModel").asString(), NAME) + ", " + m.path("logicalProcessors").asInt()
                + " logical processors, " + m.path("intraOpThreads").asInt() + " threads per model; int8 features: "
                + (flags.isEmpty() ? "none" : String.join(", ", flags));
    }

    private static List<Comparison> accuracy(EvaluationResult e) {
        List<Comparison> rows = new ArrayList<>();
        rows.add(new Comparison("Top-1 accuracy", Text.percent(e.fp32().top1()), Text.percent(e.quantized().top1()),
                e.top1Drop() == null ? Text.NONE : Text.points(-e.top1Drop())));
        rows.add(new Comparison("Top-5 accuracy", Text.percent(e.fp32().top5()), Text.percent(e.quantized().top5()),
                e.top5Drop() == null ? Text.NONE : Text.points(-e.top5Drop())));
        return rows;
    }

    private static void latency(Map<String, Object> v, EvaluationResult e) {
        ModelMetrics.Latency fp32 = e.fp32().latencyMs();
        ModelMetrics.Latency int8 = e.quantized().latencyMs();
        if (fp32 == null || int8 == null) {
            return;
        }
        List<Latency> rows = new ArrayList<>();
        List<BarChart.Row> bars = new ArrayList<>();
        latencyRow(rows, bars, fp32.batch1(), int8.batch1(), e.speedup());
        latencyRow(rows, bars, fp32.batchN(), int8.batchN(), e.speedupBatchN());
        v.put("latency", rows);
        v.put("latencyChart", bars.isEmpty() ? null : BarChart.of("Median latency per run, fp32 against int8",
                bars, ms -> Text.millis(ms)));
    }

    private static void latencyRow(List<Latency> rows, List<BarChart.Row> bars, Percentiles fp32, Percentiles int8,
                                   Double speedup) {
        if (fp32 == null || int8 == null) {
            return;
        }
        String batch = "batch " + fp32.batchSize();
        rows.add(new Latency(batch, timing(fp32), timing(int8), Text.times(speedup)));
        bars.add(new BarChart.Row(batch + " · fp32", fp32.p50(), timing(fp32), "fp32"));
        bars.add(new BarChart.Row(batch + " · int8", int8.p50(), timing(int8), "int8"));
    }

    private static String timing(Percentiles p) {
        return Text.millis(p.p50()) + " (p95 " + Text.millis(p.p95()) + ")";
    }

    private static void size(Map<String, Object> v, Summary s, EvaluationResult e) {
        v.put("size", List.of(new Field("fp32 model", Text.bytes(e.fp32().sizeBytes())),
                new Field("int8 model", Text.bytes(e.quantized().sizeBytes())),
                new Field("Compression", Text.times(e.compressionRatio())),
                new Field("int8 SHA-256", s.quantizedModel().sha256())));
        v.put("sizeChart", BarChart.of("Model file size", List.of(
                new BarChart.Row("fp32", e.fp32().sizeBytes(), Text.bytes(e.fp32().sizeBytes()), "fp32"),
                new BarChart.Row("int8", e.quantized().sizeBytes(), Text.bytes(e.quantized().sizeBytes()), "int8")),
                b -> Text.bytes((long) b)));
    }

    private static void nodes(Map<String, Object> v, Summary.Nodes nodes) {
        v.put("quantizedCount", nodes.quantized().size());
        v.put("noFloatMathCount", nodes.noFloatMath().size());
        v.put("keptCount", nodes.keptFloat().size());
        v.put("kept", nodes.keptFloat().stream().limit(MAX_ROWS).map(k -> new Kept(Text.shorten(k.name(), NAME),
                Text.shorten(k.opType(), NAME), Text.shorten(k.reason(), SENTENCE))).toList());
        v.put("keptMore", Text.more(nodes.keptFloat().size(), Math.min(MAX_ROWS, nodes.keptFloat().size()),
                "nodes kept in float"));
    }

    private static List<Field> stages(Summary.StageSeconds s) {
        if (s == null) {
            return List.of();
        }
        return List.of(new Field("Preparation", Text.number(s.preparation(), 2) + " s"),
                new Field("Calibration", Text.number(s.calibration(), 2) + " s"),
                new Field("Quantization", Text.number(s.quantization(), 2) + " s"),
                new Field("Evaluation", Text.number(s.evaluation(), 2) + " s"));
    }

    private static void layers(Map<String, Object> v, LayerAnalysis layers) {
        v.put("layers", layers != null);
        if (layers == null) {
            return;
        }
        boolean top1 = "top1".equals(layers.metric());
        v.put("layerMetric", top1 ? "top-1 accuracy" : "lowest output cosine to fp32");
        v.put("layerSamples", layers.samples());
        v.put("layerPasses", layers.extraForwardPasses());
        List<LayerAnalysis.Group> groups = layers.groups().stream().limit(TOP_GROUPS).toList();
        v.put("groups", groups.stream().map(g -> new Group(g.rank(), Text.shorten(g.id(), NAME),
                Text.shorten(g.opType(), NAME), groupNodes(g.nodes()), sensitivity(g.sensitivity(), top1),
                top1 ? Text.percent(g.metricIfFloat()) : Text.number(g.metricIfFloat(), 6))).toList());
        v.put("groupsMore", Text.more(layers.groups().size(), groups.size(), "groups"));
        v.put("sensitivityChart", groups.isEmpty() ? null : BarChart.of(
                "Sensitivity of each group: how much the " + (top1 ? "top-1 accuracy" : "output cosine")
                        + " improves when only it returns to float", groups.stream().map(g -> new BarChart.Row(g.id(),
                        g.sensitivity(), sensitivity(g.sensitivity(), top1), "sensitivity")).toList(),
                x -> sensitivity(x, top1)));
        List<LayerAnalysis.TensorError> worst = layers.tensors().stream()
                .sorted(Comparator.comparing(LayerAnalysis.TensorError::sqnrDb,
                        Comparator.nullsLast(Comparator.naturalOrder())))
                .limit(TOP_TENSORS).toList();
        v.put("tensors", worst.stream().map(t -> new Tensor(Text.shorten(t.tensor(), NAME),
                Text.shorten(t.producer(), NAME), Text.decibels(t.sqnrDb()), Text.number(t.cosine(), 6),
                Text.significant(t.maxAbsError()))).toList());
        v.put("tensorsMore", Text.more(layers.tensors().size(), worst.size(), "tensors"));
    }

    private static String sensitivity(double value, boolean top1) {
        return top1 ? Text.points(value) : Text.significant(value);
    }

    private static String groupNodes(List<String> nodes) {
        List<String> shown = nodes.stream().limit(GROUP_NODES).map(n -> Text.shorten(n, NAME / 2)).toList();
        return String.join(", ", shown) + (nodes.size() > GROUP_NODES ? " +" + (nodes.size() - GROUP_NODES) : "");
    }

    private static void search(Map<String, Object> v, AccuracySearch search) {
        v.put("search", search != null);
        if (search == null) {
            return;
        }
        boolean drop = "top1Drop".equals(search.target().metric());
        String metricName = drop ? "top-1 drop" : "lowest output cosine";
        v.put("searchTarget", metricName + (drop ? " at most " + Text.points(search.target().threshold())
                .replace("+", "") : " at least " + Text.number(search.target().threshold(), 4)));
        v.put("searchMet", search.met());
        v.put("searchReturned", search.returnedTrial());
        v.put("searchStop", search.stopReason());
        List<AccuracySearch.Trial> trials = search.trials().stream().limit(MAX_TRIALS).toList();
        v.put("trials", trials.stream().map(t -> new Trial(t.index(), groupNodes(t.floatGroups()),
                drop ? Text.points(t.metric()) : Text.number(t.metric(), 6),
                t.top1Drop() == null ? Text.NONE : Text.points(t.top1Drop()), Text.number(t.cosine(), 6),
                Text.millis(t.latencyMsBatch1()), t.meetsTarget() ? "yes" : "no", Text.number(t.seconds(), 2) + " s",
                t.index() == search.returnedTrial())).toList());
        v.put("trialsMore", Text.more(search.trials().size(), trials.size(), "trials"));
        v.put("trialChart", trials.isEmpty() ? null : TrialChart.of(search, trials, metricName));
    }

    private static List<String> sentences(List<String> lines) {
        return lines.stream().limit(MAX_ROWS).map(l -> Text.shorten(l, SENTENCE)).toList();
    }
}
