package io.convnb.display;

import static io.convnb.display.TestImages.centroid;
import static io.convnb.display.TestImages.count;
import static io.convnb.display.TestImages.decode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.w3c.dom.Document;

class ConfusionAndSamplesTest {

    static final List<String> ABC = List.of("cat", "dog", "<bird>");

    @Test
    void countsMatchANaiveTally() {
        Random r = new Random(11);
        int[] t = new int[500];
        int[] p = new int[500];
        for (int i = 0; i < 500; i++) {
            t[i] = r.nextInt(3);
            p[i] = r.nextInt(4) == 0 ? r.nextInt(3) : t[i];
        }
        int[][] m = ConfusionMatrix.count(t, p, 3);
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                int n = 0;
                for (int i = 0; i < 500; i++) {
                    n += t[i] == a && p[i] == b ? 1 : 0;
                }
                assertEquals(n, m[a][b]);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.count(new int[] {0, 5}, new int[] {0, 1}, 3));
        assertEquals("Sample 1 has label 5 and prediction 1, outside 0..2 for 3 classes.", e.getMessage());
    }

    @Test
    void htmlHasCountsRowNormalisedColoursAndEscapedNames() {
        int[][] m = {{8, 2, 0}, {1, 1, 0}, {0, 0, 0}};
        HtmlView v = ConfusionMatrix.html(m, ABC);
        Document d = TestImages.parseHtml(v.html());
        assertEquals(List.of("true \\ predicted", "cat", "dog", "<bird>", "total", "recall", "cat", "dog", "<bird>"), TestImages.texts(d, "th"));
        assertEquals(List.of("8", "2", "0", "10", "0.800", "1", "1", "0", "2", "0.500", "0", "0", "0", "0", ""), TestImages.texts(d, "td"));
        // 8 of 10 -> rate 0.8; 1 of 2 -> rate 0.5: the colour is the row share, not the raw count.
        assertTrue(v.html().contains(String.format("background:#%06x", ColorMap.BLUES.rgb(0.8))));
        assertTrue(v.html().contains(String.format("background:#%06x", ColorMap.BLUES.rgb(0.5))));
        assertTrue(v.text().startsWith("confusion matrix: accuracy 75.00% (9 of 12)"), v.text());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.html(new int[][] {{1, 2}, {3}}, List.of("a", "b")));
        assertEquals("Confusion matrix row 1 has 1 columns; every row needs 2 (one per class).", e.getMessage());
    }

    @Test
    void pngColoursDiagonalDarkAndIsReproducible() {
        int[][] m = {{50, 0, 0}, {0, 5, 0}, {0, 0, 1}};
        Figure f = ConfusionMatrix.png(m, ABC);
        BufferedImage img = decode(f.png());
        assertTrue(img.getWidth() >= 500 && img.getWidth() <= 900, "width " + img.getWidth());
        // Every row is 100% on the diagonal, so all three diagonal cells (rare class too) take the top colour.
        int top = ColorMap.BLUES.top();
        int bottom = ColorMap.BLUES.bottom();
        assertTrue(count(img, top) > 3 * 1500, "diagonal cells: " + count(img, top));
        assertTrue(count(img, bottom) > 6 * 1500, "off-diagonal cells: " + count(img, bottom));
        assertArrayEquals(f.png(), ConfusionMatrix.png(m, ABC).png());
    }

    @Test
    void sampleGridMarksWrongPredictionsInRed() {
        INDArray imgs = Nd4j.rand(DataType.FLOAT, 4, 8, 8, 1);
        Figure allRight = SampleGrid.of(imgs, new int[] {0, 1, 2, 0}, new int[] {0, 1, 2, 0}, ABC);
        Figure oneWrong = SampleGrid.of(imgs, new int[] {0, 1, 2, 0}, new int[] {0, 1, 2, 2}, ABC);
        int red = SampleGrid.WRONG_RGB;
        assertEquals(0, count(decode(allRight.png()), red), "no red when every prediction is right");
        BufferedImage wrong = decode(oneWrong.png());
        assertTrue(count(wrong, red) > 200, "a red frame (and red caption) on the wrong one");
        assertTrue(centroid(wrong, red)[0] > wrong.getWidth() * 0.6, "the wrong one is the last of four in the row");
        assertTrue(oneWrong.text().contains("3: predicted <bird> (WRONG, true: cat)"), oneWrong.text());
        assertTrue(oneWrong.text().startsWith("4 samples, 1 wrong"), oneWrong.text());
        assertArrayEquals(oneWrong.png(), SampleGrid.of(imgs, new int[] {0, 1, 2, 0}, new int[] {0, 1, 2, 2}, ABC).png());
    }

    @Test
    void sampleGridDrawsGreyPixelsScaledToTheImagesRange() {
        INDArray imgs = Nd4j.create(DataType.FLOAT, 1, 4, 4);
        imgs.putScalar(new long[] {0, 0, 0}, 255f); // one white pixel, the rest black
        BufferedImage img = decode(SampleGrid.of(imgs, new int[] {1}, ABC).png());
        int black = count(img, 0x000000);
        int white = count(img, 0xffffff);
        assertTrue(black >= 15 * 64, "15 black pixels scaled up 8x: " + black);
        assertTrue(white > 64, "the white pixel and background");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SampleGrid.of(imgs, new int[] {1, 2}, ABC));
        assertEquals("SampleGrid needs one label per image; got 1 images, 2 labels.", e.getMessage());
    }
}
