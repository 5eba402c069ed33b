package io.convnb.display;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code text/html} of a 0-D, 1-D or 2-D array: a table with row and column indices, the values
 * formatted exactly as in {@link TensorText}, and for summarised arrays (more elements than the
 * threshold) the head and tail rows and columns with an ellipsis row and column between them.
 * A caption gives the shape and dtype. Output is XHTML-compatible and escaped.
 */
public final class TensorHtml {

    private TensorHtml() {
    }

    /** Whether {@link #of} can draw the array: rank 0, 1 or 2. */
    public static boolean supports(INDArray a) {
        return a != null && a.rank() <= 2;
    }

    /** The table with the kernel-wide options. */
    public static String of(INDArray a) {
        return of(a, DisplayOptions.global());
    }

    /** The table with the given options. */
    public static String of(INDArray a, DisplayOptions options) {
        if (!supports(a)) {
            throw new IllegalArgumentException("An HTML table shows 0-D, 1-D or 2-D arrays; got shape "
                    + (a == null ? "null" : TensorText.shapeString(a.shape()))
                    + ". Use the text form or a heatmap, or select a 2-D slice first.");
        }
        StringBuilder b = new StringBuilder();
        b.append("<table class=\"convnb-tensor\" style=\"").append(Html.TABLE_STYLE).append("\">");
        b.append("<caption style=\"caption-side:top;text-align:left;font-size:12px;color:#555;\">")
                .append(Html.escape("shape=" + TensorText.shapeString(a.shape()) + ", dtype=" + TensorText.dtypeName(a.dataType())));
        if (a.length() > options.threshold()) {
            b.append(Html.escape(", summarised (" + options.rows() + " edge rows, " + options.cols() + " edge columns)"));
        }
        b.append("</caption>");
        if (a.length() == 0) {
            return b.append("<tbody><tr><td style=\"").append(Html.CELL_STYLE).append("\">(empty)</td></tr></tbody></table>").toString();
        }
        INDArray m = a.rank() == 2 ? a : a.reshape(1, Math.max(1, a.length()));
        TensorSample s = TensorSample.of(m, options);
        String[] cells = s.formatted(options.precision());
        long[] rows = s.shown[0];
        long[] cols = s.shown[1];
        boolean rowGap = s.gapAt(0);
        boolean colGap = s.gapAt(1);
        boolean rowIndex = a.rank() == 2;
        b.append("<thead><tr>");
        if (rowIndex) {
            Html.cell(b, "th", Html.HEAD_STYLE, "");
        }
        for (int j = 0; j < cols.length; j++) {
            if (colGap && j == cols.length / 2) {
                Html.cell(b, "th", Html.HEAD_STYLE, Html.ELLIPSIS);
            }
            Html.cell(b, "th", Html.HEAD_STYLE, Long.toString(cols[j]));
        }
        b.append("</tr></thead><tbody>");
        for (int i = 0; i < rows.length; i++) {
            if (rowGap && i == rows.length / 2) {
                b.append("<tr>");
                if (rowIndex) {
                    Html.cell(b, "th", Html.HEAD_STYLE, Html.ELLIPSIS);
                }
                for (int j = 0; j < cols.length + (colGap ? 1 : 0); j++) {
                    Html.cell(b, "td", Html.CELL_STYLE, Html.ELLIPSIS);
                }
                b.append("</tr>");
            }
            b.append("<tr>");
            if (rowIndex) {
                Html.cell(b, "th", Html.HEAD_STYLE, Long.toString(rows[i]));
            }
            for (int j = 0; j < cols.length; j++) {
                if (colGap && j == cols.length / 2) {
                    Html.cell(b, "td", Html.CELL_STYLE, Html.ELLIPSIS);
                }
                Html.cell(b, "td", Html.CELL_STYLE, cells[i * cols.length + j].strip());
            }
            b.append("</tr>");
        }
        return b.append("</tbody></table>").toString();
    }
}
