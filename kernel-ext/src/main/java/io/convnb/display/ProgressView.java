package io.convnb.display;

import java.util.Locale;
import java.util.Map;

/**
 * A training progress bar with elapsed time, ETA and current metrics, as HTML (no JavaScript:
 * the kernel replaces the whole output through its display id) and as Keras' text line:
 * <pre>
 * Epoch 3/10
 * 120/938 [===&gt;..........................] - ETA: 12s - loss: 0.4321 - accuracy: 0.8765
 * </pre>
 * ETA is linear: {@code eta = elapsed / done * (total - done)}.
 */
public final class ProgressView {

    /** Width of the text bar in characters (as Keras). */
    static final int BAR = 30;

    private ProgressView() {
    }

    /**
     * The progress view.
     *
     * @param label          e.g. "Epoch 3/10", may be empty
     * @param done           steps done, 0..total
     * @param total          steps in the epoch, at least 1
     * @param elapsedSeconds time since the epoch started
     * @param metrics        current metric values in display order (use a LinkedHashMap), may be empty
     */
    public static HtmlView of(String label, long done, long total, double elapsedSeconds, Map<String, Double> metrics) {
        if (total < 1 || done < 0 || done > total) {
            throw new IllegalArgumentException("Progress needs 0 <= done <= total and total >= 1; got done=" + done
                    + ", total=" + total + ".");
        }
        if (!(elapsedSeconds >= 0)) {
            throw new IllegalArgumentException("Progress elapsed time must be >= 0 seconds; got " + elapsedSeconds + ".");
        }
        double fraction = done / (double) total;
        boolean finished = done == total;
        String timing = finished
                ? duration(elapsedSeconds) + (done > 0 ? " " + perStep(elapsedSeconds / done) : "")
                : "ETA: " + (done == 0 ? "?" : duration(elapsedSeconds / done * (total - done)));
        StringBuilder m = new StringBuilder();
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            m.append(" - ").append(e.getKey()).append(": ").append(metric(e.getValue()));
        }
        String count = pad(Long.toString(done), Long.toString(total).length()) + "/" + total;
        String text = (label == null || label.isEmpty() ? "" : label + "\n") + count + " " + bar(fraction, finished) + " - " + timing + m;
        return new HtmlView(html(label, count, fraction, timing, metrics), text);
    }

    private static String bar(double fraction, boolean finished) {
        int filled = (int) Math.floor(fraction * BAR);
        StringBuilder b = new StringBuilder("[");
        if (finished) {
            b.append("=".repeat(BAR));
        } else {
            b.append("=".repeat(Math.max(0, filled))).append('>').append(".".repeat(Math.max(0, BAR - filled - 1)));
        }
        return b.append(']').toString();
    }

    private static String html(String label, String count, double fraction, String timing, Map<String, Double> metrics) {
        String pct = String.format(Locale.ROOT, "%.1f", fraction * 100);
        StringBuilder b = new StringBuilder("<div class=\"convnb-progress\" style=\"font-family:monospace;font-size:12px;\">");
        if (label != null && !label.isEmpty()) {
            b.append("<div style=\"font-weight:bold;\">").append(Html.escape(label)).append("</div>");
        }
        b.append("<div style=\"display:inline-block;width:300px;height:12px;border:1px solid #888;background:#eee;vertical-align:middle;\">")
                .append("<div style=\"width:").append(pct).append("%;height:100%;background:#4a90d9;\"></div></div>");
        b.append(" <span>").append(Html.escape(count)).append(" (").append(pct).append("%) - ").append(Html.escape(timing)).append("</span>");
        if (!metrics.isEmpty()) {
            b.append("<div>");
            boolean first = true;
            for (Map.Entry<String, Double> e : metrics.entrySet()) {
                b.append(first ? "" : " - ").append("<span>").append(Html.escape(e.getKey())).append(": <b>")
                        .append(Html.escape(metric(e.getValue()))).append("</b></span>");
                first = false;
            }
            b.append("</div>");
        }
        return b.append("</div>").toString();
    }

    /** Keras' metric format: 4 decimals, or scientific below 1e-3. */
    static String metric(Double v) {
        if (v == null || v.isNaN()) {
            return "nan";
        }
        return Math.abs(v) < 1e-3 && v != 0 ? String.format(Locale.ROOT, "%.4e", v) : String.format(Locale.ROOT, "%.4f", v);
    }

    /** Keras' duration: "12s", "1:02" above a minute, "1:01:02" above an hour. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        }
        return s + "s";
    }

    private static String perStep(double seconds) {
        if (seconds >= 1) {
            return String.format(Locale.ROOT, "%.0fs/step", seconds);
        }
        if (seconds >= 1e-3) {
            return String.format(Locale.ROOT, "%.0fms/step", seconds * 1e3);
        }
        return String.format(Locale.ROOT, "%.0fus/step", seconds * 1e6);
    }

    private static String pad(String s, int w) {
        return " ".repeat(Math.max(0, w - s.length())) + s;
    }

    /**
     * The progress view followed by a chart (e.g. {@link Charts#trainingCurves} of the epochs so far),
     * as one output that can be replaced in place through its display id. The chart is embedded as
     * a {@code data:} URI, so the saved notebook keeps it without any server or CDN.
     */
    public static HtmlView withChart(HtmlView progress, Figure chart) {
        String img = "<div><img src=\"data:image/png;base64," + chart.base64() + "\" width=\"" + chart.width()
                + "\" height=\"" + chart.height() + "\" alt=\"" + Html.escape(firstLine(chart.text())) + "\"/></div>";
        return new HtmlView(progress.html() + img, progress.text() + "\n" + chart.text());
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
