package io.convnb.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.layers.Conv2D;
import io.convnb.layers.Dense;
import io.convnb.layers.Flatten;
import io.convnb.layers.Layer;
import io.convnb.layers.MaxPooling2D;
import io.convnb.model.Sequential;
import io.convnb.ops.Conv2DSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Input windows against a brute-force composition of index ranges; top-k patches against a naive search. */
class GeometryAndPatchesTest {

    /** Input range [lo, hi] that output cells lo..hi of a layer read, per axis: lo*s - pad .. hi*s - pad + d*(k-1). */
    static long[] back(long lo, long hi, long k, long s, long d, long pad) {
        return new long[] {lo * s - pad, hi * s - pad + d * (k - 1)};
    }

    @Test
    void windowsComposeLayerByLayer() {
        Sequential m = new Sequential()
                .add(new Conv2D(2, 3, 2).strides(2, 1).padding("same").inputShape(13, 11, 1))
                .add(new MaxPooling2D(2, 3).strides(1, 2))
                .add(new Conv2D(2, 3, 3).dilationRate(2, 1).padding(1, 0, 2, 1))
                .add(new Flatten())
                .add(new Dense(2));
        CellWindows g = CellWindows.of(m, "conv2d_1");
        long[] out = g.outputSize();
        assertArrayEquals(new long[] {m.layer(2).outputShape()[0], m.layer(2).outputShape()[1]}, out);
        for (long r = 0; r < out[0]; r++) {
            for (long c = 0; c < out[1]; c++) {
                long[] h = {r, r};
                long[] w = {c, c};
                for (int i = 2; i >= 0; i--) {
                    Layer l = m.layer(i);
                    if (l instanceof Conv2D conv) {
                        Conv2DSpec s = conv.spec();
                        h = back(h[0], h[1], conv.kernelSize()[0], s.strideH(), s.dilationH(), s.padTop());
                        w = back(w[0], w[1], conv.kernelSize()[1], s.strideW(), s.dilationW(), s.padLeft());
                    } else {
                        MaxPooling2D p = (MaxPooling2D) l;
                        h = back(h[0], h[1], p.poolSize()[0], 1, 1, 0);
                        w = back(w[0], w[1], p.poolSize()[1], 2, 1, 0);
                    }
                }
                assertEquals(new InputWindow(h[0], w[0], h[1], w[1]), g.window(r, c), "cell (" + r + ", " + c + ")");
            }
        }
        String table = CellWindows.of(m).toString();
        assertTrue(table.startsWith("layer"), table);
        assertTrue(table.contains("input            13x11"), table);
        assertEquals(5, table.lines().count(), table);   // header, input, three layers
    }

    static Sequential oneConv(String padding) {
        Sequential m = new Sequential().seed(2)
                .add(new Conv2D(3, 3, 3).padding(padding).activation("relu").inputShape(7, 6, 1))
                .add(new Flatten())
                .add(new Dense(2).activation("softmax"));
        return m;
    }

    @Test
    void topPatchesMatchANaiveSearch() {
        for (String padding : new String[] {"valid", "same"}) {
            Sequential m = oneConv(padding);
            INDArray images = Nd4j.rand(DataType.FLOAT, 12, 7, 6, 1).subi(0.3);
            int k = 4;
            FilterPatches top = FilterPatches.topK(m, "conv2d", images, k);
            Conv2D conv = (Conv2D) m.layer(0);
            int pad = padding.equals("same") ? 1 : 0;
            int oh = (int) conv.outputShape()[0];
            int ow = (int) conv.outputShape()[1];
            for (int f = 0; f < 3; f++) {
                List<double[]> best = new ArrayList<>();   // {value, image, row, col}
                for (int i = 0; i < 12; i++) {
                    double[] b = {Double.NEGATIVE_INFINITY, i, 0, 0};
                    for (int r = 0; r < oh; r++) {
                        for (int c = 0; c < ow; c++) {
                            double s = conv.bias().getDouble(f);
                            for (int u = 0; u < 3; u++) {
                                for (int v = 0; v < 3; v++) {
                                    int y = r + u - pad;
                                    int x = c + v - pad;
                                    if (y >= 0 && y < 7 && x >= 0 && x < 6) {
                                        s += conv.kernel().getDouble(u, v, 0, f) * images.getDouble(i, y, x, 0);
                                    }
                                }
                            }
                            s = Math.max(0, s);
                            if (s > b[0] + 1e-6) {
                                b = new double[] {s, i, r, c};
                            }
                        }
                    }
                    best.add(b);
                }
                best.sort(Comparator.comparingDouble((double[] b) -> -b[0]).thenComparingDouble(b -> b[1]));
                List<FilterPatches.Patch> got = top.patches(f);
                assertEquals(k, got.size());
                for (int j = 0; j < k; j++) {
                    FilterPatches.Patch p = got.get(j);
                    double[] want = best.get(j);
                    assertEquals(want[0], p.activation(), 1e-5, padding + " filter " + f + " rank " + j);
                    if (want[0] > 0) {
                        assertEquals((int) want[1], p.image(), padding + " filter " + f + " rank " + j);
                        assertEquals((int) want[2], p.row());
                        assertEquals((int) want[3], p.col());
                    }
                    InputWindow w = p.window();
                    assertEquals(new InputWindow(p.row() - pad, p.col() - pad, p.row() - pad + 2, p.col() - pad + 2), w);
                    for (int u = 0; u < 3; u++) {
                        for (int v = 0; v < 3; v++) {
                            long y = w.top() + u;
                            long x = w.left() + v;
                            double expected = y >= 0 && y < 7 && x >= 0 && x < 6 ? images.getDouble(p.image(), y, x, 0) : 0.0;
                            assertEquals(expected, p.pixels().getDouble(u, v, 0), 1e-7);
                        }
                    }
                }
            }
        }
    }

    @Test
    void upsamplingPlacesCellsOnTheirCentres() {
        double[][] m = {{1, 3}, {5, 7}};
        // half-pixel rule (TensorFlow/PyTorch bilinear resize, align_corners=false), worked by hand
        double[][] up = Upsample.bilinear(m, 4, 4, Upsample.halfPixel(2, 4), Upsample.halfPixel(2, 4));
        assertArrayEquals(new double[] {1, 1.5, 2.5, 3}, up[0], 1e-12);
        assertArrayEquals(new double[] {2, 2.5, 3.5, 4}, up[1], 1e-12);
        assertArrayEquals(new double[] {5, 5.5, 6.5, 7}, up[3], 1e-12);
        // receptive-field centres: a valid 3x3 layer's cell i sits on input pixel i+1
        double[][] same = Upsample.bilinear(m, 4, 4, new double[] {1, 1}, new double[] {1, 1});
        assertArrayEquals(new double[] {1, 1, 3, 3}, same[0], 1e-12);
        assertArrayEquals(new double[] {5, 5, 7, 7}, same[2], 1e-12);
        assertArrayEquals(new double[] {0, 0}, Saliency.scaleToUnit(new double[][] {{0, 0}})[0], 0.0);
        assertArrayEquals(new double[] {0.25, 1}, Saliency.scaleToUnit(new double[][] {{1, 4}})[0], 0.0);
    }
}
