package io.convnb.magic;

import io.convnb.ops.ConvReference;
import io.convnb.shape.Geometry2D;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reading the matrices of a {@code %%conv} body, and writing matrices as text and HTML. */
final class Matrices {
    private Matrices() {
    }

    /**
     * Splits the body into blocks separated by blank lines; each block is a matrix, rows by line,
     * numbers by spaces or commas; {@code #} starts a comment.
     *
     * @throws MagicArgumentException naming the line of a bad number or a row of the wrong length
     */
    static List<ConvSteps.Block> blocks(String magic, String body) {
        List<ConvSteps.Block> blocks = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        int first = 0;
        String[] lines = body.split("\r?\n", -1);
        for (int i = 0; i <= lines.length; i++) {
            String code = "";
            if (i < lines.length) {
                int hash = lines[i].indexOf('#');
                code = (hash >= 0 ? lines[i].substring(0, hash) : lines[i]).strip();
            }
            if (code.isEmpty()) {
                if (!rows.isEmpty()) {
                    blocks.add(new ConvSteps.Block(first, rows.toArray(double[][]::new)));
                    rows = new ArrayList<>();
                }
                continue;
            }
            if (rows.isEmpty()) {
                first = i + 1;
            }
            String[] parts = code.split("[\\s,]+");
            double[] row = new double[parts.length];
            for (int j = 0; j < parts.length; j++) {
                try {
                    row[j] = Double.parseDouble(parts[j]);
                } catch (NumberFormatException e) {
                    throw new MagicArgumentException(magic + " body line " + (i + 1) + ": '" + parts[j] + "' is not a"
                            + " number. Write numbers separated by spaces or commas, e.g. '1 0 -1' or '0.5, 2'.");
                }
                if (!Double.isFinite(row[j])) {
                    throw new MagicArgumentException(magic + " body line " + (i + 1) + ": '" + parts[j] + "' is not a"
                            + " finite number. Use finite values such as 1, -0.5 or 2e3.");
                }
            }
            if (!rows.isEmpty() && row.length != rows.get(0).length) {
                throw new MagicArgumentException(magic + " body line " + (i + 1) + ": this row has " + row.length
                        + " number" + (row.length == 1 ? "" : "s") + " but the matrix starting on line " + first + " has "
                        + rows.get(0).length + " per row. Give every row the same length (a blank line starts the next matrix).");
            }
            rows.add(row);
        }
        if (blocks.isEmpty()) {
            throw new MagicArgumentException(magic + ": the body is empty. Write the input matrix (rows on lines,"
                    + " numbers separated by spaces), a blank line and the kernel matrix; see " + magic + " --help.");
        }
        return blocks;
    }

    /** Right-aligned columns. */
    static String text(double[][] m) {
        int w = 1;
        for (double[] row : m) {
            for (double v : row) {
                w = Math.max(w, ConvSteps.fmt(v).length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (double[] row : m) {
            StringBuilder line = new StringBuilder();
            for (int j = 0; j < row.length; j++) {
                line.append(j == 0 ? "" : " ").append(String.format("%" + w + "s", ConvSteps.fmt(row[j])));
            }
            b.append(line).append('\n');
        }
        return b.toString();
    }

    private static final String CELL = "border:1px solid #999;padding:2px 5px;text-align:right;font-family:monospace;";

    /** A bordered table of the values. */
    static String html(double[][] m) {
        StringBuilder b = new StringBuilder("<table style=\"border-collapse:collapse\">");
        for (double[] row : m) {
            b.append("<tr>");
            for (double v : row) {
                b.append("<td style=\"").append(CELL).append("\">").append(ConvSteps.fmt(v)).append("</td>");
            }
            b.append("</tr>");
        }
        return b.append("</table>").toString();
    }

    /**
     * The padded input of one step: padding cells grey, the cells the window reads orange, with the
     * kernel weight that multiplies each shown small after the value.
     */
    static String padded(double[][] image, Geometry2D g, ConvReference.CellTerms terms) {
        Set<Long> taps = new HashSet<>();
        java.util.Map<Long, Double> weights = new java.util.HashMap<>();
        for (ConvReference.Term t : terms.terms()) {
            long key = ((long) t.row() << 32) ^ (t.col() & 0xffffffffL);
            taps.add(key);
            weights.put(key, t.weight());
        }
        int h = image.length, w = image[0].length;
        StringBuilder b = new StringBuilder("<table style=\"border-collapse:collapse\">");
        for (long r = -g.padTop(); r < h + g.padBottom(); r++) {
            b.append("<tr>");
            for (long c = -g.padLeft(); c < w + g.padRight(); c++) {
                boolean pad = r < 0 || r >= h || c < 0 || c >= w;
                long key = (r << 32) ^ (c & 0xffffffffL);
                boolean tap = taps.contains(key);
                String bg = tap ? "#ff9800" : pad ? "#d0d0d0" : "#ffffff";
                b.append("<td style=\"").append(CELL).append("background:").append(bg).append(";\"");
                if (tap) {
                    b.append(" title=\"times ").append(ConvSteps.fmt(weights.get(key))).append("\"");
                }
                b.append('>').append(pad ? "0" : ConvSteps.fmt(image[(int) r][(int) c]));
                if (tap) {
                    b.append("<sub style=\"color:#6d4c41\">&#215;").append(MagicOutput.escape(ConvSteps.fmt(weights.get(key))))
                            .append("</sub>");
                }
                b.append("</td>");
            }
            b.append("</tr>");
        }
        return b.append("</table>").toString();
    }
}
