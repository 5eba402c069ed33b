package io.convnb.display;

import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A confusion matrix {@code counts[true][predicted]} with class names, as a PNG and as an HTML
 * table. Cells show counts; their colour is the row-normalised rate
 * {@code counts[i][j] / sum_j counts[i][j]} (the share of class i predicted as j; the diagonal is
 * per-class recall) on the Blues map, so rare classes are as readable as common ones.
 */
public final class ConfusionMatrix {

    private ConfusionMatrix() {
    }

    /** Counts from parallel label arrays: {@code counts[trueLabels[k]][predicted[k]]++}. */
    public static int[][] count(int[] trueLabels, int[] predicted, int classes) {
        if (trueLabels.length != predicted.length) {
            throw new IllegalArgumentException("Confusion matrix needs as many predictions as labels; got "
                    + trueLabels.length + " labels and " + predicted.length + " predictions.");
        }
        int[][] m = new int[classes][classes];
        for (int k = 0; k < trueLabels.length; k++) {
            int t = trueLabels[k];
            int p = predicted[k];
            if (t < 0 || t >= classes || p < 0 || p >= classes) {
                throw new IllegalArgumentException("Sample " + k + " has label " + t + " and prediction " + p
                        + ", outside 0.." + (classes - 1) + " for " + classes + " classes.");
            }
            m[t][p]++;
        }
        return m;
    }

    private static void check(int[][] counts, List<String> names) {
        int n = names.size();
        if (n == 0 || counts.length != n) {
            throw new IllegalArgumentException("Confusion matrix needs an n x n count matrix for n class names; got "
                    + counts.length + " rows and " + n + " names.");
        }
        for (int i = 0; i < n; i++) {
            if (counts[i].length != n) {
                throw new IllegalArgumentException("Confusion matrix row " + i + " has " + counts[i].length
                        + " columns; every row needs " + n + " (one per class).");
            }
            for (int c : counts[i]) {
                if (c < 0) {
                    throw new IllegalArgumentException("Confusion matrix row " + i + " has a negative count " + c + ".");
                }
            }
        }
    }

    /** Row-normalised rates; rows without samples stay 0. */
    static double[][] rates(int[][] counts) {
        double[][] r = new double[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            long sum = 0;
            for (int c : counts[i]) {
                sum += c;
            }
            r[i] = new double[counts[i].length];
            for (int j = 0; j < counts[i].length; j++) {
                r[i][j] = sum == 0 ? 0 : counts[i][j] / (double) sum;
            }
        }
        return r;
    }

    private static String title(int[][] counts) {
        long total = 0;
        long right = 0;
        for (int i = 0; i < counts.length; i++) {
            for (int j = 0; j < counts.length; j++) {
                total += counts[i][j];
                right += i == j ? counts[i][j] : 0;
            }
        }
        return String.format(Locale.ROOT, "confusion matrix: accuracy %.2f%% (%d of %d)",
                total == 0 ? 0.0 : 100.0 * right / total, right, total);
    }

    /** The PNG: true classes down the left, predicted classes along the bottom. */
    public static Figure png(int[][] counts, List<String> classNames) {
        check(counts, classNames);
        int n = counts.length;
        double[][] rates = rates(counts);
        Font nameFont = Canvas.font(Font.PLAIN, 12);
        int nameW = 0;
        for (String s : classNames) {
            nameW = Math.max(nameW, Canvas.textWidth(s, nameFont));
        }
        int cell = Math.max(16, Math.min(64, 520 / n));
        int left = 16 + 22 + nameW + 10;
        int top = 56;
        int grid = cell * n;
        int bottomSpace = 10 + nameW + 30;
        int width = Math.max(left + grid + Tiles.BAR_SPACE + 16, 520);
        Canvas cv = new Canvas(width, top + grid + bottomSpace);
        String title = title(counts);
        cv.font(Canvas.font(Font.BOLD, 14));
        cv.color(0x000000);
        cv.text(title, 16, 24, -1);
        cv.font(Canvas.font(Font.PLAIN, 12));
        cv.color(0x444444);
        cv.text("colour: share of each true class (row-normalised)", 16, 42, -1);
        cv.raster(rates, 0, 1, ColorMap.BLUES, left, top, cell, cell);
        int maxCount = 0;
        for (int[] row : counts) {
            for (int c : row) {
                maxCount = Math.max(maxCount, c);
            }
        }
        float size = Math.min(12f, cell / (Integer.toString(maxCount).length() * 0.62f + 0.8f));
        if (size >= 7f) {
            cv.font(Canvas.font(Font.PLAIN, size));
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    cv.color(Canvas.labelColourOn(ColorMap.BLUES.rgb(rates[i][j])));
                    cv.centred(Integer.toString(counts[i][j]), left + j * cell + cell / 2.0, top + i * cell + cell / 2.0);
                }
            }
        }
        cv.color(0x999999);
        cv.g.drawRect(left, top, grid, grid);
        cv.font(nameFont);
        cv.color(0x000000);
        for (int i = 0; i < n; i++) {
            cv.text(classNames.get(i), left - 8, top + i * cell + cell / 2.0 + 4, 1);
            java.awt.geom.AffineTransform saved = cv.g.getTransform();
            cv.g.translate(left + i * cell + cell / 2.0 + 4, top + grid + 8);
            cv.g.rotate(-Math.PI / 2);
            cv.text(classNames.get(i), 0, 0, 1);
            cv.g.setTransform(saved);
        }
        cv.font(Canvas.font(Font.BOLD, 12));
        cv.vertical("true class", 16 + 8, top + grid / 2.0);
        cv.text("predicted class", left + grid / 2.0, top + grid + 10 + nameW + 20, 0);
        cv.colorBar(left + grid + 24, top, Tiles.BAR_W, Math.max(grid, 100), 0, 1, ColorMap.BLUES);
        return cv.toFigure(title + "\n" + text(counts, classNames));
    }

    /** The HTML table: counts, coloured like the PNG, with row totals and recall. */
    public static HtmlView html(int[][] counts, List<String> classNames) {
        check(counts, classNames);
        double[][] rates = rates(counts);
        StringBuilder b = new StringBuilder("<table class=\"convnb-confusion\" style=\"").append(Html.TABLE_STYLE).append("\">");
        b.append("<caption style=\"caption-side:top;text-align:left;font-size:12px;color:#555;\">")
                .append(Html.escape(title(counts) + "; rows: true class, columns: predicted class")).append("</caption><thead><tr>");
        Html.cell(b, "th", Html.HEAD_STYLE, "true \\ predicted");
        for (String s : classNames) {
            Html.cell(b, "th", Html.HEAD_STYLE, s);
        }
        Html.cell(b, "th", Html.HEAD_STYLE, "total");
        Html.cell(b, "th", Html.HEAD_STYLE, "recall");
        b.append("</tr></thead><tbody>");
        for (int i = 0; i < counts.length; i++) {
            b.append("<tr>");
            Html.cell(b, "th", Html.HEAD_STYLE, classNames.get(i));
            long sum = 0;
            for (int j = 0; j < counts.length; j++) {
                int bg = ColorMap.BLUES.rgb(rates[i][j]);
                String style = Html.CELL_STYLE + String.format(Locale.ROOT, "background:#%06x;color:#%06x;", bg, Canvas.labelColourOn(bg));
                Html.cell(b, "td", style, Integer.toString(counts[i][j]));
                sum += counts[i][j];
            }
            Html.cell(b, "td", Html.CELL_STYLE, Long.toString(sum));
            Html.cell(b, "td", Html.CELL_STYLE, sum == 0 ? "" : String.format(Locale.ROOT, "%.3f", rates[i][i]));
            b.append("</tr>");
        }
        b.append("</tbody></table>");
        return new HtmlView(b.toString(), title(counts) + "\n" + text(counts, classNames));
    }

    private static String text(int[][] counts, List<String> names) {
        List<String[]> rows = new ArrayList<>();
        String[] head = new String[names.size() + 1];
        head[0] = "true \\ pred";
        for (int j = 0; j < names.size(); j++) {
            head[j + 1] = names.get(j);
        }
        rows.add(head);
        for (int i = 0; i < counts.length; i++) {
            String[] r = new String[names.size() + 1];
            r[0] = names.get(i);
            for (int j = 0; j < counts.length; j++) {
                r[j + 1] = Integer.toString(counts[i][j]);
            }
            rows.add(r);
        }
        return TextTable.align(rows, true);
    }
}
