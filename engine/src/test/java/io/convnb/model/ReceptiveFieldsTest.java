package io.convnb.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.layers.Activation;
import io.convnb.layers.AveragePooling2D;
import io.convnb.layers.Conv2D;
import io.convnb.layers.Conv2DTranspose;
import io.convnb.layers.Dense;
import io.convnb.layers.Flatten;
import io.convnb.layers.Layer;
import io.convnb.layers.MaxPooling2D;
import io.convnb.shape.InputRegion;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ReceptiveFieldsTest {

    /** One layer's window along one axis, written out by hand for the brute-force composition. */
    record Win(long k, long s, long d, long padBefore) {
    }

    /**
     * Input rows seen by output cell {@code o} after the given layers: walk back from [o, o], each layer
     * mapping [lo, hi] to [lo*s - pad, hi*s - pad + d*(k-1)].
     */
    static long[] compose(long o, List<Win> layers) {
        long lo = o, hi = o;
        for (int i = layers.size() - 1; i >= 0; i--) {
            Win w = layers.get(i);
            lo = lo * w.s() - w.padBefore();
            hi = hi * w.s() - w.padBefore() + w.d() * (w.k() - 1);
        }
        return new long[] {lo, hi};
    }

    static Sequential model() {
        // 13x11 input:
        // conv 3 same (pad 1/1)             -> 13x11
        // avgpool 2 (valid)                 -> 6x5
        // conv 3 stride 2, pad top 1 bottom 0 left 0 right 2 -> rows floor((6+1-3)/2)+1 = 3, cols floor((5+2-3)/2)+1 = 3
        // relu
        // conv 2 dilation 2 same: span 3, pad 1/1 -> 3x3
        Sequential m = new Sequential("rf");
        m.add(new Conv2D(2, 3).padding("same").inputShape(13, 11, 1));
        m.add(new AveragePooling2D(2));
        m.add(new Conv2D(2, 3).strides(2).padding(1, 0, 0, 2));
        m.add(new Activation("relu"));
        m.add(new Conv2D(1, 2).dilationRate(2).padding("same"));
        m.add(new Flatten());
        m.add(new Dense(3));
        return m;
    }

    @Test
    void regionsMatchTheBruteForceComposition() {
        Sequential m = model();
        ReceptiveFields rf = ReceptiveFields.of(m, 13, 11);
        List<String> names = m.layers().stream().map(Layer::name).toList();
        assertEquals(List.of("input", names.get(0), names.get(1), names.get(2), names.get(3), names.get(4)), rf.layers());
        List<Win> rows = List.of(new Win(3, 1, 1, 1), new Win(2, 2, 1, 0), new Win(3, 2, 1, 1), new Win(1, 1, 1, 0),
                new Win(2, 1, 2, 1));
        List<Win> cols = List.of(new Win(3, 1, 1, 1), new Win(2, 2, 1, 0), new Win(3, 2, 1, 0), new Win(1, 1, 1, 0),
                new Win(2, 1, 2, 1));
        long[][] sizes = {{13, 11}, {6, 5}, {3, 3}, {3, 3}, {3, 3}};
        for (int l = 0; l < 5; l++) {
            String name = names.get(l);
            assertEquals(sizes[l][0], rf.height(name).outputSize(), name);
            assertEquals(sizes[l][1], rf.width(name).outputSize(), name);
            for (long r = 0; r < sizes[l][0]; r++) {
                for (long c = 0; c < sizes[l][1]; c++) {
                    InputRegion g = rf.region(name, r, c);
                    long[] wantR = compose(r, rows.subList(0, l + 1));
                    long[] wantC = compose(c, cols.subList(0, l + 1));
                    String at = name + " (" + r + ", " + c + ")";
                    assertEquals(wantR[0], g.top(), at);
                    assertEquals(wantR[1], g.bottom(), at);
                    assertEquals(wantC[0], g.left(), at);
                    assertEquals(wantC[1], g.right(), at);
                }
            }
        }
        // By hand, field sizes 3, 3+1 = 4 (pool), 4+2*2 = 8 (stride-2 conv), 8 (relu), 8+2*4 = 16 (dilated);
        // cell (0, 0) rows: -1..1 -> -3..3 -> -6..7 -> -7..8; columns: -1..1 -> -2..4 -> -4..9 -> -5..10.
        InputRegion last = rf.region(names.get(4), 0, 0);
        assertEquals(16, last.height());
        assertTrue(last.reachesPadding());
        assertEquals(0, last.clippedTop());
        assertEquals("rows -7..8, columns -5..10 (16x16; on the input: rows 0..8, columns 0..10, the rest is padding)",
                last.describe());
    }

    /**
     * The gradient of one output cell with respect to the input is zero outside its receptive field, and
     * (random weights, average pooling, no dilation) not zero at its edges: the bounding box of the
     * non-zero gradient is the clipped field.
     */
    @Test
    void inputGradientOfOneCellFillsExactlyTheClippedField() {
        Sequential m = model();
        ReceptiveFields rf = ReceptiveFields.of(m, 13, 11);
        m.layer(0).setInputGradientNeeded(true);
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 13, 11, 1).addi(0.5);
        for (int layer = 0; layer < 5; layer++) {
            Layer target = m.layer(layer);
            INDArray a = x;
            for (int i = 0; i <= layer; i++) {
                a = m.layer(i).forward(a, false);
            }
            for (long r = 0; r < a.size(1); r += 2) {
                for (long c = 0; c < a.size(2); c += 2) {
                    INDArray g = Nd4j.zerosLike(a);
                    g.putScalar(new long[] {0, r, c, 0}, 1.0);
                    for (int i = layer; i >= 0; i--) {
                        g = m.layer(i).backward(g);
                    }
                    long top = Long.MAX_VALUE, bottom = -1, left = Long.MAX_VALUE, right = -1;
                    for (int y = 0; y < 13; y++) {
                        for (int xx = 0; xx < 11; xx++) {
                            if (g.getDouble(0, y, xx, 0) != 0) {
                                top = Math.min(top, y);
                                bottom = Math.max(bottom, y);
                                left = Math.min(left, xx);
                                right = Math.max(right, xx);
                            }
                        }
                    }
                    InputRegion want = rf.region(target.name(), r, c);
                    if (layer >= 3 && bottom < 0) {
                        continue;   // after the ReLU some cells are zero, and so is their gradient everywhere
                    }
                    String at = target.name() + " (" + r + ", " + c + ")";
                    if (layer == 4) {
                        // a dilated window whose outer tap lies in the padding reads no input there, so
                        // the gradient only stays inside the field
                        assertTrue(top >= want.clippedTop() && bottom <= want.clippedBottom() && left >= want.clippedLeft()
                                && right <= want.clippedRight(), at);
                        continue;
                    }
                    assertEquals(List.of(want.clippedTop(), want.clippedBottom(), want.clippedLeft(), want.clippedRight()),
                            List.of(top, bottom, left, right), at);
                }
            }
        }
    }

    @Test
    void errorsNameTheLayerAndTheChoices() {
        Sequential m = model();
        ReceptiveFields rf = ReceptiveFields.of(m, 13, 11);
        List<String> names = m.layers().stream().map(Layer::name).toList();
        String dense = assertThrows(IllegalArgumentException.class, () -> rf.region(names.get(6), 0, 0)).getMessage();
        assertEquals("Receptive field: Sequential 'rf' has no layer '" + names.get(6) + "' with a spatial grid (the grid"
                + " ends at Flatten '" + names.get(5) + "' (no spatial grid)); choose one of " + names.subList(0, 5) + ".", dense);
        String cell = assertThrows(IllegalArgumentException.class, () -> rf.region(names.get(2), 3, 0)).getMessage();
        assertEquals("Receptive field of '" + names.get(2) + "': cell (3, 0) is outside its 3x3 output; use row 0..2 and"
                + " col 0..2.", cell);
        String small = assertThrows(IllegalArgumentException.class, () -> ReceptiveFields.of(m, 2, 2)).getMessage();
        assertTrue(small.startsWith("Conv2D '" + names.get(2) + "': output height = floor((1 + 1 + 0 - 1*(3-1) - 1)/2) + 1 = 0"),
                small);

        Sequential t = new Sequential("t");
        t.add(new Conv2D(1, 3).inputShape(8, 8, 1));
        t.add(new Conv2DTranspose(1, 3).strides(2));
        ReceptiveFields tf = ReceptiveFields.of(t, 8, 8);
        String tr = assertThrows(IllegalArgumentException.class, () -> tf.region(t.layer(1).name(), 0, 0)).getMessage();
        assertTrue(tr.contains("(the grid ends at Conv2DTranspose '" + t.layer(1).name() + "' (a transposed convolution))"), tr);
        assertFalse(tf.region(t.layer(0).name(), 0, 0).reachesPadding());
    }

    @Test
    void windowedLayersHaveTheirLayersGeometry() {
        MaxPooling2D pool = new MaxPooling2D(3).strides(2, 2).padding("same");
        var g = LayerGeometry.of(pool, 7, 8);
        // same: out = ceil(7/2) = 4, total pad (4-1)*2 + 3 - 7 = 2 -> 1/1; width ceil(8/2) = 4, pad (3*2+3-8) = 1 -> 0/1
        assertEquals(List.of(4L, 4L, 1L, 1L, 0L, 1L), List.of(g.outputHeight(), g.outputWidth(), g.padTop(),
                g.padBottom(), g.padLeft(), g.padRight()));
        var t = LayerGeometry.of(new Conv2DTranspose(1, 3).strides(2).padding("same"), 3, 3);
        assertEquals(6, t.outputHeight());
        assertTrue(t.height().transposed());
        String e = assertThrows(IllegalArgumentException.class, () -> LayerGeometry.of(new Activation("relu"), 3, 3))
                .getMessage();
        assertTrue(e.endsWith("has no sliding window: it keeps every cell where it is. Windowed layers are Conv2D,"
                + " Conv2DTranspose, MaxPooling2D and AveragePooling2D."), e);
    }
}
