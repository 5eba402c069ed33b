package io.convnb.display;

import static io.convnb.display.TestImages.centroid;
import static io.convnb.display.TestImages.count;
import static io.convnb.display.TestImages.decode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class HeatmapTest {

    private static final DisplayOptions VIRIDIS = new DisplayOptions();
    private static final DisplayOptions RDBU = new DisplayOptions().cmap(ColorMap.RDBU);

    @Test
    void maxCellHasTopColourAndMinCellBottomColourInTheRightPlaces() {
        INDArray a = Nd4j.createFromArray(new float[][] {{0, 1}, {2, 3}});
        Figure f = Heatmap.of(a, VIRIDIS);
        BufferedImage img = decode(f.png());
        assertEquals(f.width(), img.getWidth());
        assertEquals(f.height(), img.getHeight());
        assertTrue(img.getWidth() >= 300 && img.getWidth() <= 900, "width " + img.getWidth());
        int top = ColorMap.VIRIDIS.top();
        int bottom = ColorMap.VIRIDIS.bottom();
        // Each cell is tens of pixels on a side (nearest-neighbour upscaling of a 2x2 array).
        assertTrue(count(img, top) > 3000, "top colour pixels: " + count(img, top));
        assertTrue(count(img, bottom) > 3000, "bottom colour pixels: " + count(img, bottom));
        double[] maxAt = centroid(img, top);
        double[] minAt = centroid(img, bottom);
        assertTrue(maxAt[0] > minAt[0] + 40 && maxAt[1] > minAt[1] + 40, "max cell (bottom right) is right of and below min cell");
        assertEquals(0xffffff, TestImages.rgb(img, 0, 0), "white background");
    }

    @Test
    void divergingMapIsSymmetricWithWhiteZero() {
        INDArray a = Nd4j.createFromArray(new double[][] {{-2, 0}, {1, 2}});
        BufferedImage img = decode(Heatmap.of(a, RDBU).png());
        int zero = ColorMap.RDBU.rgb(0.5);
        assertTrue(TestImages.red(zero) > 240 && TestImages.green(zero) > 240 && TestImages.blue(zero) > 240, "zero is white-ish");
        assertTrue(count(img, zero) > 3000);
        assertTrue(count(img, ColorMap.RDBU.top()) > 3000, "+2 takes the top (dark red)");
        assertTrue(count(img, ColorMap.RDBU.bottom()) > 3000, "-2 takes the bottom (dark blue)");
        int one = ColorMap.RDBU.rgb(0.75);
        assertTrue(TestImages.red(one) > TestImages.blue(one) + 60, "+1 is red-ish");
        assertTrue(count(img, one) > 3000);
    }

    @Test
    void identicalInputGivesIdenticalBytes() {
        INDArray a = Nd4j.linspace(-1, 1, 64, DataType.FLOAT).reshape(8, 8);
        assertArrayEquals(Heatmap.of(a, VIRIDIS).png(), Heatmap.of(a.dup(), VIRIDIS).png());
        INDArray c = Nd4j.linspace(-1, 1, 300, DataType.FLOAT).reshape(10, 10, 3);
        assertArrayEquals(Heatmap.of(c, RDBU).png(), Heatmap.of(c.dup(), RDBU).png());
    }

    @Test
    void largeArraysAreDownsampledWithBoundedSizeAndCaption() {
        INDArray big = Nd4j.linspace(0, 1, 1000 * 900, DataType.FLOAT).reshape(1000, 900);
        Figure f = Heatmap.of(big, VIRIDIS);
        assertTrue(f.width() <= 900 && f.height() <= 900, f.width() + "x" + f.height());
        // ceil(1000 / 240) = 5; 9e5 elements are under the read limit (16 * 240^2): no strided sampling.
        assertTrue(f.text().contains("downsampled: 5x5 block means"), f.text());
        assertTrue(!f.text().contains("stride"), f.text());
        INDArray huge = Nd4j.createUninitialized(DataType.FLOAT, 4000, 4000).assign(1);
        Figure h = Heatmap.of(huge, VIRIDIS);
        // read limit 16 * 240^2 = 921,600: stride ceil(sqrt(16e6 / 921600)) = 5 leaves 800 x 800, then ceil(800 / 240) = 4.
        assertTrue(h.text().contains("downsampled: stride-5 sampling, then 4x4 block means"), h.text());
    }

    @Test
    void blockMeansMatchANaiveLoop() {
        INDArray a = Nd4j.rand(DataType.DOUBLE, 7, 5);
        Plane p = Plane.of(a, 3); // factor ceil(7/3) = 3
        assertEquals(3, p.factor);
        assertEquals(3, p.values.length);
        assertEquals(2, p.values[0].length);
        for (int br = 0; br < 3; br++) {
            for (int bc = 0; bc < 2; bc++) {
                double sum = 0;
                int n = 0;
                for (int r = br * 3; r < Math.min(7, br * 3 + 3); r++) {
                    for (int c = bc * 3; c < Math.min(5, bc * 3 + 3); c++) {
                        sum += a.getDouble(r, c);
                        n++;
                    }
                }
                assertEquals(sum / n, p.values[br][bc], 1e-12);
            }
        }
    }

    @Test
    void channelGridsHaveOneTitledTilePerChannelOnASharedScale() {
        INDArray hwc = Nd4j.create(DataType.FLOAT, 4, 4, 3);
        hwc.putScalar(new long[] {0, 0, 2}, 5f); // channel 2 holds the maximum
        Figure f = Heatmap.of(hwc, VIRIDIS);
        assertTrue(f.text().contains("3 channels, shared colour scale"), f.text());
        BufferedImage img = decode(f.png());
        // Only one cell in the whole grid is at the maximum: the shared scale puts everything else at the bottom.
        int top = ColorMap.VIRIDIS.top();
        int bottom = ColorMap.VIRIDIS.bottom();
        assertTrue(count(img, bottom) > 15 * count(img, top) / 2, "most cells take the bottom colour");
        INDArray nhwc = Nd4j.rand(DataType.FLOAT, 2, 6, 6, 80);
        Figure g = Heatmap.of(nhwc, VIRIDIS);
        assertTrue(g.text().contains("image 0 of 2, first 64 of 80 channels"), g.text());
        assertTrue(g.width() <= 900, "width " + g.width());
    }

    @Test
    void badShapesAreRejectedWithTheShapeInTheMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Heatmap.of(Nd4j.create(DataType.FLOAT, 1, 2, 2, 2, 2), VIRIDIS));
        assertTrue(e.getMessage().startsWith("Heatmap draws 1-D to 4-D arrays (H,W), (H,W,C) or (N,H,W,C); got shape (1, 2, 2, 2, 2)."), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Heatmap.of(Nd4j.create(DataType.FLOAT, 0, 3), VIRIDIS));
        assertEquals("Heatmap needs a non-empty array, got shape (0, 3).", e.getMessage());
    }

    @Test
    void colourMapsInterpolateBetweenStops() {
        assertEquals(0x440154, ColorMap.VIRIDIS.rgb(0));
        assertEquals(0xfde725, ColorMap.VIRIDIS.rgb(1));
        assertEquals(0x21918c, ColorMap.VIRIDIS.rgb(0.5));
        assertEquals(0x808080, ColorMap.GRAY.rgb(0.5), "round(127.5) = 128 per channel");
        assertEquals(0x000000, ColorMap.GRAY.rgb(-3), "clamped below");
        assertEquals(0xffffff, ColorMap.GRAY.rgb(7), "clamped above");
        assertEquals(0xf7f7f7, ColorMap.RDBU.rgb(0.5));
        // Halfway between the first two viridis stops, per channel: (0x44+0x48)/2, (0x01+0x24)/2, (0x54+0x75)/2.
        assertEquals((0x46 << 16) | (0x13 << 8) | 0x65, ColorMap.VIRIDIS.rgb(0.05));
        assertEquals(ColorMap.RDBU, ColorMap.parse("RdBu_r"));
        assertEquals(ColorMap.GRAY, ColorMap.parse("grey"));
    }

    @Test
    void textUsesDejaVuSansWhenInstalled() {
        // The build machines and the Binder image install Debian's fonts-dejavu-core; without it the
        // renderers fall back to the JDK's logical sans-serif font and this check names the package.
        assertEquals("DejaVu Sans", Canvas.fontFamily(), "install fonts-dejavu-core (apt-get install -y fonts-dejavu-core fontconfig)");
        assertEquals("DejaVu Sans", Canvas.font(java.awt.Font.BOLD, 14).getFamily(java.util.Locale.ROOT));
    }
}
