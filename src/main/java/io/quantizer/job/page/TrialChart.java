package io.quantizer.job.page;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.quantizer.engine.report.AccuracySearch;

/**
 * The accuracy search drawn as its metric against the trial number, with the target as a dashed line: each trial
 * a dot (filled when it met the target), the returned one ringed. Laid out here, drawn by the template as SVG.
 */
public record TrialChart(String title, int width, int height, String line, List<Point> points, double targetY,
                         String targetLabel, double left, double right, double top, double bottom,
                         List<BarChart.Tick> xTicks, List<YTick> yTicks) {

    private static final int WIDTH = 760;
    private static final int HEIGHT = 260;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 14;
    private static final int BOTTOM = 34;
    private static final int MAX_X_TICKS = 12;

    /** @param css {@code met} or {@code missed}, plus {@code returned} for the artifact's trial */
    public record Point(double x, double y, double r, String css, String tooltip) {
    }

    public record YTick(double y, String label) {
    }

    static TrialChart of(AccuracySearch search, List<AccuracySearch.Trial> trials, String metricName) {
        double threshold = search.target().threshold();
        double min = threshold;
        double max = threshold;
        for (AccuracySearch.Trial t : trials) {
            if (Double.isFinite(t.metric())) {
                min = Math.min(min, t.metric());
                max = Math.max(max, t.metric());
            }
        }
        double pad = max == min ? Math.max(1e-3, Math.abs(max) * 0.01) : (max - min) * 0.08;
        min -= pad;
        max += pad;
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        double lo = min;
        double span = max - min;
        java.util.function.DoubleUnaryOperator y = v -> BarChart.round(TOP + (1 - (v - lo) / span) * plotH);
        int n = trials.size();
        java.util.function.IntToDoubleFunction x = i -> BarChart.round(n == 1 ? LEFT + plotW / 2
                : LEFT + i * plotW / (n - 1));
        List<Point> points = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < n; i++) {
            AccuracySearch.Trial t = trials.get(i);
            double metric = Double.isFinite(t.metric()) ? t.metric() : lo;
            double px = x.applyAsDouble(i);
            double py = y.applyAsDouble(metric);
            boolean returned = t.index() == search.returnedTrial();
            String css = (t.meetsTarget() ? "met" : "missed") + (returned ? " returned" : "");
            points.add(new Point(px, py, returned ? 6 : 4, css, String.format(Locale.ROOT,
                    "trial %d: %s %s, %d group(s) in float%s%s", t.index(), metricName, Text.significant(t.metric()),
                    t.floatGroups().size(), t.meetsTarget() ? ", meets the target" : "",
                    returned ? ", returned" : "")));
            line.append(i == 0 ? "" : " ").append(px).append(',').append(py);
        }
        List<BarChart.Tick> xTicks = new ArrayList<>();
        int step = Math.max(1, (int) Math.ceil(n / (double) MAX_X_TICKS));
        for (int i = 0; i < n; i += step) {
            xTicks.add(new BarChart.Tick(x.applyAsDouble(i), String.valueOf(trials.get(i).index())));
        }
        List<YTick> yTicks = List.of(new YTick(y.applyAsDouble(max), Text.significant(max)),
                new YTick(y.applyAsDouble(min), Text.significant(min)));
        String title = "Accuracy search: " + metricName + " of each trial against the target";
        return new TrialChart(title, WIDTH, HEIGHT, line.toString(), points, y.applyAsDouble(threshold),
                "target " + Text.significant(threshold), LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM, xTicks, yTicks);
    }
}
