package io.convnb.display;

import static io.convnb.display.TestImages.count;
import static io.convnb.display.TestImages.decode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class ChartsTest {

    static Map<String, List<Double>> history() {
        Map<String, List<Double>> h = new LinkedHashMap<>();
        h.put("accuracy", List.of(0.7, 0.8, 0.85));
        h.put("loss", List.of(0.9, 0.5, 0.4));
        h.put("val_loss", List.of(0.8, 0.6, 0.55));
        h.put("val_accuracy", List.of(0.72, 0.78, 0.8));
        return h;
    }

    @Test
    void curvesHaveLossPanelFirstTrainingBlueValidationOrange() {
        Figure f = Charts.trainingCurves(history());
        BufferedImage img = decode(f.png());
        assertTrue(img.getWidth() >= 600 && img.getWidth() <= 900, "width " + img.getWidth());
        assertEquals(0xffffff, TestImages.rgb(img, 2, 2));
        assertTrue(count(img, Charts.TRAIN_RGB) > 200, "training lines drawn");
        assertTrue(count(img, Charts.VAL_RGB) > 200, "validation lines drawn");
        assertTrue(f.text().startsWith("training curves (loss, accuracy), 3 epochs"), f.text());
        assertEquals(List.of("loss", "accuracy"), Charts.panels(history()));
        assertArrayEquals(f.png(), Charts.trainingCurves(history()).png(), "identical bytes for identical input");
    }

    @Test
    void trainingOnlyHistoryHasNoValidationColour() {
        Figure f = Charts.trainingCurves(Map.of("loss", List.of(2.0, 1.0, Double.NaN, 0.5)));
        BufferedImage img = decode(f.png());
        assertTrue(count(img, Charts.TRAIN_RGB) > 100);
        assertEquals(0, count(img, Charts.VAL_RGB));
    }

    @Test
    void historyTableHasOneRowPerEpoch() {
        HtmlView v = Charts.historyTable(history());
        Document d = TestImages.parseHtml(v.html());
        assertEquals(List.of("epoch", "accuracy", "loss", "val_loss", "val_accuracy", "1", "2", "3"), TestImages.texts(d, "th"));
        List<String> cells = TestImages.texts(d, "td");
        assertEquals(12, cells.size());
        assertEquals(List.of("0.7000", "0.9000", "0.8000", "0.7200"), cells.subList(0, 4));
        assertEquals("""
                epoch  accuracy    loss  val_loss  val_accuracy
                    1    0.7000  0.9000    0.8000        0.7200
                    2    0.8000  0.5000    0.6000        0.7800
                    3    0.8500  0.4000    0.5500        0.8000""", v.text());
    }

    @Test
    void emptyHistoriesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Charts.trainingCurves(Map.of()));
        assertEquals("Training curves need a history with at least one metric, e.g. {loss=[0.9, 0.5]}; got an empty map. Train with fit(...) first.", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Charts.trainingCurves(Map.of("loss", List.of())));
        assertEquals("History metric 'loss' has no values; every metric needs one value per epoch.", e.getMessage());
    }

    @Test
    void histogramBarHeightsAreProportionalToCounts() {
        Figure f = Charts.classCounts(new long[] {100, 50, 25}, List.of("a", "b", "c"));
        BufferedImage img = decode(f.png());
        int bar = 0x4a90d9;
        // Bars are runs of adjacent pixel columns holding the bar colour; a bar's height is its column's count.
        int[] heights = new int[3];
        int found = 0;
        boolean inBar = false;
        for (int x = 0; x < img.getWidth(); x++) {
            int h = count1(img, x, bar);
            if (h > 0 && !inBar && found < 3) {
                heights[found++] = h;
            }
            inBar = h > 0;
        }
        assertEquals(3, found);
        assertEquals(heights[0] / 2.0, heights[1], 1.5);
        assertEquals(heights[0] / 4.0, heights[2], 1.5);
        assertTrue(f.text().contains("class counts (n=175, 3 classes)"), f.text());
        Figure g = Charts.classHistogram(new int[] {0, 0, 1, 2, 2, 2}, List.of("x", "y", "z"));
        assertTrue(g.text().endsWith("class  count\nx      2\ny      1\nz      3"), g.text());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Charts.classHistogram(new int[] {0, 3}, List.of("x", "y", "z")));
        assertEquals("Label 3 at index 1 is outside 0..2 for 3 class names; pass one name per class.", e.getMessage());
    }

    private static int count1(BufferedImage img, int x, int rgb) {
        int h = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            h += TestImages.rgb(img, x, y) == rgb ? 1 : 0;
        }
        return h;
    }
}
