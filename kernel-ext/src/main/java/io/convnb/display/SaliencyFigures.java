package io.convnb.display;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Pictures of what a network looks at, drawn from plain arrays (the extension maps the engine's
 * {@code io.convnb.explain} results onto them):
 *
 * <ul>
 *   <li>{@link #overlays}: each image beside the same image with its saliency map laid over it;</li>
 *   <li>{@link #byClass}: rows of images, one column per class, each map for that class;</li>
 *   <li>{@link #patches}: for each filter a row of the input patches that drive it hardest;</li>
 *   <li>{@link #receptiveFields}: effective receptive fields, each with its theoretical window.</li>
 * </ul>
 *
 * Images are grey, scaled on the shown images' common [min, max]; RGB images {@code (.., 3)} in
 * [0, 1] (or [0, 255]) keep their colours. A map value {@code m} in [0, 1] is blended over the
 * pixel as {@code (1 - a)*pixel + a*rainbow(m)} with {@code a = 0.5}, where {@code rainbow} runs
 * from dark blue (0) through cyan, green and yellow to dark red (1), a turbo-like rainbow as in the
 * Grad-CAM paper's figures. Pixels are scaled up by an integer factor (nearest neighbour).
 */
public final class SaliencyFigures {
    /** Opacity of the map over the image. */
    static final double ALPHA = 0.5;
    /** The rainbow's stops, evenly spaced on [0, 1]. */
    private static final int[] RAINBOW = {0x30123b, 0x4662d7, 0x36aaf9, 0x1ae4b6, 0x72fe5e, 0xc7ef34, 0xfbb938, 0xf56918, 0xc92903, 0x7a0403};
    /** Colour of patch cells that lie in the padding, outside the image. */
    static final int PADDING_RGB = 0xb9d3ee;
    static final int BOX_RGB = 0xff2a2a;
    /** Most images (rows) and classes (columns) drawn. */
    static final int MAX_IMAGES = 32;
    static final int MAX_COLUMNS = 12;

    private SaliencyFigures() {
    }

    /** The rainbow at {@code t} in [0, 1] (clamped), linear between stops. */
    static int rainbow(double t) {
        double c = Double.isNaN(t) ? 0 : Math.max(0, Math.min(1, t));
        double u = c * (RAINBOW.length - 1);
        int i = Math.min((int) Math.floor(u), RAINBOW.length - 2);
        return mix(RAINBOW[i], RAINBOW[i + 1], u - i);
    }

    static int mix(int a, int b, double f) {
        int r = (int) Math.round(((a >> 16) & 0xff) * (1 - f) + ((b >> 16) & 0xff) * f);
        int g = (int) Math.round(((a >> 8) & 0xff) * (1 - f) + ((b >> 8) & 0xff) * f);
        int bl = (int) Math.round((a & 0xff) * (1 - f) + (b & 0xff) * f);
        return (r << 16) | (g << 8) | bl;
    }

    /**
     * Each image next to the image with its map overlaid; up to four images per row.
     *
     * @param images   (N, H, W), (N, H, W, 1) or (N, H, W, 3)
     * @param maps     (N, H, W), values in [0, 1]
     * @param captions one or more lines per image (joined with '\n'), e.g. "Sneaker\nlogit 7.3, p 0.97"
     * @param title    the figure's heading
     */
    public static Figure overlays(INDArray images, INDArray maps, List<String> captions, String title) {
        Pixels px = Pixels.of(images, "SaliencyFigures.overlays");
        checkMaps(maps, px, "SaliencyFigures.overlays");
        int n = Math.min(px.n, MAX_IMAGES);
        List<Tile> tiles = new ArrayList<>();
        StringBuilder text = new StringBuilder(title);
        for (int i = 0; i < n; i++) {
            String cap = i < captions.size() ? captions.get(i) : "";
            tiles.add(new Tile(px.rgb(i), List.of("image " + i), null));
            tiles.add(new Tile(blend(px.rgb(i), plane(maps, i)), lines(cap), null));
            text.append('\n').append("image ").append(i).append(": ").append(cap.replace('\n', ' '))
                    .append(describe(plane(maps, i)));
        }
        int perRow = Math.min(4, n) * 2;
        List<List<Tile>> rows = new ArrayList<>();
        for (int i = 0; i < tiles.size(); i += perRow) {
            rows.add(tiles.subList(i, Math.min(tiles.size(), i + perRow)));
        }
        List<String> headings = new ArrayList<>();
        headings.add(title);
        headings.add((n < px.n ? "first " + n + " of " + px.n + " images; " : "") + "left: the image, right: the map over it (opacity " + ALPHA + ")");
        return draw(headings, rows, null, null, px.scale(), true, text.toString());
    }

    /**
     * Rows of images, one column per class: the image first, then its map for each class.
     *
     * @param maps         one array (N, H, W) per class, values in [0, 1]
     * @param classTitles  a column title per class
     * @param rowTitles    a caption for each row's image (e.g. "true Sneaker")
     * @param captions     captions.get(c).get(i): the caption of image i's map for class c
     */
    public static Figure byClass(INDArray images, List<INDArray> maps, List<String> classTitles, List<String> rowTitles,
                                 List<List<String>> captions, String title) {
        Pixels px = Pixels.of(images, "SaliencyFigures.byClass");
        if (maps.isEmpty() || maps.size() != classTitles.size() || maps.size() > MAX_COLUMNS) {
            throw new IllegalArgumentException("SaliencyFigures.byClass needs one map array per class title (1 to " + MAX_COLUMNS
                    + "); got " + maps.size() + " map arrays and " + classTitles.size() + " titles.");
        }
        for (INDArray m : maps) {
            checkMaps(m, px, "SaliencyFigures.byClass");
        }
        int n = Math.min(px.n, MAX_IMAGES);
        List<List<Tile>> rows = new ArrayList<>();
        StringBuilder text = new StringBuilder(title);
        for (int i = 0; i < n; i++) {
            List<Tile> row = new ArrayList<>();
            String rowTitle = i < rowTitles.size() ? rowTitles.get(i) : "image " + i;
            row.add(new Tile(px.rgb(i), lines(rowTitle), null));
            text.append('\n').append("image ").append(i).append(" (").append(rowTitle.replace('\n', ' ')).append("):");
            for (int c = 0; c < maps.size(); c++) {
                String cap = c < captions.size() && i < captions.get(c).size() ? captions.get(c).get(i) : "";
                row.add(new Tile(blend(px.rgb(i), plane(maps.get(c), i)), lines(cap), null));
                text.append("\n  ").append(classTitles.get(c)).append(": ").append(cap.replace('\n', ' ')).append(describe(plane(maps.get(c), i)));
            }
            rows.add(row);
        }
        List<String> columns = new ArrayList<>();
        columns.add("image");
        columns.addAll(classTitles);
        List<String> headings = List.of(title, (n < px.n ? "first " + n + " of " + px.n + " images; " : "")
                + "one column per class: where the evidence for that class lies (map opacity " + ALPHA + ")");
        return draw(headings, rows, null, columns, px.scale(), true, text.toString());
    }

    /**
     * For each filter (a row), its top input patches (strongest first). Patch cells outside the image
     * (zero padding) are drawn light blue.
     *
     * @param patches    patches.get(f).get(j): patch j of filter f, (h, w, C)
     * @param origins    origins.get(f).get(j): {top, left} of that patch in input coordinates
     * @param imageSize  {height, width} of the input
     * @param rowLabels  a label per filter, e.g. "filter 3"
     * @param captions   captions.get(f).get(j), e.g. the activation; may be null
     */
    public static Figure patches(List<List<INDArray>> patches, List<List<long[]>> origins, long[] imageSize,
                                 List<String> rowLabels, List<List<String>> captions, String title, String note) {
        if (patches.isEmpty() || patches.get(0).isEmpty()) {
            throw new IllegalArgumentException("SaliencyFigures.patches needs at least one filter with one patch.");
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (List<INDArray> row : patches) {
            for (INDArray p : row) {
                lo = Math.min(lo, p.minNumber().doubleValue());
                hi = Math.max(hi, p.maxNumber().doubleValue());
            }
        }
        long ph = patches.get(0).get(0).size(0);
        long pw = patches.get(0).get(0).size(1);
        int scale = (int) Math.max(3, Math.min(14, 56 / Math.max(ph, pw)));
        int shownRows = Math.min(patches.size(), 64);
        List<List<Tile>> rows = new ArrayList<>();
        StringBuilder text = new StringBuilder(title);
        boolean anyPadding = false;
        for (int f = 0; f < shownRows; f++) {
            List<Tile> row = new ArrayList<>();
            text.append('\n').append(rowLabels.get(f)).append(':');
            for (int j = 0; j < patches.get(f).size(); j++) {
                INDArray p = patches.get(f).get(j).castTo(DataType.DOUBLE);
                long[] o = origins.get(f).get(j);
                int h = (int) p.size(0);
                int w = (int) p.size(1);
                boolean rgb = p.rank() == 3 && p.size(2) == 3;
                int[][] raster = new int[h][w];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        long iy = o[0] + y;
                        long ix = o[1] + x;
                        if (iy < 0 || ix < 0 || iy >= imageSize[0] || ix >= imageSize[1]) {
                            raster[y][x] = PADDING_RGB;
                            anyPadding = true;
                        } else if (rgb) {
                            raster[y][x] = rgbOf(p.getDouble(y, x, 0), p.getDouble(y, x, 1), p.getDouble(y, x, 2), hi > 1 ? 255 : 1);
                        } else {
                            raster[y][x] = ColorMap.GRAY.rgb(hi > lo ? (p.getDouble(y, x, 0) - lo) / (hi - lo) : 0.5);
                        }
                    }
                }
                String cap = captions == null ? "" : captions.get(f).get(j);
                row.add(new Tile(raster, cap.isEmpty() ? List.of() : lines(cap), null));
                text.append(' ').append(cap.replace('\n', ' '));
            }
            rows.add(row);
        }
        List<String> headings = new ArrayList<>();
        headings.add(title);
        headings.add((shownRows < patches.size() ? "first " + shownRows + " of " + patches.size() + " filters; " : "") + note);
        if (anyPadding) {
            headings.add("light blue: padding outside the image (the layer saw zeros there)");
        }
        return draw(headings, rows, rowLabels.subList(0, shownRows), null, scale, false, text.toString());
    }

    /**
     * Effective receptive fields: the image with each cell's theoretical window, then per cell the
     * gradient magnitude (each tile on its own scale, 0 to its maximum) with the window outlined in red.
     *
     * @param image   (H, W), (H, W, 1) or (H, W, 3)
     * @param maps    per cell a gradient magnitude (H, W)
     * @param windows per cell {top, left, bottom, right} in input coordinates (may reach outside), or null
     * @param titles  per cell a caption
     */
    public static Figure receptiveFields(INDArray image, List<INDArray> maps, List<long[]> windows, List<String> titles, String title) {
        INDArray batch = image.rank() == 2 ? image.reshape(1, image.size(0), image.size(1))
                : image.reshape(1, image.size(0), image.size(1), image.size(2));
        Pixels px = Pixels.of(batch, "SaliencyFigures.receptiveFields");
        List<Tile> tiles = new ArrayList<>();
        tiles.add(new Tile(px.rgb(0), List.of("image"), null));
        StringBuilder text = new StringBuilder(title);
        for (int i = 0; i < maps.size(); i++) {
            double[][] m = maps.get(i).castTo(DataType.DOUBLE).toDoubleMatrix();
            double max = 0;
            for (double[] row : m) {
                for (double v : row) {
                    max = Math.max(max, v);
                }
            }
            int[][] raster = new int[m.length][m[0].length];
            long nonZero = 0;
            for (int y = 0; y < m.length; y++) {
                for (int x = 0; x < m[0].length; x++) {
                    raster[y][x] = ColorMap.VIRIDIS.rgb(max > 0 ? m[y][x] / max : 0);
                    nonZero += m[y][x] > 0 ? 1 : 0;
                }
            }
            long[] w = windows == null ? null : windows.get(i);
            tiles.add(new Tile(raster, lines(titles.get(i)), w));
            text.append('\n').append(titles.get(i).replace('\n', ' ')).append(": ").append(nonZero).append(" pixels with a non-zero gradient")
                    .append(w == null ? "" : ", window rows " + w[0] + ".." + w[2] + ", columns " + w[1] + ".." + w[3]);
        }
        List<String> headings = List.of(title, "gradient magnitude of one output cell per tile, each on its own scale (viridis, 0 to its maximum);"
                + " red: the receptive field the layer arithmetic allows");
        return draw(headings, List.of(tiles), null, null, px.scale(), false, text.toString());
    }

    // ---- drawing ----

    record Tile(int[][] rgb, List<String> lines, long[] box) {
    }

    private static List<String> lines(String s) {
        return s == null || s.isEmpty() ? List.of() : List.of(s.split("\n"));
    }

    private static String describe(double[][] m) {
        int br = 0;
        int bc = 0;
        for (int r = 0; r < m.length; r++) {
            for (int c = 0; c < m[0].length; c++) {
                if (m[r][c] > m[br][bc]) {
                    br = r;
                    bc = c;
                }
            }
        }
        return m[br][bc] > 0 ? " (peak at row " + br + ", column " + bc + ")" : " (map all zero)";
    }

    private static double[][] plane(INDArray maps, int i) {
        return maps.slice(i).castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    private static void checkMaps(INDArray maps, Pixels px, String who) {
        if (maps == null || maps.rank() != 3 || maps.size(0) != px.n || maps.size(1) != px.h || maps.size(2) != px.w) {
            throw new IllegalArgumentException(who + " needs maps (N, H, W) = (" + px.n + ", " + px.h + ", " + px.w + ") for images of that size; got "
                    + (maps == null ? "null" : "shape " + TensorText.shapeString(maps.shape())) + ".");
        }
    }

    static int[][] blend(int[][] rgb, double[][] map) {
        int[][] out = new int[rgb.length][rgb[0].length];
        for (int y = 0; y < rgb.length; y++) {
            for (int x = 0; x < rgb[0].length; x++) {
                out[y][x] = mix(rgb[y][x], rainbow(map[y][x]), ALPHA);
            }
        }
        return out;
    }

    private static int rgbOf(double r, double g, double b, double scale) {
        return (channel(r, scale) << 16) | (channel(g, scale) << 8) | channel(b, scale);
    }

    private static int channel(double v, double scale) {
        return (int) Math.max(0, Math.min(255, Math.round(v / scale * 255)));
    }

    /** Images as RGB rasters: grey on the images' common [min, max], or RGB. */
    private record Pixels(int n, int h, int w, boolean colour, double[] v, double lo, double hi) {
        static Pixels of(INDArray images, String who) {
            if (images == null || (images.rank() != 3 && images.rank() != 4) || images.size(0) == 0
                    || (images.rank() == 4 && images.size(3) != 1 && images.size(3) != 3)) {
                throw new IllegalArgumentException(who + " needs images (N, H, W), (N, H, W, 1) or (N, H, W, 3); got "
                        + (images == null ? "null" : "shape " + TensorText.shapeString(images.shape())) + ".");
            }
            INDArray d = images.castTo(DataType.DOUBLE).dup('c');
            return new Pixels((int) d.size(0), (int) d.size(1), (int) d.size(2), d.rank() == 4 && d.size(3) == 3,
                    d.data().asDouble(), d.minNumber().doubleValue(), d.maxNumber().doubleValue());
        }

        int[][] rgb(int i) {
            int[][] out = new int[h][w];
            int c = colour ? 3 : 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int base = ((i * h + y) * w + x) * c;
                    out[y][x] = colour ? rgbOf(v[base], v[base + 1], v[base + 2], hi > 1 ? 255 : 1)
                            : ColorMap.GRAY.rgb(hi > lo ? (v[base] - lo) / (hi - lo) : 0.5);
                }
            }
            return out;
        }

        int scale() {
            return Math.max(1, Math.min(8, 112 / Math.max(h, w)));
        }
    }

    /** Lays the tiles out in rows, with optional row labels, column titles and the rainbow's colour bar. */
    private static Figure draw(List<String> headings, List<List<Tile>> rows, List<String> rowLabels, List<String> columnTitles,
                               int scale, boolean bar, String text) {
        final int margin = 16;
        final int gap = 10;
        Font small = Canvas.font(Font.PLAIN, 11);
        int tileW = 0;
        int tileH = 0;
        int lineCount = 0;
        int columns = 0;
        for (List<Tile> row : rows) {
            columns = Math.max(columns, row.size());
            for (Tile t : row) {
                tileW = Math.max(tileW, t.rgb()[0].length * scale);
                tileH = Math.max(tileH, t.rgb().length * scale);
                lineCount = Math.max(lineCount, t.lines().size());
                for (String l : t.lines()) {
                    tileW = Math.max(tileW, Canvas.textWidth(l, small) + 4);
                }
            }
        }
        int labelW = 0;
        if (rowLabels != null) {
            for (String l : rowLabels) {
                labelW = Math.max(labelW, Canvas.textWidth(l, Canvas.font(Font.PLAIN, 12)) + 12);
            }
        }
        int headH = 8 + 20 * headings.size() + (columnTitles != null ? 18 : 0);
        int capH = lineCount * 14 + 4;
        int rowH = tileH + capH + gap;
        int gridW = columns * (tileW + gap) - gap;
        int barSpace = bar ? 24 + 14 + 40 : 0;
        int width = margin + labelW + gridW + barSpace + margin;
        for (int i = 0; i < headings.size(); i++) {
            width = Math.max(width, Canvas.textWidth(headings.get(i), Canvas.font(i == 0 ? Font.BOLD : Font.PLAIN, i == 0 ? 14 : 12)) + 2 * margin);
        }
        int height = margin + headH + rows.size() * rowH + margin;
        Canvas cv = new Canvas(width, height);
        int y = margin + 14;
        for (int i = 0; i < headings.size(); i++) {
            cv.font(Canvas.font(i == 0 ? Font.BOLD : Font.PLAIN, i == 0 ? 14 : 12));
            cv.color(i == 0 ? 0x000000 : 0x444444);
            cv.text(headings.get(i), margin, y, -1);
            y += 20;
        }
        int gridTop = margin + headH;
        int gridLeft = margin + labelW;
        if (columnTitles != null) {
            cv.font(Canvas.font(Font.BOLD, 12));
            cv.color(0x000000);
            for (int c = 0; c < columnTitles.size() && c < columns; c++) {
                cv.text(columnTitles.get(c), gridLeft + c * (tileW + gap) + tileW / 2.0, gridTop - 6, 0);
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            int by = gridTop + r * rowH;
            if (rowLabels != null && r < rowLabels.size()) {
                cv.font(Canvas.font(Font.PLAIN, 12));
                cv.color(0x000000);
                cv.text(rowLabels.get(r), margin, by + tileH / 2.0 + 4, -1);
            }
            List<Tile> row = rows.get(r);
            for (int c = 0; c < row.size(); c++) {
                Tile t = row.get(c);
                int th = t.rgb().length;
                int tw = t.rgb()[0].length;
                int bx = gridLeft + c * (tileW + gap);
                int px = bx + (tileW - tw * scale) / 2;
                int py = by + (tileH - th * scale) / 2;
                for (int yy = 0; yy < th; yy++) {
                    for (int xx = 0; xx < tw; xx++) {
                        cv.color(t.rgb()[yy][xx]);
                        cv.g.fillRect(px + xx * scale, py + yy * scale, scale, scale);
                    }
                }
                cv.g.setStroke(new BasicStroke(1f));
                cv.g.setColor(new Color(0xbbbbbb));
                cv.g.drawRect(px - 1, py - 1, tw * scale + 1, th * scale + 1);
                if (t.box() != null) {
                    long[] b = t.box();
                    int x0 = (int) Math.max(-1, b[1]);
                    int y0 = (int) Math.max(-1, b[0]);
                    int x1 = (int) Math.min(tw, b[3] + 1);
                    int y1 = (int) Math.min(th, b[2] + 1);
                    cv.g.setStroke(new BasicStroke(2f));
                    cv.g.setColor(new Color(BOX_RGB));
                    cv.g.drawRect(px + x0 * scale, py + y0 * scale, (x1 - x0) * scale, (y1 - y0) * scale);
                }
                cv.font(small);
                cv.color(0x000000);
                for (int l = 0; l < t.lines().size(); l++) {
                    cv.text(t.lines().get(l), bx + tileW / 2.0, by + tileH + 14 + 14 * l, 0);
                }
            }
        }
        if (bar) {
            int barX = gridLeft + gridW + 24;
            int barH = Math.max(80, Math.min(tileH * Math.min(rows.size(), 2), 240));
            for (int i = 0; i < barH; i++) {
                cv.color(mix(0xffffff, rainbow(1.0 - i / (double) (barH - 1)), ALPHA));
                cv.g.fillRect(barX, gridTop + i, 14, 1);
            }
            cv.g.setStroke(new BasicStroke(1f));
            cv.g.setColor(Color.DARK_GRAY);
            cv.g.drawRect(barX, gridTop, 14, barH);
            cv.font(small);
            cv.color(0x000000);
            for (double v : new double[] {0, 0.25, 0.5, 0.75, 1}) {
                int ty = gridTop + barH - (int) Math.round(v * barH);
                cv.g.drawLine(barX + 14, ty, barX + 18, ty);
                cv.text(Canvas.num(v), barX + 21, ty + 4, -1);
            }
        }
        return cv.toFigure(text);
    }
}
