package io.convnb.magic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.shape.Geometry2D;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ConvMathTest {

    private static List<String> tokens(String line) {
        return List.of(line.trim().split("\\s+"));
    }

    private static DisplayData run(String line) {
        return ConvMath.line(tokens(line));
    }

    private static ConvMath.Result compute(String line) {
        return ConvMath.compute(ConvMath.SCHEMA.parse(tokens(line)));
    }

    private static String error(String line) {
        return assertThrows(MagicArgumentException.class, () -> run(line)).getMessage();
    }

    @Test
    void sameStrideTwoOn28() {
        ConvMath.Result r = compute("input=28x28 kernel=3 stride=2 padding=same channels=1 filters=32");
        Geometry2D g = r.geometry();
        assertEquals(14, g.outputHeight());
        assertEquals(14, g.outputWidth());
        // Keras "same": total padding (14-1)*2 + 3 - 28 = 1, the odd pixel after.
        assertEquals(List.of(0L, 1L, 0L, 1L), List.of(g.padTop(), g.padBottom(), g.padLeft(), g.padRight()));
        assertEquals(3 * 3 * 1 * 32 + 32, r.params());
        assertEquals(14 * 14 * 32 * (3 * 3 * 1), r.multiplyAdds());
        DisplayData d = run("input=28x28 kernel=3 stride=2 padding=same channels=1 filters=32");
        String text = Gallery.text(d);
        assertTrue(text.startsWith("Conv2D: input 28x28x1, kernel 3x3, stride 2x2, dilation 1x1, padding same -> output 14x14x32\n"
                + "padding: top 0, bottom 1, left 0, right 1\n"), text);
        assertTrue(text.contains("floor((28 + 0 + 1 - 1*(3-1) - 1)/2) + 1 = 14"), text);
        assertTrue(text.contains("parameters: 3*3*(1/1)*32 weights (kh*kw*(channels/groups)*filters) + 32 biases = 320"), text);
        assertTrue(text.contains("multiply-adds per image: 14*14*32*3*3*(1/1)"), text);
        assertTrue(text.contains("= 56,448"), text);
        Gallery.save("convmath-28-k3-s2-same", d);
    }

    @Test
    void validStrideOneCountsByHand() {
        // 26*26 output cells, each 3*3*3 multiply-adds per filter, 16 filters; 3*3*3*16 weights + 16 biases.
        ConvMath.Result r = compute("input=28 kernel=3 channels=3 filters=16");
        assertEquals(26, r.geometry().outputHeight());
        assertEquals(26 * 26 * 16 * 27, r.multiplyAdds());
        assertEquals(448, r.params());
    }

    @Test
    void groupedConvolutionDividesTheChannels() {
        ConvMath.Result r = compute("input=8 kernel=3 padding=same channels=4 filters=8 groups=2");
        assertEquals(3 * 3 * 2 * 8 + 8, r.params());
        assertEquals(8 * 8 * 8 * 3 * 3 * 2, r.multiplyAdds());
    }

    /** Output size by counting window positions that fit in the padded input, one axis at a time. */
    private static long bruteForce(long in, long k, long s, long d, long before, long after) {
        long count = 0;
        for (long start = -before; start + d * (k - 1) <= in + after - 1; start += s) {
            count++;
        }
        return count;
    }

    @Test
    void explicitAsymmetricPaddingMatchesWindowCounts() {
        for (int in = 3; in <= 9; in++) {
            for (int k = 1; k <= 3; k++) {
                for (int s = 1; s <= 3; s++) {
                    for (int d = 1; d <= 2; d++) {
                        String line = "input=" + in + "x" + (in + 2) + " kernel=" + k + "x" + (k + 1) + " stride=" + s + "x" + (4 - s)
                                + " dilation=" + d + "x1 padding=1,0,2,1";
                        long h = bruteForce(in, k, s, d, 1, 0);
                        long w = bruteForce(in + 2, k + 1, 4 - s, 1, 2, 1);
                        if (h < 1 || w < 1) {
                            continue;
                        }
                        Geometry2D g = compute(line).geometry();
                        assertEquals(h, g.outputHeight(), line);
                        assertEquals(w, g.outputWidth(), line);
                    }
                }
            }
        }
    }

    @Test
    void paddingShorthands() {
        Geometry2D g = compute("input=7x9 kernel=3 padding=1x2").geometry();
        assertEquals(List.of(1L, 1L, 2L, 2L), List.of(g.padTop(), g.padBottom(), g.padLeft(), g.padRight()));
        assertEquals(7, g.outputHeight());
        assertEquals(11, g.outputWidth());
        g = compute("input=5 kernel=3 padding=full").geometry();
        assertEquals(7, g.outputHeight());
        g = compute("input=5 kernel=3 padding=2").geometry();
        assertEquals(List.of(2L, 2L, 2L, 2L), List.of(g.padTop(), g.padBottom(), g.padLeft(), g.padRight()));
    }

    @Test
    void transposedSizesFollowKeras() {
        // Keras Conv2DTranspose: valid without output_padding: in*s + max(k - s, 0) = 7*2 + 1 = 15.
        assertEquals(15, compute("input=7 kernel=3 stride=2 transposed").geometry().outputHeight());
        // same: in*s = 14; with output_padding 1: (7-1)*2 + 3 - 2*1 + 1 = 14.
        assertEquals(14, compute("input=7 kernel=3 stride=2 padding=same transposed").geometry().outputHeight());
        assertEquals(14, compute("input=7 kernel=3 stride=2 padding=same transposed output_padding=1").geometry().outputHeight());
        // PyTorch ConvTranspose2d(k=3, s=2, padding=1, output_padding=1) on 4: (4-1)*2 - 2 + 3 + 1 = 8.
        assertEquals(8, compute("input=4 kernel=3 stride=2 padding=1 transposed output_padding=1").geometry().outputHeight());
        ConvMath.Result r = compute("input=4 kernel=3 stride=2 padding=same transposed channels=2 filters=3");
        assertEquals(3 * 3 * 3 * 2 + 3, r.params());
        assertEquals(4 * 4 * 3 * 3 * 2 * 3, r.multiplyAdds());
        DisplayData d = run("input=4 kernel=3 stride=2 padding=same transposed output_padding=1 window=1,2");
        assertTrue(Gallery.text(d).startsWith("Conv2DTranspose: input 4x4, kernel 3x3"), Gallery.text(d));
        Gallery.save("convmath-transposed", d);
    }

    private static int rgb(BufferedImage img, Rectangle cell) {
        return img.getRGB(cell.x + cell.width / 2, cell.y + cell.height / 2) & 0xffffff;
    }

    private static double share(BufferedImage img, Rectangle cell, Color c) {
        int hits = 0, all = 0;
        for (int y = cell.y + 1; y < cell.y + cell.height; y++) {
            for (int x = cell.x + 1; x < cell.x + cell.width; x++) {
                all++;
                if ((img.getRGB(x, y) & 0xffffff) == (c.getRGB() & 0xffffff)) {
                    hits++;
                }
            }
        }
        return hits / (double) all;
    }

    @Test
    void diagramHighlightsExactlyTheWindowTaps() {
        String line = "input=7x9 kernel=3x5 stride=2x1 padding=1,0,2,1 window=1,2";
        ConvMath.Result r = compute(line);
        WindowDiagram diagram = new WindowDiagram(r.geometry(), new long[] {1, 2});
        BufferedImage img = Gallery.decode(MagicOutput.png(diagram.render("test")));
        // Window (1, 2) reads rows 1*2 - 1 + a (a = 0..2) and columns 2*1 - 2 + b (b = 0..4), by hand.
        Set<String> taps = new HashSet<>();
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 5; b++) {
                taps.add((1 + a) + "," + b);
            }
        }
        for (long row = -1; row <= 6; row++) {
            for (long col = -2; col <= 9; col++) {
                Rectangle cell = diagram.largeCell(row, col);
                boolean padding = row < 0 || row > 6 || col < 0 || col > 8;
                if (taps.contains(row + "," + col)) {
                    assertEquals(WindowDiagram.TAP.getRGB() & 0xffffff, rgb(img, cell), row + "," + col);
                } else if (padding) {
                    assertTrue(share(img, cell, WindowDiagram.PADDING) > 0.4, "padding cell " + row + "," + col);
                } else {
                    assertEquals(0xffffff, rgb(img, cell), "input cell " + row + "," + col);
                }
            }
        }
        assertEquals(WindowDiagram.TAP.getRGB() & 0xffffff, rgb(img, diagram.smallCell(1, 2)));
        assertEquals(WindowDiagram.OUTPUT.getRGB() & 0xffffff, rgb(img, diagram.smallCell(0, 0)));
        Gallery.save("convmath-7x9-asym", run(line));
    }

    @Test
    void displayedPngIsTheDiagram() {
        DisplayData d = run("input=28x28 kernel=3 stride=2 padding=same");
        BufferedImage img = Gallery.png(d);
        assertTrue(img.getWidth() >= 600 && img.getWidth() <= 1200, "width " + img.getWidth());
        assertTrue(img.getHeight() >= 300 && img.getHeight() <= 1000, "height " + img.getHeight());
        ConvMath.Result r = compute("input=28x28 kernel=3 stride=2 padding=same");
        WindowDiagram diagram = new WindowDiagram(r.geometry(), new long[] {0, 0});
        BufferedImage same = Gallery.decode(MagicOutput.png(diagram.render(r.title())));
        assertEquals(img.getWidth(), same.getWidth());
        // The bottom padding row (row 28) is grey and hatched; the top-left window is orange.
        assertTrue(share(img, diagram.largeCell(28, 5), WindowDiagram.PADDING) > 0.4);
        assertEquals(WindowDiagram.TAP.getRGB() & 0xffffff, rgb(img, diagram.largeCell(1, 1)));
        assertEquals(0xffffff, rgb(img, diagram.largeCell(3, 3)));
        String html = Gallery.html(d);
        assertTrue(html.contains("<img src=\"data:image/png;base64,"), html);
        Html.parse(html);
    }

    @Test
    void dilatedWindowShowsTapsAndHoles() {
        String line = "input=9 kernel=3 dilation=2 padding=same window=4,4";
        ConvMath.Result r = compute(line);
        assertEquals(9, r.geometry().outputHeight());
        assertEquals(2, r.geometry().padTop());
        WindowDiagram diagram = new WindowDiagram(r.geometry(), new long[] {4, 4});
        BufferedImage img = Gallery.decode(MagicOutput.png(diagram.render("dilated")));
        // taps at 4 - 2 + 2a = 2, 4, 6 on both axes; the cells between are holes
        for (int row = 2; row <= 6; row++) {
            for (int col = 2; col <= 6; col++) {
                Color expected = row % 2 == 0 && col % 2 == 0 ? WindowDiagram.TAP : WindowDiagram.SPAN;
                assertEquals(expected.getRGB() & 0xffffff, rgb(img, diagram.largeCell(row, col)), row + "," + col);
            }
        }
        assertTrue(Gallery.text(run(line)).contains("effective kernel = d*(k-1) + 1 = 2*(3-1) + 1 = 5"));
        Gallery.save("convmath-dilated", run(line));
    }

    @Test
    void largeInputsAreDrawnAsACropAroundTheWindow() {
        String line = "input=224 kernel=7 stride=2 padding=3 channels=3 filters=64 window=50,60";
        DisplayData d = run(line);
        String text = Gallery.text(d);
        assertTrue(text.contains("The padded input has 230x230 cells; shown: rows "), text);
        assertTrue(text.contains("The output has 112x112 cells; shown: rows "), text);
        ConvMath.Result r = compute(line);
        WindowDiagram diagram = new WindowDiagram(r.geometry(), new long[] {50, 60});
        BufferedImage img = Gallery.decode(MagicOutput.png(diagram.render(r.title())));
        // window (50, 60) reads rows 97..103 and columns 117..123
        assertEquals(WindowDiagram.TAP.getRGB() & 0xffffff, rgb(img, diagram.largeCell(97, 117)));
        assertEquals(WindowDiagram.TAP.getRGB() & 0xffffff, rgb(img, diagram.largeCell(103, 123)));
        assertEquals(0xffffff, rgb(img, diagram.largeCell(104, 123)));
        assertTrue(img.getWidth() < 1200);
        Gallery.save("convmath-224", d);
    }

    @Test
    void transposedOutputPaddingAppendsACellNoInputReaches() {
        // Keras valid, kernel 1 narrower than stride 2: out = 3*2 + max(1 - 2, 0) = 6, the full result
        // (3-1)*2 + 1 = 5 cells, so one cell is appended (a crop of -1 at the end).
        String line = "input=3 kernel=1 stride=2 transposed window=2,2";
        ConvMath.Result r = compute(line);
        assertEquals(6, r.geometry().outputHeight());
        assertEquals(-1, r.geometry().padBottom());
        String text = Gallery.text(run(line));
        assertTrue(text.contains("crop: top 0, bottom -1, left 0, right -1\n"), text);
        WindowDiagram diagram = new WindowDiagram(r.geometry(), new long[] {2, 2});
        BufferedImage img = Gallery.decode(MagicOutput.png(diagram.render("appended")));
        // input cell (2, 2) scatters to output cell (4, 4) only; cell (5, 5) exists but nothing reaches it
        assertEquals(WindowDiagram.TAP.getRGB() & 0xffffff, rgb(img, diagram.largeCell(4, 4)));
        assertEquals(0xffffff, rgb(img, diagram.largeCell(5, 5)));
    }

    @Test
    void kernelsWiderThanTheDrawnCropStillDraw() {
        String line = "input=100 kernel=50 window=10,0";
        ConvMath.Result r = compute(line);
        assertEquals(51, r.geometry().outputHeight());
        WindowDiagram diagram = new WindowDiagram(r.geometry(), new long[] {10, 0});
        BufferedImage img = Gallery.decode(MagicOutput.png(diagram.render("wide")));
        assertEquals(WindowDiagram.TAP.getRGB() & 0xffffff, rgb(img, diagram.largeCell(10, 0)));
        assertEquals(0xffffff, rgb(img, diagram.largeCell(9, 0)));
        assertTrue(diagram.notes().startsWith("The padded input has 100x100 cells; shown: rows 8..43, columns 0..35"),
                diagram.notes());
    }

    @Test
    void textDiagramMarksTapsAndPadding() {
        String text = Gallery.text(run("input=3 kernel=2 padding=1,0,0,1 window=0,1"));
        // padded rows -1..2, columns 0..3; window (0,1) reads rows -1..0, columns 1..2
        assertTrue(text.contains(": @ @ :    o # o\n. # # :    o o o\n. . . :    o o o\n. . . :\n"), text);
    }

    @Test
    void help() {
        DisplayData d = run("--help");
        assertEquals(ConvMath.USAGE, Gallery.text(d));
        assertTrue(ConvMath.USAGE.contains("%convmath input=28x28 kernel=3 stride=2 padding=same"));
        assertNull(d.getData(io.github.spencerpark.jupyter.kernel.display.mime.MIMEType.IMAGE_PNG));
    }

    @Test
    void argumentErrors() {
        assertEquals("%convmath: stride=0x1 is not valid: strides must be >= 1 on every axis. Accepted: stride=2 or stride=2x1.",
                error("input=28 kernel=3 stride=0x1"));
        assertEquals("%convmath: Unknown argument 'strides'. Did you mean 'stride'? Accepted: input, kernel, stride, padding,"
                + " dilation, channels, filters, groups, output_padding, window, transposed, --animate.", error("input=28 kernel=3 strides=2"));
        assertEquals("%convmath: Unknown argument 'transpose'. Did you mean 'transposed'? Accepted: input, kernel, stride,"
                + " padding, dilation, channels, filters, groups, output_padding, window, transposed, --animate.",
                error("input=28 kernel=3 transpose"));
        assertEquals("%convmath: input= is required. Accepted: input=28 or input=28x32.", error("kernel=3"));
        assertEquals("%convmath: input=28x28x3 is not valid: give one number or two joined by 'x' (height x width)."
                + " Accepted: input=28 or input=28x32.", error("input=28x28x3 kernel=3"));
        assertEquals("%convmath: kernel=3y3 is not valid: '3y3' is not a whole number. Accepted: kernel=3 or kernel=3x5.",
                error("input=28 kernel=3y3"));
        assertEquals("%convmath: kernel= has no value. Write it without spaces, e.g. kernel=3.", error("input=28 kernel="));
        assertEquals("%convmath: 'stride' needs a value. Write stride=2 (no spaces around '=').", error("input=28 kernel=3 stride"));
        assertEquals("%convmath: stride is given twice (stride=2 and stride=1). Give each argument once.",
                error("input=28 kernel=3 stride=2 stride=1"));
        assertEquals("%convmath: padding=samee is not valid: it is neither a padding rule nor a number. Accepted: " + PaddingSpec.FORMS + ".",
                error("input=28 kernel=3 padding=samee"));
        assertEquals("%convmath: padding=1,2 is not valid: comma-separated padding needs four amounts (top,bottom,left,right)."
                + " Accepted: " + PaddingSpec.FORMS + ".", error("input=28 kernel=3 padding=1,2"));
        assertEquals("%convmath: padding=-1 is not valid: padding amounts must be >= 0. Accepted: " + PaddingSpec.FORMS + ".",
                error("input=28 kernel=3 padding=-1"));
        assertEquals("%convmath: output_padding=1 is not valid: output_padding belongs to transposed convolutions only."
                + " Accepted: transposed output_padding=1, or no output_padding.", error("input=28 kernel=3 output_padding=1"));
        assertEquals("%convmath: window=14,0 is not valid: it is outside the 14x14 output (window=i,j picks output cell (i, j))."
                + " Accepted: window=i,j with i in 0..13 and j in 0..13.", error("input=28 kernel=3 stride=2 padding=same window=14,0"));
        assertEquals("%convmath: window=1 is not valid: give a row and a column, both >= 0, separated by a comma."
                + " Accepted: window=0,0 or window=2,3.", error("input=28 kernel=3 window=1"));
        assertEquals("%convmath: channels=0 is not valid: channels must be >= 1. Accepted: channels=1.",
                error("input=28 kernel=3 channels=0"));
        assertEquals("%convmath: groups=2 is not valid: transposed convolutions have no groups here (Keras Conv2DTranspose"
                + " has none). Accepted: groups=1, or drop transposed.", error("input=28 kernel=3 transposed groups=2"));
    }

    @Test
    void impossibleGeometryNamesTheFormula() {
        String msg = error("input=2 kernel=3");
        assertTrue(msg.startsWith("%convmath: output height = floor((2 + 0 + 0 - 1*(3-1) - 1)/1) + 1 = 0"), msg);
        msg = error("input=8 kernel=3 channels=3 filters=32 groups=2");
        assertTrue(msg.contains("groups=2"), msg);
        assertEquals("%convmath: the parameter count or multiply-adds of channels=4000000000 filters=4000000000 with kernel"
                + " 3x3 exceed a 64-bit count (9223372036854775807). Use realistic sizes, e.g. channels=3 filters=64.",
                error("input=28 kernel=3 channels=4000000000 filters=4000000000"));
        msg = error("input=7 kernel=3 stride=2 padding=same transposed output_padding=2");
        assertTrue(msg.startsWith("%convmath: output_padding 2 on the height axis must be smaller than the stride 2"), msg);
    }

    @Test
    void sizeParsing() {
        assertArrayEquals(new long[] {28, 32}, ParsedArgs.parseSize("%m", "input", "28x32", 1, "sizes"));
        assertArrayEquals(new long[] {5, 5}, ParsedArgs.parseSize("%m", "input", "5", 1, "sizes"));
        assertArrayEquals(new long[] {2, 1}, ParsedArgs.parseSize("%m", "stride", "2X1", 1, "strides"));
    }
}
