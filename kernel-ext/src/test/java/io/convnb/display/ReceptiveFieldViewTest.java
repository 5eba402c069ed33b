package io.convnb.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.layers.AveragePooling2D;
import io.convnb.layers.Conv2D;
import io.convnb.layers.Flatten;
import io.convnb.layers.Layer;
import io.convnb.magic.LayerStack;
import io.convnb.model.ReceptiveFields;
import io.convnb.model.Sequential;
import io.convnb.shape.InputRegion;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ReceptiveFieldViewTest {
    static final Path DIR = Path.of("target", "display-gallery");
    static final int PANEL_X = 16;
    static final int PANEL_Y = 64;

    static Sequential model() {
        // 20x16: conv 3 same -> 20x16, avgpool 2 -> 10x8, conv 3 stride 2 pad (1,0,1,0) -> 5x4, conv 3 valid -> 3x2
        Sequential m = new Sequential("rfview");
        m.add(new Conv2D(2, 3).padding("same").inputShape(20, 16, 1));
        m.add(new AveragePooling2D(2));
        m.add(new Conv2D(2, 3).strides(2).padding(1, 0, 1, 0));
        m.add(new Conv2D(1, 3));
        m.add(new Flatten());
        return m;
    }

    /** Bounding box of the pixels of one exact colour inside an area. */
    static Rectangle box(BufferedImage im, int rgb, Rectangle area) {
        int x0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, x1 = -1, y1 = -1;
        for (int y = area.y; y < area.y + area.height; y++) {
            for (int x = area.x; x < area.x + area.width; x++) {
                if ((im.getRGB(x, y) & 0xffffff) == rgb) {
                    x0 = Math.min(x0, x);
                    y0 = Math.min(y0, y);
                    x1 = Math.max(x1, x);
                    y1 = Math.max(y1, y);
                }
            }
        }
        return x1 < 0 ? null : new Rectangle(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }

    /**
     * Where the outline must be: 2 pixels around the field's cells, the field in input cells from the
     * brute-force walk back through the layers, the panel's scale and padding border from its size.
     */
    static Rectangle expectedOutline(int px, long top, long bottom, long left, long right, int scale, int pad, int pw, int ph) {
        int x0 = px + (int) (left + pad) * scale - 2, y0 = PANEL_Y + (int) (top + pad) * scale - 2;
        int x1 = px + (int) (right + 1 + pad) * scale + 2, y1 = PANEL_Y + (int) (bottom + 1 + pad) * scale + 2;
        x0 = Math.max(x0, px);
        y0 = Math.max(y0, PANEL_Y);
        x1 = Math.min(x1, px + pw);
        y1 = Math.min(y1, PANEL_Y + ph);
        return new Rectangle(x0, y0, x1 - x0, y1 - y0);
    }

    @Test
    void outlineSitsOnTheFieldOfTheChosenCell() throws IOException {
        Sequential m = model();
        List<String> names = m.layers().stream().map(Layer::name).toList();
        INDArray image = Nd4j.rand(DataType.FLOAT, 20, 16).muli(0.8).addi(0.1);
        // walk back by hand from cell (1, 1) of the third conv (3x2 output):
        // conv3 valid: rows 1..3; conv s2 pad 1: rows 1*2-1..3*2-1+2 = 1..7; avgpool 2: rows 2..15; conv same: 1..16
        // (1, 2) is outside the 3x2 output; (1, 1): cols 1..3 -> 1..7 -> 2..15 -> 1..16
        InputRegion r = ReceptiveFields.of(m, 20, 16).region(names.get(3), 1, 1);
        assertEquals(List.of(1L, 16L, 1L, 16L), List.of(r.top(), r.bottom(), r.left(), r.right()));
        String e = assertThrows(IllegalArgumentException.class,
                () -> ReceptiveFieldView.of(m, names.get(3), 1, 2).on(image)).getMessage();
        assertEquals("Receptive field of '" + names.get(3) + "': cell (1, 2) is outside its 3x2 output; use row 0..2 and"
                + " col 0..1.", e);

        // cell (0, 0) of the second conv: rows -1*... by hand: conv s2 pad 1: rows -1..1, cols -1..1;
        // pool: rows -2..3, cols -2..3; conv same: rows -3..4, cols -3..4 (8x8, 3 cells into the padding)
        Figure f = ReceptiveFieldView.of(m, names.get(2), 0, 0).on(image);
        Files.createDirectories(DIR);
        Files.write(DIR.resolve("receptive-field-conv2-cell00.png"), f.png());
        BufferedImage im = TestImages.decode(f.png());
        // pad 3 cells; 20 + 2*3 = 26 cells on the long side, 320/26 = 12 pixels each; the panel 22x26 cells
        int scale = 12, pad = 3, pw = 22 * 12, ph = 26 * 12;
        Rectangle panel = new Rectangle(PANEL_X, PANEL_Y, pw, ph);
        assertEquals(expectedOutline(PANEL_X, -3, 4, -3, 4, scale, pad, pw, ph), box(im, ReceptiveFieldView.OUTLINE, panel));
        assertTrue(f.text().startsWith("Receptive field of '" + names.get(2) + "', output cell (0, 0)\nrows -3..4, columns"
                + " -3..4 (8x8; on the input: rows 0..4, columns 0..4, the rest is padding)"), f.text());
        // a pixel inside the field keeps its grey; one outside is veiled; the border is hatched padding
        double v = image.getDouble(2, 2);
        double lo = image.minNumber().doubleValue(), hi = image.maxNumber().doubleValue();
        int grey = ColorMap.GRAY.rgb((v - lo) / (hi - lo));
        assertEquals(grey, im.getRGB(PANEL_X + (2 + pad) * scale + 5, PANEL_Y + (2 + pad) * scale + 5) & 0xffffff);
        double v2 = image.getDouble(10, 10);
        int grey2 = ColorMap.GRAY.rgb((v2 - lo) / (hi - lo));
        assertEquals(ReceptiveFieldView.veil(grey2),
                im.getRGB(PANEL_X + (10 + pad) * scale + 5, PANEL_Y + (10 + pad) * scale + 5) & 0xffffff);
        assertTrue(box(im, ReceptiveFieldView.HATCH, new Rectangle(PANEL_X, PANEL_Y + (pad + 20) * scale, pw, pad * scale))
                != null, "hatched padding below the image");
    }

    @Test
    void mapBesideTheImageGetsTheSameOutlineAndItsShareInside() throws IOException {
        Sequential m = model();
        String layer = m.layer(3).name();
        InputRegion r = ReceptiveFields.of(m, 20, 16).region(layer, 0, 0);
        // rows: 0..2 -> -1..5 -> -2..11 -> -3..12; cols the same
        assertEquals(List.of(-3L, 12L, -3L, 12L), List.of(r.top(), r.bottom(), r.left(), r.right()));
        INDArray map = Nd4j.zeros(DataType.FLOAT, 20, 16);
        map.putScalar(new long[] {5, 5}, 3.0);
        map.putScalar(new long[] {15, 15}, -1.0);   // outside: 3 of 4 units of |mass| inside
        INDArray rgb = Nd4j.rand(DataType.FLOAT, 1, 20, 16, 3);
        Figure f = ReceptiveFieldView.of(m, layer, 0, 0).on(rgb, map);
        Files.createDirectories(DIR);
        Files.write(DIR.resolve("receptive-field-with-map.png"), f.png());
        assertTrue(f.text().contains("map beside it: 75.0% of its |mass| inside the field (min -1, max 3)"), f.text());
        BufferedImage im = TestImages.decode(f.png());
        // pad 3 again (the field starts 3 cells before the image), 26 cells, 12 pixels each
        int scale = 12, pad = 3, pw = 22 * 12, ph = 26 * 12;
        int mapX = PANEL_X + pw + 48;
        assertEquals(expectedOutline(PANEL_X, -3, 12, -3, 12, scale, pad, pw, ph),
                box(im, ReceptiveFieldView.OUTLINE, new Rectangle(PANEL_X, PANEL_Y, pw, ph)));
        assertEquals(expectedOutline(mapX, -3, 12, -3, 12, scale, pad, pw, ph),
                box(im, ReceptiveFieldView.OUTLINE, new Rectangle(mapX, PANEL_Y, pw, ph)));
        // the map's maximum is drawn in viridis' top colour at (5, 5)
        assertEquals(ColorMap.VIRIDIS.rgb(1.0), im.getRGB(mapX + (5 + pad) * scale + 5, PANEL_Y + (5 + pad) * scale + 5) & 0xffffff);
    }

    @Test
    void stackRegionsComeFromTheSameTableAsTheModels() {
        String body = "conv 3 padding=same\npool 2\nconv 3 stride=2 padding=1,0,1,0\nconv 3\n";
        Sequential m = model();
        ReceptiveFields rf = ReceptiveFields.of(m, 20, 16);
        for (int layer = 1; layer <= 4; layer++) {
            long rows = rf.height(m.layer(layer - 1).name()).outputSize();
            long cols = rf.width(m.layer(layer - 1).name()).outputSize();
            for (long r = 0; r < rows; r++) {
                for (long c = 0; c < cols; c++) {
                    InputRegion a = LayerStack.region("input=20x16", body, layer, r, c);
                    InputRegion b = rf.region(m.layer(layer - 1).name(), r, c);
                    assertEquals(List.of(b.top(), b.bottom(), b.left(), b.right()), List.of(a.top(), a.bottom(), a.left(),
                            a.right()), "layer " + layer + " cell (" + r + ", " + c + ")");
                }
            }
        }
        InputRegion region = LayerStack.region("input=20x16", body, 4, 2, 1);
        Figure f = ReceptiveFieldView.of(region).on(Nd4j.rand(DataType.FLOAT, 20, 16));
        assertTrue(f.text().startsWith("Receptive field of 'conv_4', output cell (2, 1)"), f.text());
        String size = assertThrows(IllegalArgumentException.class,
                () -> ReceptiveFieldView.of(region).on(Nd4j.rand(DataType.FLOAT, 28, 28))).getMessage();
        assertEquals("ReceptiveFieldView: the region of 'conv_4' was computed for a 20x16 input, but the image is 28x28;"
                + " compute the region for the image's size.", size);
    }

    @Test
    void badImagesAndMapsAreExplained() {
        Sequential m = model();
        String layer = m.layer(2).name();
        String shape = assertThrows(IllegalArgumentException.class,
                () -> ReceptiveFieldView.of(m, layer, 0, 0).on(Nd4j.rand(DataType.FLOAT, 2, 20, 16, 1))).getMessage();
        assertEquals("ReceptiveFieldView: the image must be (H, W), (H, W, C), (1, H, W) or (1, H, W, C) with C = 1 or 3"
                + " (channels last), got shape (2, 20, 16, 1); pick one image of a batch with"
                + " images.get(NDArrayIndex.point(i)).", shape);
        String map = assertThrows(IllegalArgumentException.class, () -> ReceptiveFieldView.of(m, layer, 0, 0)
                .on(Nd4j.rand(DataType.FLOAT, 20, 16), Nd4j.rand(DataType.FLOAT, 10, 8))).getMessage();
        assertEquals("ReceptiveFieldView: the map beside the image must be (20, 16) like the image, got shape (10, 8);"
                + " pass the (H, W) map of one image, e.g. map.reshape(20, 16).", map);
        INDArray nan = Nd4j.zeros(DataType.FLOAT, 20, 16);
        nan.putScalar(new long[] {1, 2}, Float.NaN);
        String bad = assertThrows(IllegalArgumentException.class, () -> ReceptiveFieldView.of(m, layer, 0, 0)
                .on(Nd4j.rand(DataType.FLOAT, 20, 16), nan)).getMessage();
        assertEquals("ReceptiveFieldView: the map has a non-finite value NaN at (1, 2); check the computation that"
                + " produced it.", bad);
        String unknown = assertThrows(IllegalArgumentException.class,
                () -> ReceptiveFieldView.of(m, "conv9", 0, 0).on(Nd4j.rand(DataType.FLOAT, 20, 16))).getMessage();
        assertTrue(unknown.startsWith("Receptive field: Sequential 'rfview' has no layer 'conv9' with a spatial grid"),
                unknown);
    }
}
