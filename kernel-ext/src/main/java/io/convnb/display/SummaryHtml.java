package io.convnb.display;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A model summary in Keras' layout: one row per layer ({@code "conv2d (Conv2D)"},
 * {@code "(None, 26, 26, 32)"}, {@code "320"}), then the total, trainable and non-trainable
 * parameter counts with their memory at 4 bytes per float32 parameter. The engine supplies the
 * rows as strings; this class only lays them out, as an HTML table and as Keras' text.
 */
public final class SummaryHtml {

    /** Keras' column headings. */
    public static final List<String> KERAS_HEADER = List.of("Layer (type)", "Output Shape", "Param #");

    private SummaryHtml() {
    }

    /** The summary with Keras' three columns. */
    public static HtmlView of(String modelName, List<List<String>> rows, long totalParams, long trainableParams) {
        return of(modelName, KERAS_HEADER, rows, totalParams, trainableParams);
    }

    /**
     * The summary with any header.
     *
     * @throws IllegalArgumentException if a row's length differs from the header's, or the counts are inconsistent
     */
    public static HtmlView of(String modelName, List<String> header, List<List<String>> rows, long totalParams, long trainableParams) {
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).size() != header.size()) {
                throw new IllegalArgumentException("Summary row " + i + " has " + rows.get(i).size() + " cells " + rows.get(i)
                        + " but the header has " + header.size() + " " + header + "; give one cell per column.");
            }
        }
        if (totalParams < 0 || trainableParams < 0 || trainableParams > totalParams) {
            throw new IllegalArgumentException("Summary parameter counts are inconsistent: total=" + totalParams
                    + ", trainable=" + trainableParams + "; need 0 <= trainable <= total.");
        }
        String name = modelName == null ? "model" : modelName;
        List<String> footer = List.of(
                "Total params: " + count(totalParams) + " (" + memory(totalParams) + ")",
                "Trainable params: " + count(trainableParams) + " (" + memory(trainableParams) + ")",
                "Non-trainable params: " + count(totalParams - trainableParams) + " (" + memory(totalParams - trainableParams) + ")");
        return new HtmlView(html(name, header, rows, footer), text(name, header, rows, footer));
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Keras' readable size of n float32 parameters: 4n bytes in B, KB, MB or GB (powers of 1024), 2 decimals. */
    static String memory(long params) {
        double bytes = params * 4.0;
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        int u = 0;
        while (bytes >= 1024 && u < units.length - 1) {
            bytes /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", bytes, units[u]);
    }

    private static String html(String name, List<String> header, List<List<String>> rows, List<String> footer) {
        StringBuilder b = new StringBuilder();
        b.append("<div class=\"convnb-summary\">");
        b.append("<table style=\"").append(Html.TABLE_STYLE).append("\">");
        b.append("<caption style=\"caption-side:top;text-align:left;font-weight:bold;\">")
                .append(Html.escape("Model: \"" + name + "\"")).append("</caption><thead><tr>");
        for (String h : header) {
            Html.cell(b, "th", Html.HEAD_STYLE, h);
        }
        b.append("</tr></thead><tbody>");
        String left = Html.CELL_STYLE.replace("text-align:right;", "text-align:left;");
        for (List<String> r : rows) {
            b.append("<tr>");
            for (int j = 0; j < r.size(); j++) {
                // Numbers (the last column) right-aligned, names and shapes left-aligned.
                Html.cell(b, "td", j == r.size() - 1 ? Html.CELL_STYLE : left, r.get(j));
            }
            b.append("</tr>");
        }
        b.append("</tbody></table>");
        for (String f : footer) {
            b.append("<div style=\"font-size:12px;\">").append(Html.escape(f)).append("</div>");
        }
        return b.append("</div>").toString();
    }

    private static String text(String name, List<String> header, List<List<String>> rows, List<String> footer) {
        int[] w = new int[header.size()];
        for (int j = 0; j < w.length; j++) {
            w[j] = header.get(j).length();
            for (List<String> r : rows) {
                w[j] = Math.max(w[j], r.get(j).length());
            }
            w[j] += 3;
        }
        int total = 1;
        for (int x : w) {
            total += x;
        }
        StringBuilder b = new StringBuilder("Model: \"" + name + "\"\n");
        b.append("_".repeat(total)).append('\n');
        b.append(line(header, w)).append('\n');
        b.append("=".repeat(total)).append('\n');
        for (int i = 0; i < rows.size(); i++) {
            b.append(line(rows.get(i), w)).append('\n');
            if (i < rows.size() - 1) {
                b.append('\n'); // Keras separates layers by a blank line
            }
        }
        b.append("=".repeat(total)).append('\n');
        for (String f : footer) {
            b.append(f).append('\n');
        }
        b.append("_".repeat(total));
        List<String> out = new ArrayList<>();
        for (String l : b.toString().split("\n", -1)) {
            out.add(l.stripTrailing());
        }
        return String.join("\n", out);
    }

    private static String line(List<String> cells, int[] w) {
        StringBuilder b = new StringBuilder(" ");
        for (int j = 0; j < cells.size(); j++) {
            String c = cells.get(j);
            b.append(c).append(" ".repeat(Math.max(1, w[j] - c.length())));
        }
        return b.toString();
    }
}
