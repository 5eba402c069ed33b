package io.convnb.display;

import java.awt.Font;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Training charts: loss and metric curves from a Keras-style history, the history as a table, and
 * a class histogram. A history maps metric names to one value per epoch, Keras' names:
 * {@code loss, accuracy, val_loss, val_accuracy}. Each metric gets a panel with its training curve
 * (solid blue) and, where {@code val_<name>} exists, its validation curve (dashed orange); epochs
 * count from 1 on the x axis.
 */
public final class Charts {

    static final int TRAIN_RGB = 0x1f77b4;
    static final int VAL_RGB = 0xff7f0e;
    static final int PANEL_W = 430;
    static final int PANEL_H = 320;

    private Charts() {
    }

    /** The curves, two panels per row (loss first), about 880 px wide for two or more metrics. */
    public static Figure trainingCurves(Map<String, List<Double>> history) {
        List<String> panels = panels(history);
        int columns = Math.min(2, panels.size());
        int rows = (panels.size() + columns - 1) / columns;
        Canvas cv = new Canvas(columns * PANEL_W + 20, rows * PANEL_H + 10);
        for (int i = 0; i < panels.size(); i++) {
            String name = panels.get(i);
            List<LinePlot.Series> series = new ArrayList<>();
            if (history.containsKey(name)) {
                series.add(series("training", history.get(name), TRAIN_RGB, false));
            }
            if (history.containsKey("val_" + name)) {
                series.add(series("validation", history.get("val_" + name), VAL_RGB, true));
            }
            LinePlot.draw(cv, 10 + (i % columns) * PANEL_W, 5 + (i / columns) * PANEL_H, PANEL_W, PANEL_H,
                    name, "epoch", true, series);
        }
        return cv.toFigure("training curves (" + String.join(", ", panels) + "), " + epochs(history) + " epochs\n"
                + historyText(history));
    }

    /** Ten distinct colours (matplotlib's tab10) for charts with several series. */
    private static final int[] PALETTE = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};

    /**
     * Several named series on one plot, e.g. one metric of several training runs or a few signals.
     * Points are at x = 1, 2, ... when {@code countFromOne} (epochs), else x = 0, 1, ... (steps).
     */
    public static Figure lines(String title, String xLabel, String yLabel, Map<String, double[]> series, boolean countFromOne) {
        if (series.isEmpty()) {
            throw new IllegalArgumentException("Charts.lines: no series to draw; give at least one name -> values entry.");
        }
        List<LinePlot.Series> list = new ArrayList<>();
        StringBuilder text = new StringBuilder(title);
        int i = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            double[] y = e.getValue();
            double[] x = new double[y.length];
            for (int j = 0; j < y.length; j++) {
                x[j] = countFromOne ? j + 1 : j;
            }
            list.add(new LinePlot.Series(e.getKey(), x, y, PALETTE[i % PALETTE.length], i >= PALETTE.length));
            text.append('\n').append(e.getKey()).append(": ").append(summary(y));
            i++;
        }
        Canvas cv = new Canvas(2 * PANEL_W + 20, PANEL_H + 60);
        LinePlot.draw(cv, 10, 5, 2 * PANEL_W, PANEL_H + 50, title + (yLabel.isEmpty() ? "" : " (" + yLabel + ")"), xLabel, countFromOne, list);
        return cv.toFigure(text.toString());
    }

    private static String summary(double[] y) {
        if (y.length <= 8) {
            StringBuilder sb = new StringBuilder();
            for (double v : y) {
                sb.append(sb.length() == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%.4g", v));
            }
            return sb.toString();
        }
        return String.format(java.util.Locale.ROOT, "%d values, first %.4g, last %.4g", y.length, y[0], y[y.length - 1]);
    }

    /** The history as a table: one row per epoch, one column per metric. */
    public static HtmlView historyTable(Map<String, List<Double>> history) {
        panels(history); // validates
        List<String> names = new ArrayList<>(history.keySet());
        int n = epochs(history);
        StringBuilder b = new StringBuilder("<table class=\"convnb-history\" style=\"").append(Html.TABLE_STYLE).append("\"><thead><tr>");
        Html.cell(b, "th", Html.HEAD_STYLE, "epoch");
        for (String name : names) {
            Html.cell(b, "th", Html.HEAD_STYLE, name);
        }
        b.append("</tr></thead><tbody>");
        for (int e = 0; e < n; e++) {
            b.append("<tr>");
            Html.cell(b, "th", Html.HEAD_STYLE, Integer.toString(e + 1));
            for (String name : names) {
                List<Double> v = history.get(name);
                Html.cell(b, "td", Html.CELL_STYLE, e < v.size() ? ProgressView.metric(v.get(e)) : "");
            }
            b.append("</tr>");
        }
        b.append("</tbody></table>");
        return new HtmlView(b.toString(), historyText(history));
    }

    private static String historyText(Map<String, List<Double>> history) {
        List<String> names = new ArrayList<>(history.keySet());
        List<String[]> rows = new ArrayList<>();
        String[] head = new String[names.size() + 1];
        head[0] = "epoch";
        for (int j = 0; j < names.size(); j++) {
            head[j + 1] = names.get(j);
        }
        rows.add(head);
        for (int e = 0; e < epochs(history); e++) {
            String[] r = new String[names.size() + 1];
            r[0] = Integer.toString(e + 1);
            for (int j = 0; j < names.size(); j++) {
                List<Double> v = history.get(names.get(j));
                r[j + 1] = e < v.size() ? ProgressView.metric(v.get(e)) : "";
            }
            rows.add(r);
        }
        return TextTable.align(rows, true);
    }

    /** Panel names: metrics without the {@code val_} prefix, loss first, then in the history's order. */
    static List<String> panels(Map<String, List<Double>> history) {
        if (history == null || history.isEmpty()) {
            throw new IllegalArgumentException("Training curves need a history with at least one metric, e.g. {loss=[0.9, 0.5]}; got "
                    + (history == null ? "null" : "an empty map") + ". Train with fit(...) first.");
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, List<Double>> e : history.entrySet()) {
            if (e.getValue() == null || e.getValue().isEmpty()) {
                throw new IllegalArgumentException("History metric '" + e.getKey() + "' has no values; every metric needs one value per epoch.");
            }
            String base = e.getKey().startsWith("val_") ? e.getKey().substring(4) : e.getKey();
            if (!out.contains(base)) {
                out.add(base);
            }
        }
        out.sort(Comparator.comparing((String s) -> !s.equals("loss")));
        return out;
    }

    private static int epochs(Map<String, List<Double>> history) {
        return history.values().stream().mapToInt(List::size).max().orElse(0);
    }

    private static LinePlot.Series series(String name, List<Double> values, int rgb, boolean dashed) {
        double[] x = new double[values.size()];
        double[] y = new double[values.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
            Double v = values.get(i);
            y[i] = v == null ? Double.NaN : v;
        }
        return new LinePlot.Series(name, x, y, rgb, dashed);
    }

    /** Counts labels per class and draws {@link #classCounts}. */
    public static Figure classHistogram(int[] labels, List<String> classNames) {
        long[] counts = new long[classNames.size()];
        for (int i = 0; i < labels.length; i++) {
            int l = labels[i];
            if (l < 0 || l >= counts.length) {
                throw new IllegalArgumentException("Label " + l + " at index " + i + " is outside 0.." + (counts.length - 1)
                        + " for " + counts.length + " class names; pass one name per class.");
            }
            counts[l]++;
        }
        return classCounts(counts, classNames);
    }

    /** A bar chart of counts per class with the count above each bar and the class names below. */
    public static Figure classCounts(long[] counts, List<String> classNames) {
        if (counts.length == 0 || counts.length != classNames.size()) {
            throw new IllegalArgumentException("Class histogram needs one count per class name; got " + counts.length
                    + " counts and " + classNames.size() + " names.");
        }
        int n = counts.length;
        long total = 0;
        long max = 1;
        for (long c : counts) {
            total += c;
            max = Math.max(max, c);
        }
        Font labelFont = Canvas.font(Font.PLAIN, 11);
        int nameW = 0;
        for (String s : classNames) {
            nameW = Math.max(nameW, Canvas.textWidth(s, labelFont));
        }
        int slot = Math.max(24, Math.min(70, 760 / n));
        boolean rotate = nameW > slot - 6;
        int left = 70;
        int top = 50;
        int plotH = 260;
        int plotW = slot * n;
        int bottom = rotate ? nameW + 24 : 30;
        Canvas cv = new Canvas(Math.max(left + plotW + 30, 420), top + plotH + bottom + 10);
        cv.font(Canvas.font(Font.BOLD, 14));
        cv.color(0x000000);
        String title = "class counts (n=" + SummaryHtml.count(total) + ", " + n + " classes)";
        cv.text(title, 16, 26, -1);
        double[] yt = LinePlot.ticks(0, max * 1.1, 5, true);
        double ymax = Math.max(yt[yt.length - 1], max * 1.1);
        cv.font(labelFont);
        for (double t : yt) {
            int y = (int) Math.round(top + plotH - t / ymax * plotH);
            cv.color(0xe6e6e6);
            cv.g.drawLine(left, y, left + plotW, y);
            cv.color(0x333333);
            cv.text(SummaryHtml.count(Math.round(t)), left - 6, y + 4, 1);
        }
        for (int i = 0; i < n; i++) {
            int bh = (int) Math.round(counts[i] / ymax * plotH);
            int x = left + i * slot + slot / 8;
            cv.color(0x4a90d9);
            cv.g.fillRect(x, top + plotH - bh, slot - slot / 4, bh);
            cv.color(0x000000);
            cv.font(Canvas.font(Font.PLAIN, Math.min(11f, slot / 3.5f)));
            cv.text(Long.toString(counts[i]), left + i * slot + slot / 2.0, top + plotH - bh - 4, 0);
            cv.font(labelFont);
            if (rotate) {
                java.awt.geom.AffineTransform saved = cv.g.getTransform();
                cv.g.translate(left + i * slot + slot / 2.0 + 4, top + plotH + 8);
                cv.g.rotate(-Math.PI / 2);
                cv.text(classNames.get(i), 0, 0, 1);
                cv.g.setTransform(saved);
            } else {
                cv.text(classNames.get(i), left + i * slot + slot / 2.0, top + plotH + 16, 0);
            }
        }
        cv.color(0x666666);
        cv.g.drawRect(left, top, plotW, plotH);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"class", "count"});
        for (int i = 0; i < n; i++) {
            rows.add(new String[] {classNames.get(i), Long.toString(counts[i])});
        }
        return cv.toFigure(title + "\n" + TextTable.align(rows, false));
    }
}
