package io.convnb.magic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.layers.Conv2D;
import io.convnb.layers.MaxPooling2D;
import io.convnb.shape.ConvArithmetic;
import io.convnb.shape.Geometry2D;
import io.convnb.shape.Padding;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ConvAnimationTest {

    /** Which colour a cell of a frame should have; rows and columns in the diagram's coordinates. */
    interface Expect {
        Color at(int frame, long r, long c);
    }

    /** The most frequent colour inside a cell, 2 pixels in from its border lines. */
    static int cellColour(BufferedImage im, Rectangle cell) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int y = cell.y + 2; y < cell.y + cell.height - 1; y++) {
            for (int x = cell.x + 2; x < cell.x + cell.width - 1; x++) {
                counts.merge(im.getRGB(x, y) & 0xffffff, 1, Integer::sum);
            }
        }
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    static String hex(int rgb) {
        return String.format("#%06x", rgb);
    }

    /**
     * Decodes the GIF and checks every cell of both grids in every frame. The cell rectangles come from
     * the diagram's layout; which colour each cell has comes from the expectations, worked out in the
     * tests from the numbers of the geometry.
     */
    static GifFrames checkFrames(ConvAnimation a, long bigLo0, long bigLo1, long bigRows, long bigCols, long smallRows,
                                 long smallCols, Expect big, Expect small) {
        GifFrames gif = GifFrames.decode(a.gif());
        assertEquals(a.frames(), gif.frames.size());
        Geometry2D g = a.geometry();
        WindowDiagram layout = new WindowDiagram(g, new long[] {0, 0}, Integer.MAX_VALUE, 3);
        layout.render(a.caption().substring("Animation of ".length(), a.caption().indexOf(": ", a.caption().indexOf(" -> ")))
                + "\n" + ConvAnimation.plan(g, a.schedule()));
        assertArrayEquals(new long[] {bigLo0, bigLo1}, layout.largeOrigin());
        assertArrayEquals(new long[] {bigRows, bigCols}, layout.largeSize());
        for (int f = 0; f < gif.frames.size(); f++) {
            BufferedImage im = gif.frames.get(f);
            for (long r = bigLo0; r < bigLo0 + bigRows; r++) {
                for (long c = bigLo1; c < bigLo1 + bigCols; c++) {
                    int want = big.at(f, r, c).getRGB() & 0xffffff;
                    int got = cellColour(im, layout.largeCell(r, c));
                    assertEquals(hex(want), hex(got), "frame " + f + ", large cell (" + r + ", " + c + ")");
                }
            }
            for (long r = 0; r < smallRows; r++) {
                for (long c = 0; c < smallCols; c++) {
                    int want = small.at(f, r, c).getRGB() & 0xffffff;
                    int got = cellColour(im, layout.smallCell(r, c));
                    assertEquals(hex(want), hex(got), "frame " + f + ", small cell (" + r + ", " + c + ")");
                }
            }
        }
        return gif;
    }

    /** Small-grid colour when frames visit cells one by one, row by row. */
    static Expect oneByOne(long cols) {
        return (f, r, c) -> {
            long k = r * cols + c;
            return k == f ? WindowDiagram.TAP : k < f ? WindowDiagram.OUTPUT : WindowDiagram.PENDING;
        };
    }

    @Test
    void stridedAsymmetricPaddingWindowStepsOverThePaddedInput() throws IOException {
        // input 6x6, kernel 3, stride 2, padding top 1, bottom 0, left 1, right 0:
        // out = floor((6 + 1 + 0 - 3)/2) + 1 = 3 per axis; window (i, j) reads rows 2i-1..2i+1, columns 2j-1..2j+1.
        ConvAnimation a = ConvAnimation.of("input=6 kernel=3 stride=2 padding=1,0,1,0");
        assertEquals(9, a.frames());
        Files.createDirectories(Gallery.DIR);
        a.save(Gallery.DIR.resolve("animate-6-k3-s2-pad1010.gif"));
        GifFrames gif = checkFrames(a, -1, -1, 7, 7, 3, 3, (f, r, c) -> {
            long i = f / 3, j = f % 3;
            boolean tap = r >= 2 * i - 1 && r <= 2 * i + 1 && c >= 2 * j - 1 && c <= 2 * j + 1;
            boolean in = r >= 0 && c >= 0;
            return tap ? WindowDiagram.TAP : in ? WindowDiagram.INPUT : WindowDiagram.PADDING;
        }, oneByOne(3));
        assertTrue(gif.loopsForever, "NETSCAPE2.0 loop extension with count 0");
        assertEquals(List.of(80, 80, 80, 80, 80, 80, 80, 80, ConvAnimation.LAST_DELAY), gif.delays);
        assertTrue(gif.disposals.stream().allMatch("doNotDispose"::equals), gif.disposals.toString());
        assertEquals(a.width(), gif.width);
        // the PNG fallback is the last frame
        BufferedImage png = Gallery.decode(a.png());
        BufferedImage last = gif.frames.get(gif.frames.size() - 1);
        assertEquals(last.getWidth(), png.getWidth());
        // equal up to the palette's grey steps (antialiased text lands on the nearest grey)
        int worst = 0;
        for (int y = 0; y < png.getHeight(); y++) {
            for (int x = 0; x < png.getWidth(); x++) {
                int p = png.getRGB(x, y), q = last.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    worst = Math.max(worst, Math.abs((p >> shift & 0xff) - (q >> shift & 0xff)));
                }
            }
        }
        assertTrue(worst <= 8, "largest channel difference " + worst);
    }

    @Test
    void sameBytesForTheSameGeometry() {
        byte[] one = ConvAnimation.of("input=5 kernel=3 stride=2 padding=same").gif();
        byte[] two = ConvAnimation.of("input=5 kernel=3 stride=2 padding=same").gif();
        assertArrayEquals(one, two);
        byte[] other = ConvAnimation.of("input=5 kernel=3 stride=1 padding=same").gif();
        assertFalse(java.util.Arrays.equals(one, other));
    }

    @Test
    void sameWithAnEvenKernelPutsTheOddPixelAfter() {
        // input 5, kernel 4, stride 1, same: total padding 3, 1 before and 2 after; window i reads i-1..i+2.
        ConvAnimation a = ConvAnimation.of("input=5 kernel=4 padding=same");
        assertEquals(25, a.frames());
        checkFrames(a, -1, -1, 8, 8, 5, 5, (f, r, c) -> {
            long i = f / 5, j = f % 5;
            boolean tap = r >= i - 1 && r <= i + 2 && c >= j - 1 && c <= j + 2;
            boolean in = r >= 0 && r < 5 && c >= 0 && c < 5;
            return tap ? WindowDiagram.TAP : in ? WindowDiagram.INPUT : WindowDiagram.PADDING;
        }, oneByOne(5));
    }

    @Test
    void dilatedWindowShowsItsHoles() throws IOException {
        // input 7x6, kernel 3, dilation 2, valid: out = 7 - 4 = 3 rows, 6 - 4 = 2 columns; taps i, i+2, i+4.
        ConvAnimation a = ConvAnimation.of("input=7x6 kernel=3 dilation=2");
        assertEquals(6, a.frames());
        checkFrames(a, 0, 0, 7, 6, 3, 2, (f, r, c) -> {
            long i = f / 2, j = f % 2;
            boolean inSpan = r >= i && r <= i + 4 && c >= j && c <= j + 4;
            boolean tap = inSpan && (r - i) % 2 == 0 && (c - j) % 2 == 0;
            return tap ? WindowDiagram.TAP : inSpan ? WindowDiagram.SPAN : WindowDiagram.INPUT;
        }, oneByOne(2));
        a.save(Gallery.DIR.resolve("animate-7x6-k3-d2.gif"));
    }

    /** How many of the first {@code upTo+1} input cells (row by row) write to full-result cell (r, c). */
    private static int writes(long r, long c, int upTo, int inCols, int k, int s) {
        int n = 0;
        for (int idx = 0; idx <= upTo; idx++) {
            int i = idx / inCols, j = idx % inCols;
            if (r >= (long) i * s && r < (long) i * s + k && c >= (long) j * s && c < (long) j * s + k) {
                n++;
            }
        }
        return n;
    }

    @Test
    void transposedInputCellsSpreadTheirKernelAndOverlapsDarken() throws IOException {
        // input 3x3, kernel 3, stride 2, valid: full result (3-1)*2 + 3 = 7, nothing cropped.
        // Input cell (i, j) writes rows 2i..2i+2, columns 2j..2j+2.
        ConvAnimation a = ConvAnimation.of("input=3 kernel=3 stride=2 transposed");
        assertEquals(9, a.frames());
        checkFrames(a, 0, 0, 7, 7, 3, 3, (f, r, c) -> {
            long i = f / 3, j = f % 3;
            if (r >= 2 * i && r <= 2 * i + 2 && c >= 2 * j && c <= 2 * j + 2) {
                return WindowDiagram.TAP;
            }
            int n = writes(r, c, f, 3, 3, 2);
            return n == 0 ? WindowDiagram.INPUT : WindowDiagram.WRITTEN[Math.min(n, 4) - 1];
        }, oneByOne(3));
        // in the end the centre cell (2, 2) has been written by 4 input cells, a corner by 1
        assertEquals(4, writes(2, 2, 8, 3, 3, 2));
        a.save(Gallery.DIR.resolve("animate-transposed-3-k3-s2.gif"));
    }

    @Test
    void transposedSameCropsTheOddCellAtTheEnd() {
        // input 3, kernel 3, stride 2, same: full 7, output 3*2 = 6, crop 0 before and 1 after.
        ConvAnimation a = ConvAnimation.of("input=3 kernel=3 stride=2 padding=same transposed");
        assertEquals(0, a.geometry().padTop());
        assertEquals(1, a.geometry().padBottom());
        checkFrames(a, 0, 0, 7, 7, 3, 3, (f, r, c) -> {
            long i = f / 3, j = f % 3;
            if (r >= 2 * i && r <= 2 * i + 2 && c >= 2 * j && c <= 2 * j + 2) {
                return WindowDiagram.TAP;
            }
            int n = writes(r, c, f, 3, 3, 2);
            return n > 0 ? WindowDiagram.WRITTEN[Math.min(n, 4) - 1]
                    : r < 6 && c < 6 ? WindowDiagram.INPUT : WindowDiagram.PADDING;
        }, oneByOne(3));
    }

    @Test
    void largeOutputsStepInBlocksAndTheCaptionSaysSo() {
        // 28x28 output: blocks of 4 would need 7*7 = 49 frames > 48, blocks of 5 need 6*6 = 36.
        ConvAnimation a = ConvAnimation.of("input=28 kernel=3 padding=same");
        Gallery.save("convmath-animate-28-k3-same", a.toDisplayData());
        Gallery.save("convmath-animate-28-k3-s2-same", ConvAnimation.of("input=28 kernel=3 stride=2 padding=same")
                .toDisplayData());
        assertEquals(5, a.schedule().block());
        assertEquals(36, a.frames());
        assertTrue(a.caption().contains("each frame handles a 5x5 block of output cells, row by row (36 frames for 784"
                + " cells); the window is drawn at the block's first cell"), a.caption());
        // frame 7 is block (1, 1): window at output cell (5, 5), reading rows 4..6, columns 4..6
        checkFrames(a, -1, -1, 30, 30, 28, 28, (f, r, c) -> {
            long i = f / 6 * 5, j = f % 6 * 5;
            boolean tap = r >= i - 1 && r <= i + 1 && c >= j - 1 && c <= j + 1;
            boolean in = r >= 0 && r < 28 && c >= 0 && c < 28;
            return tap ? WindowDiagram.TAP : in ? WindowDiagram.INPUT : WindowDiagram.PADDING;
        }, (f, r, c) -> {
            long blockIndex = (r / 5) * 6 + c / 5;
            return r == f / 6 * 5 && c == f % 6 * 5 ? WindowDiagram.TAP
                    : blockIndex <= f ? WindowDiagram.OUTPUT : WindowDiagram.PENDING;
        });
    }

    @Test
    void convmathAnimateGivesGifHtmlAndPngFallback() {
        DisplayData d = ConvMath.line(List.of("input=7", "kernel=3", "stride=2", "padding=same", "--animate"));
        String html = Gallery.html(d);
        assertTrue(html.contains("<img src=\"data:image/gif;base64,"), html.substring(0, 200));
        assertTrue(html.contains("floor((7 + 1 + 1 - 1*(3-1) - 1)/2) + 1 = 4"), "the axis table is kept");
        byte[] gif = Base64.getDecoder().decode((String) d.getData(MIMEType.IMAGE_GIF));
        assertArrayEquals(ConvAnimation.of("input=7 kernel=3 stride=2 padding=same").gif(), gif);
        assertEquals(16, GifFrames.decode(gif).frames.size());
        assertTrue(html.contains(Base64.getEncoder().encodeToString(gif)), "the HTML embeds the same GIF");
        BufferedImage png = Gallery.png(d);
        assertTrue(png.getWidth() > 300);
        String text = Gallery.text(d);
        assertTrue(text.startsWith("Conv2D: input 7x7, kernel 3x3, stride 2x2"), text);
        assertTrue(text.contains("one output cell per frame, row by row (16 frames)"), text);
        Gallery.save("convmath-animate-7-k3-s2-same", d);
    }

    @Test
    void aKernelRendererShowsEveryMimeType() {
        ConvAnimation a = ConvAnimation.of("input=4 kernel=2 stride=2");
        DisplayData d = new io.github.spencerpark.jupyter.kernel.display.Renderer().render(a);
        assertArrayEquals(a.gif(), Base64.getDecoder().decode((String) d.getData(MIMEType.IMAGE_GIF)));
        assertArrayEquals(a.png(), Base64.getDecoder().decode((String) d.getData(MIMEType.IMAGE_PNG)));
        assertTrue(((String) d.getData(MIMEType.TEXT_HTML)).startsWith("<div class=\"convnb-animation\"><img src=\"data:image/gif;base64,"));
        assertEquals(a.caption(), d.getData(MIMEType.TEXT_PLAIN));
        assertTrue(a.caption().startsWith("Animation of Conv2D: input 4x4, kernel 2x2, stride 2x2, dilation 1x1, padding valid"
                + " (top 0, bottom 0, left 0, right 0) -> output 2x2: one output cell per frame, row by row (4 frames), 0.8 s"
                + " per frame."), a.caption());
    }

    @Test
    void animateKeepsTheUsualErrors() {
        String e = assertThrows(MagicArgumentException.class,
                () -> ConvMath.line(List.of("input=3", "kernel=5", "--animate"))).getMessage();
        String plain = assertThrows(MagicArgumentException.class,
                () -> ConvMath.line(List.of("input=3", "kernel=5"))).getMessage();
        assertEquals(plain, e);
        assertTrue(e.contains("floor((3 + 0 + 0 - 1*(5-1) - 1)/1) + 1 = -1 for input height 3 and kernel 5"), e);
        String w = assertThrows(MagicArgumentException.class,
                () -> ConvMath.line(List.of("input=5", "kernel=3", "window=1,1", "--animate"))).getMessage();
        assertEquals("%convmath: window=1,1 is not valid: --animate visits every window, and window= picks the one window"
                + " of the static diagram. Accepted: --animate without window=, or window=i,j without --animate.", w);
        String big = assertThrows(MagicArgumentException.class,
                () -> ConvMath.line(List.of("input=224", "kernel=7", "stride=2", "padding=same", "--animate"))).getMessage();
        assertEquals("%convmath: the animation draws every cell, and the padded input has 229x229 cells, more than 160"
                + " per axis. Animate a smaller input with the same kernel, stride, dilation and padding (the window moves"
                + " the same way), e.g. input=32x32, or drop --animate for the static diagram.", big);
        String typo = assertThrows(MagicArgumentException.class,
                () -> ConvMath.line(List.of("input=5", "kernel=3", "--animat"))).getMessage();
        assertTrue(typo.contains("Unknown argument '--animat'. Did you mean '--animate'?"), typo);
        assertThrows(IllegalArgumentException.class, () -> ConvAnimation.of(
                ConvArithmetic.conv2d("x", 5, 5, 3, 3, 1, 1, 1, 1, Padding.VALID), 0));
    }

    @Test
    void everyHelpExampleRuns() {
        String help = Gallery.text(ConvMath.line(List.of("--help")));
        assertTrue(help.contains("--animate "), help);
        String examples = help.substring(help.indexOf("Examples:"));
        int run = 0;
        for (String line : examples.split("\n")) {
            if (line.strip().startsWith("%convmath ")) {
                DisplayData d = ConvMath.line(List.of(line.strip().substring("%convmath ".length()).split("\\s+")));
                assertTrue(Gallery.text(d).startsWith("Conv2D"), line);
                run++;
            }
        }
        assertEquals(6, run);
    }

    /** The examples of the README and of ConvAnimation's class comment, as written there. */
    @Test
    void documentedExamplesRun() {
        io.convnb.model.Sequential model = new io.convnb.model.Sequential();
        model.add(new Conv2D(4, 3).padding("same").inputShape(28, 28, 1));
        model.add(new Conv2D(4, 3).strides(2).padding("same"));
        assertEquals("conv2d_1", model.layer(1).name());
        String body = "conv 3 padding=same\npool 2\nconv 3 stride=2";
        assertEquals(3, ConvAnimation.ofStack("input=32", body, 3).geometry().height().kernel());
        assertEquals(16, ConvAnimation.of("input=7 kernel=3 stride=2 padding=same").frames());
        assertEquals(9, ConvAnimation.of(ConvArithmetic.conv2d("demo", 6, 6, 3, 3, 2, 2, 1, 1, 1, 0, 1, 0)).frames());
        assertEquals(14, ConvAnimation.of(model.layer("conv2d_1"), 28, 28).geometry().outputHeight());
        assertEquals(9, ConvAnimation.of("input=3 kernel=3 stride=2 transposed").frames());
        org.nd4j.linalg.api.ndarray.INDArray image = org.nd4j.linalg.factory.Nd4j.rand(
                org.nd4j.linalg.api.buffer.DataType.FLOAT, 28, 28);
        assertTrue(io.convnb.display.ReceptiveFieldView.of(model, "conv2d_1", 5, 5).on(image).text()
                .startsWith("Receptive field of 'conv2d_1', output cell (5, 5)\nrows 9..13, columns 9..13 (5x5)"));
        assertTrue(io.convnb.display.ReceptiveFieldView.of(model, "conv2d_1", 5, 5).on(image, image).text()
                .contains("of its |mass| inside the field"));
    }

    @Test
    void stackLayersAndModelLayersAnimateTheirGeometry() {
        String body = "conv 3 padding=same\npool 2\nconv 3 stride=2 padding=1,0,1,0\n";
        ConvAnimation third = ConvAnimation.ofStack("input=12", body, 3);
        // 12 -> 12 (same) -> 6 (pool 2) -> floor((6 + 1 - 3)/2) + 1 = 3
        Geometry2D g = third.geometry();
        assertEquals(6, g.height().input());
        assertEquals(3, g.outputHeight());
        assertEquals(List.of(1L, 0L, 1L, 0L), List.of(g.padTop(), g.padBottom(), g.padLeft(), g.padRight()));
        assertArrayEquals(ConvAnimation.of("input=6 kernel=3 stride=2 padding=1,0,1,0").gif(), third.gif());
        String e = assertThrows(MagicArgumentException.class, () -> ConvAnimation.ofStack("input=12", body, 4)).getMessage();
        assertEquals("%%convmath: layer 4 is not in the stack, which has 3 layers; use 1..3 (the # column of the table).", e);

        Conv2D conv = new Conv2D(4, 3).strides(2).padding(1, 0, 1, 0);
        ConvAnimation fromLayer = ConvAnimation.of(conv, 6, 6);
        assertEquals(g, fromLayer.geometry());
        assertTrue(fromLayer.caption().startsWith("Animation of Conv2D '" + conv.name() + "': input 6x6, kernel 3x3"),
                fromLayer.caption());
        ConvAnimation pool = ConvAnimation.of(new MaxPooling2D(2), 6, 6);
        assertEquals(9, pool.frames());
        assertTrue(pool.caption().startsWith("Animation of MaxPooling2D '"), pool.caption());
        String dense = assertThrows(IllegalArgumentException.class,
                () -> ConvAnimation.of(new io.convnb.layers.Dense(3), 6, 6)).getMessage();
        assertTrue(dense.contains("has no sliding window: its output has no spatial grid"), dense);
    }
}
