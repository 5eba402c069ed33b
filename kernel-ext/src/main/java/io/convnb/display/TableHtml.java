package io.convnb.display;

import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Tablesaw {@link Table} as an HTML table and as aligned text. Tables with more rows than
 * {@code maxRows} show the first and last {@code maxRows/2} rows with an ellipsis row between
 * them; the same for columns. Cell text is Tablesaw's own formatting ({@link Column#getString}),
 * HTML-escaped; column types are shown under the names.
 */
public final class TableHtml {

    /** Default row limit: 10 head and 10 tail rows. */
    public static final int DEFAULT_MAX_ROWS = 20;
    /** Default column limit: 6 leading and 6 trailing columns. */
    public static final int DEFAULT_MAX_COLS = 12;

    private TableHtml() {
    }

    /** HTML and text with the default limits. */
    public static HtmlView of(Table table) {
        return of(table, DEFAULT_MAX_ROWS, DEFAULT_MAX_COLS);
    }

    /**
     * HTML and text showing at most {@code maxRows} rows and {@code maxCols} columns.
     *
     * @throws IllegalArgumentException if a limit is below 2 (one head and one tail item)
     */
    public static HtmlView of(Table table, int maxRows, int maxCols) {
        if (table == null) {
            throw new IllegalArgumentException("TableHtml needs a Table, got null.");
        }
        if (maxRows < 2 || maxCols < 2) {
            throw new IllegalArgumentException("TableHtml limits must be at least 2 (one head and one tail item); got maxRows="
                    + maxRows + ", maxCols=" + maxCols + ".");
        }
        List<Integer> rows = pick(table.rowCount(), maxRows);
        List<Integer> cols = pick(table.columnCount(), maxCols);
        String title = (table.name() == null || table.name().isBlank() ? "Table" : table.name())
                + " (" + table.rowCount() + " rows x " + table.columnCount() + " columns)";
        return new HtmlView(html(table, rows, cols, title), text(table, rows, cols, title));
    }

    /** Indices 0..n-1, or the first and last limit/2 with -1 marking the gap. */
    static List<Integer> pick(int n, int limit) {
        List<Integer> out = new ArrayList<>();
        if (n <= limit) {
            for (int i = 0; i < n; i++) {
                out.add(i);
            }
            return out;
        }
        int head = (limit + 1) / 2;
        int tail = limit / 2;
        for (int i = 0; i < head; i++) {
            out.add(i);
        }
        out.add(-1);
        for (int i = n - tail; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    private static String cell(Table t, int row, int col) {
        if (row < 0 || col < 0) {
            return Html.ELLIPSIS;
        }
        Column<?> c = t.column(col);
        return c.isMissing(row) ? "" : c.getString(row);
    }

    private static String html(Table t, List<Integer> rows, List<Integer> cols, String title) {
        StringBuilder b = new StringBuilder();
        b.append("<table class=\"convnb-table\" style=\"").append(Html.TABLE_STYLE).append("\">");
        b.append("<caption style=\"caption-side:top;text-align:left;font-size:12px;color:#555;\">")
                .append(Html.escape(title)).append("</caption><thead><tr>");
        Html.cell(b, "th", Html.HEAD_STYLE, "");
        for (int c : cols) {
            if (c < 0) {
                Html.cell(b, "th", Html.HEAD_STYLE, Html.ELLIPSIS);
            } else {
                b.append("<th style=\"").append(Html.HEAD_STYLE).append("\" title=\"")
                        .append(Html.escape(t.column(c).type().name())).append("\">")
                        .append(Html.escape(t.column(c).name())).append("</th>");
            }
        }
        b.append("</tr></thead><tbody>");
        for (int r : rows) {
            b.append("<tr>");
            Html.cell(b, "th", Html.HEAD_STYLE, r < 0 ? Html.ELLIPSIS : Integer.toString(r));
            for (int c : cols) {
                Html.cell(b, "td", Html.CELL_STYLE, cell(t, r, c));
            }
            b.append("</tr>");
        }
        return b.append("</tbody></table>").toString();
    }

    private static String text(Table t, List<Integer> rows, List<Integer> cols, String title) {
        List<String[]> lines = new ArrayList<>();
        String[] head = new String[cols.size() + 1];
        head[0] = "";
        for (int j = 0; j < cols.size(); j++) {
            head[j + 1] = cols.get(j) < 0 ? Html.ELLIPSIS : t.column(cols.get(j)).name();
        }
        lines.add(head);
        for (int r : rows) {
            String[] line = new String[cols.size() + 1];
            line[0] = r < 0 ? Html.ELLIPSIS : Integer.toString(r);
            for (int j = 0; j < cols.size(); j++) {
                line[j + 1] = cell(t, r, cols.get(j));
            }
            lines.add(line);
        }
        return title + "\n" + TextTable.align(lines, true);
    }
}
