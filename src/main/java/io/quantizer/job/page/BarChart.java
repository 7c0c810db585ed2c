package io.quantizer.job.page;

import java.util.ArrayList;
import java.util.List;

/**
 * A horizontal bar chart laid out on the server, for the template to draw as inline SVG: one row per value, bars
 * growing right from zero (left for negative values), the row's label on the left and its figure on the right.
 * Only numbers are computed here; labels stay text for the template to escape.
 *
 * @param title what the chart shows (the SVG's accessible name)
 * @param zeroX where the value 0 lies
 * @param ticks the axis marks under the bars
 */
public record BarChart(String title, int width, int height, double zeroX, double plotBottom, List<Bar> bars,
                       List<Tick> ticks) {

    static final int WIDTH = 760;
    private static final int LABEL_WIDTH = 250;
    private static final int VALUE_WIDTH = 150;
    private static final int ROW = 22;
    private static final int BAR = 16;
    private static final int TOP = 6;
    private static final int AXIS = 24;
    private static final int LABEL_CHARS = 34;

    /**
     * @param label   the row's name, shortened for the axis
     * @param tooltip the longer name and figure shown on hover
     * @param css     the bar's class (its colour)
     */
    public record Bar(String label, String value, String tooltip, String css, double x, double y, double width,
                      double height, double textY) {
    }

    public record Tick(double x, String label) {
    }

    /** One row to draw: {@code label} is the raw name (hostile text is fine: the template escapes it). */
    record Row(String label, double value, String valueText, String css) {
    }

    static BarChart of(String title, List<Row> rows, java.util.function.DoubleFunction<String> tickFormat) {
        double min = 0;
        double max = 0;
        for (Row r : rows) {
            if (Double.isFinite(r.value())) {
                min = Math.min(min, r.value());
                max = Math.max(max, r.value());
            }
        }
        if (max == min) {
            max = min + 1;
        }
        double plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
        double scale = plot / (max - min);
        double zero = LABEL_WIDTH + (0 - min) * scale;
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            double v = Double.isFinite(r.value()) ? r.value() : 0;
            double left = LABEL_WIDTH + (Math.min(0, v) - min) * scale;
            double right = LABEL_WIDTH + (Math.max(0, v) - min) * scale;
            double y = TOP + i * ROW;
            // a zero still shows as a hairline, so every row has a visible mark
            bars.add(new Bar(Text.shorten(r.label(), LABEL_CHARS), r.valueText(),
                    Text.shorten(r.label(), 300) + ": " + r.valueText(), r.css(), round(left),
                    round(y), round(Math.max(1, right - left)), BAR, round(y + BAR - 4)));
        }
        double bottom = TOP + rows.size() * ROW;
        List<Tick> ticks = new ArrayList<>();
        ticks.add(new Tick(round(zero), tickFormat.apply(0)));
        if (max > 0) {
            ticks.add(new Tick(round(LABEL_WIDTH + plot), tickFormat.apply(max)));
        }
        if (min < 0) {
            ticks.add(new Tick(LABEL_WIDTH, tickFormat.apply(min)));
        }
        return new BarChart(title, WIDTH, (int) Math.ceil(bottom + AXIS), round(zero), round(bottom), bars, ticks);
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** Where the figures column starts. */
    public int valueX() {
        return WIDTH - VALUE_WIDTH + 8;
    }

    /** Where the labels end (they are right-aligned). */
    public int labelX() {
        return LABEL_WIDTH - 8;
    }
}
