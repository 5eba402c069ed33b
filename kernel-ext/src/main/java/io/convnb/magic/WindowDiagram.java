package io.convnb.magic;

import io.convnb.shape.AxisGeometry;
import io.convnb.shape.Geometry2D;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.image.BufferedImage;

/**
 * The picture of {@code %convmath}: where the windows of a convolution land on the padded input,
 * with one window highlighted, and the output grid beside it.
 *
 * <p>Convolution: the large grid is the padded input, cells {@code -padBefore .. input+padAfter-1}
 * per axis; window {@code (i, j)} reads the cells {@link AxisGeometry#tap(long, long)} gives, and the
 * small grid is the output with cell {@code (i, j)} highlighted. Transposed convolution: the small
 * grid is the input with cell {@code (i, j)} highlighted, the large grid the full result it scatters
 * into, with the cropped cells marked as padding is.
 *
 * <p>Grids of up to {@value #MAX_DRAWN} cells per axis are drawn whole; larger ones are drawn as a
 * {@value #MAX_DRAWN}-cell crop around the highlighted window, with a note saying which cells are shown.
 * Colours are plain (no antialiasing on cells), so tests can find them by exact value.
 */
final class WindowDiagram {
    static final int MAX_DRAWN = 36;
    static final Color PADDING = new Color(0xd0d0d0);
    static final Color HATCH = new Color(0x9e9e9e);
    static final Color INPUT = Color.WHITE;
    static final Color TAP = new Color(0xff9800);
    static final Color SPAN = new Color(0xffe0b2);
    static final Color FRAME = new Color(0xbf360c);
    static final Color OUTPUT = new Color(0xbbdefb);
    static final Color LINES = new Color(0x757575);
    static final Color INK = new Color(0x212121);
    /** Animation: a cell of the small grid not reached yet. */
    static final Color PENDING = Color.WHITE;
    /** Animation of a transposed convolution: cells written by 1, 2, 3 and 4 or more input cells so far. */
    static final Color[] WRITTEN = {new Color(0xbbdefb), new Color(0x90caf9), new Color(0x64b5f6), new Color(0x1e88e5)};

    /** Every colour the diagram draws with, for a fixed GIF palette (text adds greys between INK and white). */
    static final Color[] COLOURS = {INPUT, PADDING, HATCH, TAP, SPAN, FRAME, OUTPUT, LINES, INK,
        WRITTEN[1], WRITTEN[2], WRITTEN[3]};

    private final Geometry2D geometry;
    private final Axis rows;
    private final Axis cols;
    private final boolean transposed;
    /** Smallest cell side in pixels; cells narrower than 8 pixels lose their hatching, below 5 their lines. */
    private final int minCell;
    private final int maxDrawn;
    /** Animation state, or null for the static picture (every small cell computed). */
    private Progress progress;

    /**
     * @param window the highlighted output cell (convolution) or input cell (transposed), {@code {row, col}}
     */
    WindowDiagram(Geometry2D geometry, long[] window) {
        this(geometry, window, MAX_DRAWN, 8);
    }

    /**
     * A diagram that draws up to {@code maxDrawn} cells per axis (a crop around the window beyond that)
     * with cells of at least {@code minCell} pixels; the animation draws whole grids with small cells.
     */
    WindowDiagram(Geometry2D geometry, long[] window, int maxDrawn, int minCell) {
        this.geometry = geometry;
        this.transposed = geometry.height().transposed();
        this.rows = new Axis(geometry.height(), window[0], maxDrawn);
        this.cols = new Axis(geometry.width(), window[1], maxDrawn);
        this.minCell = minCell;
        this.maxDrawn = maxDrawn;
    }

    /**
     * One frame of an animation: which small-grid cells are done, how often each large-grid cell has
     * been written (transposed; {@code null} otherwise, indexed from the large grid's first cell), and a
     * status line under the legend.
     */
    record Progress(java.util.function.BiPredicate<Long, Long> done, int[][] writes, String status) {
    }

    /** Draws the next {@link #render} as an animation frame. */
    WindowDiagram progress(Progress p) {
        this.progress = p;
        return this;
    }

    /** The large grid's first row and column (negative where padding or crops come first). */
    long[] largeOrigin() {
        return new long[] {rows.lo, cols.lo};
    }

    /** The large grid's size in cells, {rows, cols}. */
    long[] largeSize() {
        return new long[] {rows.hi - rows.lo + 1, cols.hi - cols.lo + 1};
    }

    /** One axis: which cells exist, which are shown, which the window reads. */
    static final class Axis {
        final AxisGeometry g;
        final long window;
        final long lo;
        final long hi;
        final long shownLo;
        final long shownHi;
        final long smallLo;
        final long smallHi;

        Axis(AxisGeometry g, long window, int maxDrawn) {
            this.g = g;
            this.window = window;
            this.lo = -g.padBefore();
            this.hi = g.transposed() ? Math.max(g.uncroppedOutput() - g.padBefore(), g.output()) - 1
                                     : g.input() + g.padAfter() - 1;
            long first = g.tap(window, 0);
            long last = g.tap(window, g.kernel() - 1);
            long[] shown = crop(lo, hi, first, last, maxDrawn);
            shownLo = shown[0];
            shownHi = shown[1];
            long[] small = crop(0, smallSize() - 1, window, window, maxDrawn);
            smallLo = small[0];
            smallHi = small[1];
        }

        /** The range to draw: all of {@code lo..hi}, or {@code max} cells around {@code a..b}. */
        private static long[] crop(long lo, long hi, long a, long b, int max) {
            if (hi - lo + 1 <= max) {
                return new long[] {lo, hi};
            }
            long context = Math.max(2, (max - (b - a + 1)) / 2);
            long from = Math.max(lo, Math.min(a - context, hi - max + 1));
            return new long[] {from, from + max - 1};
        }

        /** Output cells (convolution) or input cells (transposed). */
        long smallSize() {
            return g.transposed() ? g.input() : g.output();
        }

        /** Whether large-grid cell {@code c} is input (convolution) or kept output (transposed), not padding/crop. */
        boolean inside(long c) {
            return c >= 0 && c < (g.transposed() ? g.output() : g.input());
        }

        boolean isTap(long c) {
            long first = g.tap(window, 0);
            long last = g.tap(window, g.kernel() - 1);
            return c >= first && c <= last && (c - first) % g.dilation() == 0;
        }

        boolean inSpan(long c) {
            return c >= g.tap(window, 0) && c <= g.tap(window, g.kernel() - 1);
        }

        int shownCount() {
            return (int) (shownHi - shownLo + 1);
        }

        int smallCount() {
            return (int) (smallHi - smallLo + 1);
        }

        boolean cropped() {
            return shownLo > lo || shownHi < hi;
        }

        boolean smallCropped() {
            return smallLo > 0 || smallHi < smallSize() - 1;
        }
    }

    /** Notes for grids drawn as a crop, or an empty string. */
    String notes() {
        StringBuilder b = new StringBuilder();
        String big = transposed ? "full result" : "padded input";
        if (rows.cropped() || cols.cropped()) {
            b.append("The ").append(big).append(" has ").append(rows.hi - rows.lo + 1).append('x')
                    .append(cols.hi - cols.lo + 1).append(" cells; shown: rows ").append(rows.shownLo).append("..")
                    .append(rows.shownHi).append(", columns ").append(cols.shownLo).append("..").append(cols.shownHi)
                    .append(" (at most ").append(maxDrawn).append(" per axis, around the window).\n");
        }
        if (rows.smallCropped() || cols.smallCropped()) {
            b.append("The ").append(transposed ? "input" : "output").append(" has ").append(rows.smallSize())
                    .append('x').append(cols.smallSize()).append(" cells; shown: rows ").append(rows.smallLo)
                    .append("..").append(rows.smallHi).append(", columns ").append(cols.smallLo).append("..")
                    .append(cols.smallHi).append(".\n");
        }
        return b.toString();
    }

    /**
     * The diagram as text: {@code #} a window tap on the input, {@code @} a tap on padding,
     * {@code .} an input cell, {@code :} padding; on the right {@code o} output cells and {@code #} the
     * highlighted one.
     */
    String text() {
        StringBuilder b = new StringBuilder();
        b.append(transposed ? "full result (: cropped)" : "padded input (: padding)").append(", window taps # (@ on ")
                .append(transposed ? "cropped cells" : "padding").append(")   ->   ")
                .append(transposed ? "input" : "output").append(", # = highlighted cell\n");
        int lines = Math.max(rows.shownCount(), rows.smallCount());
        for (int i = 0; i < lines; i++) {
            StringBuilder line = new StringBuilder();
            long r = rows.shownLo + i;
            for (long c = cols.shownLo; c <= cols.shownHi; c++) {
                if (r > rows.shownHi) {
                    line.append("  ");
                    continue;
                }
                boolean in = rows.inside(r) && cols.inside(c);
                boolean tap = rows.isTap(r) && cols.isTap(c);
                line.append(tap ? (in ? '#' : '@') : (in ? '.' : ':')).append(' ');
            }
            line.append("   ");
            long sr = rows.smallLo + i;
            if (sr <= rows.smallHi) {
                for (long c = cols.smallLo; c <= cols.smallHi; c++) {
                    line.append(sr == rows.window && c == cols.window ? '#' : 'o').append(' ');
                }
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.append(notes()).toString();
    }

    // ---- PNG ----

    private int cell;
    private int gridX;
    private int gridY;
    private int smallX;

    // Layout of the last render(); largeCell and smallCell read it.

    /** Where large-grid cell {@code (r, c)} (in input coordinates; padding negative) was drawn by {@link #render}. */
    Rectangle largeCell(long r, long c) {
        return new Rectangle(gridX + (int) (c - cols.shownLo) * cell, gridY + (int) (r - rows.shownLo) * cell, cell, cell);
    }

    /** Where small-grid cell {@code (r, c)} was drawn by {@link #render}. */
    Rectangle smallCell(long r, long c) {
        return new Rectangle(smallX + (int) (c - cols.smallLo) * cell, gridY + (int) (r - rows.smallLo) * cell, cell, cell);
    }

    /** Renders the picture; {@code title} goes on top. */
    BufferedImage render(String title) {
        int across = cols.shownCount() + cols.smallCount();
        cell = Math.max(minCell, Math.min(26, 720 / (across + 6)));
        // Small cells get an index on every fifth row and column only, so the numbers never overlap.
        int every = cell >= 14 ? 1 : 5;
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(8, Math.min(11, cell / 2 + 1)));
        int margin = 14;
        String[] titleLines = title.split("\n");
        String[] noteLines = notes().isEmpty() ? new String[0] : notes().split("\n");
        int labelW = 30;
        gridX = margin + labelW;
        gridY = margin + 18 * titleLines.length + 8 + Math.max(cell, 14);
        int largeW = cols.shownCount() * cell;
        int gap = Math.max(60, 3 * cell);
        smallX = gridX + largeW + gap + labelW;
        int smallW = cols.smallCount() * cell;
        int gridsH = Math.max(rows.shownCount(), rows.smallCount()) * cell;
        int noteW = 0;
        Graphics2D probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        try {
            FontMetrics metrics = probe.getFontMetrics(font);
            for (String line : noteLines) {
                noteW = Math.max(noteW, metrics.stringWidth(line));
            }
            for (String line : titleLines) {
                noteW = Math.max(noteW, metrics.stringWidth(line));
            }
        } finally {
            probe.dispose();
        }
        int width = Math.max(Math.max(smallX + smallW, margin + noteW) + margin, 620);
        String status = progress == null ? null : progress.status();
        if (status != null) {
            Graphics2D measure = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
            try {
                width = Math.max(width, margin + measure.getFontMetrics(font).stringWidth(status) + margin);
            } finally {
                measure.dispose();
            }
        }
        int legendLines;
        Graphics2D measureLegend = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        try {
            legendLines = drawLegend(null, measureLegend.getFontMetrics(font), margin, 0, width - margin);
        } finally {
            measureLegend.dispose();
        }
        int legendExtra = (legendLines - 1) * LEGEND_LINE;
        int height = gridY + gridsH + 24 + 26 + legendExtra + 18 * noteLines.length + (status == null ? 0 : 22) + margin;

        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(font);
            g.setColor(INK);
            for (int i = 0; i < titleLines.length; i++) {
                g.drawString(titleLines[i], margin, margin + 13 + 18 * i);
            }
            drawLarge(g);
            drawSmall(g);
            drawArrow(g, gridX + largeW + 8, smallX - labelW - 8, gridY + Math.min(gridsH, rows.smallCount() * cell) / 2);
            g.setFont(small);
            drawIndices(g, rows.shownLo, rows.shownHi, cols.shownLo, cols.shownHi, gridX,
                    r -> rows.inside(r) && r % every == 0, c -> cols.inside(c) && c % every == 0);
            drawIndices(g, rows.smallLo, rows.smallHi, cols.smallLo, cols.smallHi, smallX,
                    r -> r % every == 0, c -> c % every == 0);
            g.setFont(font);
            g.setColor(INK);
            int captionY = gridY + gridsH + 18;
            g.drawString(transposed ? "full result (" + geometry.height().uncroppedOutput() + "x"
                    + geometry.width().uncroppedOutput() + "), kept " + geometry.outputHeight() + "x"
                    + geometry.outputWidth() : "padded input " + (rows.hi - rows.lo + 1) + "x" + (cols.hi - cols.lo + 1)
                    + " (input " + geometry.height().input() + "x" + geometry.width().input() + ")", gridX, captionY);
            g.drawString((transposed ? "input " : "output ") + rows.smallSize() + "x" + cols.smallSize(), smallX, captionY);
            drawLegend(g, g.getFontMetrics(), margin, captionY + 22, width - margin);
            for (int i = 0; i < noteLines.length; i++) {
                g.drawString(noteLines[i], margin, captionY + 48 + legendExtra + 18 * i);
            }
            if (status != null) {
                g.drawString(status, margin, captionY + 50 + legendExtra + 18 * noteLines.length);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    private void drawLarge(Graphics2D g) {
        for (long r = rows.shownLo; r <= rows.shownHi; r++) {
            for (long c = cols.shownLo; c <= cols.shownHi; c++) {
                Rectangle box = largeCell(r, c);
                boolean in = rows.inside(r) && cols.inside(c);
                boolean tap = rows.isTap(r) && cols.isTap(c);
                boolean span = rows.inSpan(r) && cols.inSpan(c);
                int written = progress == null || progress.writes() == null ? 0
                        : progress.writes()[(int) (r - rows.lo)][(int) (c - cols.lo)];
                g.setColor(tap ? TAP : span ? SPAN : written > 0 ? WRITTEN[Math.min(written, WRITTEN.length) - 1]
                        : in ? INPUT : PADDING);
                g.fill(box);
                if (!in && cell >= 8) {
                    hatch(g, box);
                }
                if (cell >= 5) {
                    g.setColor(LINES);
                    g.drawRect(box.x, box.y, box.width, box.height);
                }
            }
        }
        // the window's frame: its whole span, holes included
        long r0 = Math.max(rows.g.tap(rows.window, 0), rows.shownLo);
        long r1 = Math.min(rows.g.tap(rows.window, rows.g.kernel() - 1), rows.shownHi);
        long c0 = Math.max(cols.g.tap(cols.window, 0), cols.shownLo);
        long c1 = Math.min(cols.g.tap(cols.window, cols.g.kernel() - 1), cols.shownHi);
        Rectangle a = largeCell(r0, c0);
        Rectangle b = largeCell(r1, c1);
        g.setColor(FRAME);
        g.setStroke(new BasicStroke(3));
        g.drawRect(a.x, a.y, b.x + b.width - a.x, b.y + b.height - a.y);
        g.setStroke(new BasicStroke(1));
        // The input (or kept output) region, outlined so that the padding border reads as a frame; only
        // its real edges are drawn, so a cropped view does not look like a small input.
        long lastRow = (rows.g.transposed() ? rows.g.output() : rows.g.input()) - 1;
        long lastCol = (cols.g.transposed() ? cols.g.output() : cols.g.input()) - 1;
        long ir0 = Math.max(0, rows.shownLo), ir1 = Math.min(lastRow, rows.shownHi);
        long ic0 = Math.max(0, cols.shownLo), ic1 = Math.min(lastCol, cols.shownHi);
        if (ir0 <= ir1 && ic0 <= ic1) {
            Rectangle p = largeCell(ir0, ic0);
            Rectangle q = largeCell(ir1, ic1);
            int left = p.x, top = p.y, right = q.x + q.width, bottom = q.y + q.height;
            g.setColor(INK);
            g.setStroke(new BasicStroke(2));
            if (ir0 == 0) {
                g.drawLine(left, top, right, top);
            }
            if (ir1 == lastRow) {
                g.drawLine(left, bottom, right, bottom);
            }
            if (ic0 == 0) {
                g.drawLine(left, top, left, bottom);
            }
            if (ic1 == lastCol) {
                g.drawLine(right, top, right, bottom);
            }
            g.setStroke(new BasicStroke(1));
        }
    }

    private void drawSmall(Graphics2D g) {
        for (long r = rows.smallLo; r <= rows.smallHi; r++) {
            for (long c = cols.smallLo; c <= cols.smallHi; c++) {
                Rectangle box = smallCell(r, c);
                boolean done = progress == null || progress.done().test(r, c);
                g.setColor(r == rows.window && c == cols.window ? TAP : done ? OUTPUT : PENDING);
                g.fill(box);
                if (cell >= 5) {
                    g.setColor(LINES);
                    g.drawRect(box.x, box.y, box.width, box.height);
                }
            }
        }
        Rectangle h = smallCell(rows.window, cols.window);
        g.setColor(FRAME);
        g.setStroke(new BasicStroke(3));
        g.drawRect(h.x, h.y, h.width, h.height);
        g.setStroke(new BasicStroke(1));
    }

    private static void hatch(Graphics2D g, Rectangle box) {
        Shape old = g.getClip();
        g.clip(box);
        g.setColor(HATCH);
        for (int d = -box.height; d < box.width; d += 6) {
            g.drawLine(box.x + d, box.y + box.height, box.x + d + box.height, box.y);
        }
        g.setClip(old);
    }

    private void drawIndices(Graphics2D g, long r0, long r1, long c0, long c1, int x0,
                             java.util.function.LongPredicate rowLabelled, java.util.function.LongPredicate colLabelled) {
        FontMetrics fm = g.getFontMetrics();
        g.setColor(INK);
        for (long c = c0; c <= c1; c++) {
            if (colLabelled.test(c)) {
                String s = Long.toString(c);
                int x = x0 + (int) (c - c0) * cell + (cell - fm.stringWidth(s)) / 2;
                g.drawString(s, x, gridY - 4);
            }
        }
        for (long r = r0; r <= r1; r++) {
            if (rowLabelled.test(r)) {
                String s = Long.toString(r);
                int y = gridY + (int) (r - r0) * cell + (cell + fm.getAscent()) / 2 - 1;
                g.drawString(s, x0 - 4 - fm.stringWidth(s), y);
            }
        }
    }

    private static void drawArrow(Graphics2D g, int x0, int x1, int y) {
        g.setColor(INK);
        g.setStroke(new BasicStroke(2));
        g.drawLine(x0, y, x1, y);
        g.fillPolygon(new int[] {x1, x1 - 9, x1 - 9}, new int[] {y, y - 5, y + 5}, 3);
        g.setStroke(new BasicStroke(1));
    }

    /** The legend's entries: colour, label, hatched. */
    private java.util.List<Object[]> legendItems() {
        java.util.List<Object[]> items = new java.util.ArrayList<>();
        items.add(new Object[] {INPUT, transposed ? "kept output cell" : "input cell", false});
        items.add(new Object[] {PADDING, transposed ? "cropped cell" : "padding (zeros)", true});
        items.add(new Object[] {TAP, transposed ? "cells the input cell scatters to / the input cell"
                : "window taps / the output cell", false});
        if (rows.g.dilation() > 1 || cols.g.dilation() > 1) {
            items.add(new Object[] {SPAN, "hole of a dilated window", false});
        }
        if (progress != null && transposed) {
            items.add(new Object[] {WRITTEN[0], "written once", false});
            items.add(new Object[] {WRITTEN[1], "twice", false});
            items.add(new Object[] {WRITTEN[2], "3 times", false});
            items.add(new Object[] {WRITTEN[3], "4+ times", false});
        } else if (progress != null) {
            items.add(new Object[] {OUTPUT, "computed", false});
            items.add(new Object[] {PENDING, "not yet", false});
        }
        return items;
    }

    /**
     * Draws the legend from {@code (x0, y)}, wrapping before {@code maxX} (when {@code g} is null only
     * measures); returns the number of lines.
     */
    private int drawLegend(Graphics2D g, FontMetrics fm, int x0, int y, int maxX) {
        int x = x0;
        int lines = 1;
        for (Object[] item : legendItems()) {
            int w = 20 + fm.stringWidth((String) item[1]) + 18;
            if (x > x0 && x + w - 18 > maxX) {
                x = x0;
                y += LEGEND_LINE;
                lines++;
            }
            if (g != null) {
                Rectangle box = new Rectangle(x, y - 11, 14, 14);
                g.setColor((Color) item[0]);
                g.fill(box);
                if ((Boolean) item[2]) {
                    hatch(g, box);
                }
                g.setColor(LINES);
                g.drawRect(box.x, box.y, box.width, box.height);
                g.setColor(INK);
                g.drawString((String) item[1], x + 20, y + 1);
            }
            x += w;
        }
        return lines;
    }

    private static final int LEGEND_LINE = 22;
}
