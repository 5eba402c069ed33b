package io.convnb.display;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.List;

/**
 * Lays out small heatmaps ("tiles") in a labelled grid: a heading, one title (and optional
 * subtitle) above each tile, optional labels at the left of each grid row, and an optional shared
 * colour bar. Tiles are scaled by an integer factor (nearest neighbour) so that every cell stays a
 * crisp square.
 */
final class Tiles {

    static final int MARGIN = 16;
    static final int GAP = 12;
    static final int TITLE_H = 16;
    static final int SUBTITLE_H = 13;
    static final int BAR_W = 16;
    static final int BAR_SPACE = 24 + BAR_W + 64;

    /** One tile: values, colour range [lo, hi], title, and a border colour (or -1 for none). */
    record Tile(double[][] values, double lo, double hi, String title, String subtitle, int titleRgb, int borderRgb) {
        Tile(double[][] values, double lo, double hi, String title) {
            this(values, lo, hi, title, null, 0x000000, -1);
        }
    }

    private Tiles() {
    }

    /**
     * Draws the tiles.
     *
     * @param headings  first line bold, the others plain
     * @param columns   tiles per grid row
     * @param tileSide  pixel size of a tile's box
     * @param sharedBar {lo, hi} of a shared colour bar, or null for none
     * @param rowLabels a label per grid row, or null
     */
    static Canvas draw(List<String> headings, List<Tile> tiles, int columns, int tileSide, ColorMap cmap,
                       double[] sharedBar, List<String> rowLabels) {
        int rows = (tiles.size() + columns - 1) / columns;
        boolean subtitles = tiles.stream().anyMatch(t -> t.subtitle() != null);
        int labelW = 0;
        Font labelFont = Canvas.font(Font.PLAIN, 12);
        if (rowLabels != null) {
            for (String l : rowLabels) {
                labelW = Math.max(labelW, Canvas.textWidth(l, labelFont) + 10);
            }
        }
        int headH = 8 + 20 * headings.size();
        int boxH = TITLE_H + (subtitles ? SUBTITLE_H : 0) + tileSide;
        int gridW = columns * tileSide + (columns - 1) * GAP;
        int gridH = rows * boxH + (rows - 1) * GAP;
        int width = MARGIN + labelW + gridW + (sharedBar != null ? BAR_SPACE : 0) + MARGIN;
        int headW = 0;
        for (int i = 0; i < headings.size(); i++) {
            headW = Math.max(headW, Canvas.textWidth(headings.get(i), Canvas.font(i == 0 ? Font.BOLD : Font.PLAIN, i == 0 ? 14 : 12)));
        }
        width = Math.max(width, headW + 2 * MARGIN);
        int height = MARGIN + headH + gridH + MARGIN;
        Canvas cv = new Canvas(width, height);
        int y = MARGIN + 14;
        for (int i = 0; i < headings.size(); i++) {
            cv.font(Canvas.font(i == 0 ? Font.BOLD : Font.PLAIN, i == 0 ? 14 : 12));
            cv.color(i == 0 ? 0x000000 : 0x444444);
            cv.text(headings.get(i), MARGIN, y, -1);
            y += 20;
        }
        int gridTop = MARGIN + headH;
        int gridLeft = MARGIN + labelW;
        for (int k = 0; k < tiles.size(); k++) {
            Tile t = tiles.get(k);
            int bx = gridLeft + (k % columns) * (tileSide + GAP);
            int by = gridTop + (k / columns) * (boxH + GAP);
            int h = t.values().length;
            int w = t.values()[0].length;
            int cell = Math.max(1, tileSide / Math.max(h, w));
            int pw = cell * w;
            int ph = cell * h;
            int px = bx + (tileSide - pw) / 2;
            int ty = by + TITLE_H - 4;
            cv.font(Canvas.font(Font.PLAIN, 11));
            cv.color(t.titleRgb());
            cv.text(t.title(), bx + tileSide / 2.0, ty, 0);
            if (t.subtitle() != null) {
                cv.font(Canvas.font(Font.PLAIN, 9));
                cv.color(0x555555);
                cv.text(t.subtitle(), bx + tileSide / 2.0, ty + SUBTITLE_H, 0);
            }
            int py = by + TITLE_H + (subtitles ? SUBTITLE_H : 0);
            cv.raster(t.values(), t.lo(), t.hi(), cmap, px, py, cell, cell);
            int border = t.borderRgb() >= 0 ? t.borderRgb() : 0xbbbbbb;
            float stroke = t.borderRgb() >= 0 ? 3f : 1f;
            cv.g.setStroke(new BasicStroke(stroke));
            cv.g.setColor(new Color(border));
            cv.g.drawRect(px, py, pw, ph);
        }
        if (rowLabels != null) {
            cv.font(labelFont);
            cv.color(0x000000);
            for (int r = 0; r < rows && r < rowLabels.size(); r++) {
                int cy = gridTop + r * (boxH + GAP) + TITLE_H + (subtitles ? SUBTITLE_H : 0) + tileSide / 2;
                cv.text(rowLabels.get(r), MARGIN, cy + 4, -1);
            }
        }
        if (sharedBar != null) {
            int barX = gridLeft + gridW + 24;
            int barTop = gridTop + TITLE_H + (subtitles ? SUBTITLE_H : 0);
            int barH = Math.max(80, Math.min(gridH - TITLE_H, 320));
            cv.colorBar(barX, barTop, BAR_W, barH, sharedBar[0], sharedBar[1], cmap);
        }
        return cv;
    }

    /** Grid columns for n tiles: near-square, at most {@code max}. */
    static int columnsFor(int n, int max) {
        return Math.max(1, Math.min(max, (int) Math.ceil(Math.sqrt(n))));
    }
}
