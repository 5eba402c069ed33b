package io.convnb.ops;

import static io.convnb.ops.TestTensors.assertClose;
import static io.convnb.ops.TestTensors.nd;
import static io.convnb.ops.TestTensors.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Pooling against the naive loops, plus hand-worked padded and tie cases. */
class Pool2DOpsTest {
    private static final int[][] SIZES = {{5, 5}, {4, 7}, {1, 3}};
    private static final int[][] WINDOWS = {{2, 2}, {3, 3}, {1, 2}, {3, 1}};
    private static final int[][] STRIDES = {{1, 1}, {2, 2}, {3, 1}};
    private static final int[][] PADS = {{0, 0, 0, 0}, {1, 1, 1, 1}, {0, 1, 0, 1}, {1, 0, 0, 0}};

    @Test
    void maxAndAveragePoolingMatchNaiveLoopsOverTheGrid() {
        Random rnd = new Random(8);
        int checked = 0;
        for (int[] size : SIZES) {
            for (int[] win : WINDOWS) {
                for (int[] st : STRIDES) {
                    for (int[] p : PADS) {
                        if (p[0] >= win[0] || p[1] >= win[0] || p[2] >= win[1] || p[3] >= win[1]
                                || NaiveOps.positions(size[0], p[0], p[1], win[0], 1, st[0]) < 1
                                || NaiveOps.positions(size[1], p[2], p[3], win[1], 1, st[1]) < 1) {
                            continue;
                        }
                        NaiveOps.Geo geo = new NaiveOps.Geo(st[0], st[1], 1, 1, p[0], p[1], p[2], p[3], 1);
                        Conv2DSpec s = Conv2DSpec.of(st[0], st[1], p[0], p[1], p[2], p[3]);
                        DataType type = checked % 3 == 2 ? DataType.FLOAT : DataType.DOUBLE;
                        double tol = type == DataType.DOUBLE ? 1e-12 : 1e-6;
                        String what = java.util.Arrays.toString(size) + " pool " + win[0] + "x" + win[1] + " " + s;
                        NaiveOps.T x = random(rnd, 2, size[0], size[1], 3);
                        NaiveOps.T dy = random(rnd, NaiveOps.maxPool(x, win[0], win[1], geo, null)[0].shape());
                        INDArray xNd = checked % 4 == 1 ? Conv2DOpsGridTest.nhwcView(x, type) : nd(x, type);

                        NaiveOps.T[] max = NaiveOps.maxPool(x, win[0], win[1], geo, dy);
                        PoolResult r = Pool2DOps.maxForward(xNd, win[0], win[1], s);
                        assertClose(what + " max", max[0], r.output(), tol);
                        assertClose(what + " max dx", max[1], Pool2DOps.maxBackward(r, nd(dy, type)), tol);

                        NaiveOps.T[] avg = NaiveOps.avgPool(x, win[0], win[1], geo, dy);
                        assertClose(what + " avg", avg[0], Pool2DOps.avgForward(xNd, win[0], win[1], s), tol);
                        assertClose(what + " avg dx", avg[1],
                                Pool2DOps.avgBackward(nd(dy, type), xNd.shape(), win[0], win[1], s), tol);
                        assertEquals(type, r.output().dataType());
                        checked++;
                    }
                }
            }
        }
        assertEquals(true, checked > 60, "covered " + checked);
    }

    @Test
    void paddedAverageDividesByValidCellsOnly() {
        // [[1, 2], [3, 4]], 2x2 window, stride 1, Keras "same" pads (0, 1, 0, 1):
        // (0,0): (1+2+3+4)/4 = 2.5; (0,1): (2+4)/2 = 3; (1,0): (3+4)/2 = 3.5; (1,1): 4/1 = 4.
        // Counting the padding as cells would give 2.5, 1.5, 1.75, 1.
        INDArray x = Nd4j.create(new double[] {1, 2, 3, 4}, new long[] {1, 2, 2, 1}, 'c');
        Conv2DSpec same = Conv2DSpec.of(1, 1, 0, 1, 0, 1);
        INDArray y = Pool2DOps.avgForward(x, 2, 2, same);
        assertArrayEquals(new double[] {2.5, 3, 3.5, 4}, y.data().asDouble(), 0.0);
        // Backward of dy = 1: cell (0,0) is in one window of 4 -> 1/4; (0,1) in windows of 4 and 2 -> 3/4;
        // (1,0) likewise 3/4; (1,1) in windows of 4, 2, 2, 1 -> 1/4 + 1/2 + 1/2 + 1 = 2.25.
        INDArray dx = Pool2DOps.avgBackward(Nd4j.ones(DataType.DOUBLE, 1, 2, 2, 1), x.shape(), 2, 2, same);
        assertArrayEquals(new double[] {0.25, 0.75, 0.75, 2.25}, dx.data().asDouble(), 0.0);
    }

    @Test
    void paddedCellsNeverWinAMaxWindow() {
        // All values negative: a zero from the padding would win if padding took part.
        INDArray x = Nd4j.create(new double[] {-1, -2, -3, -4}, new long[] {1, 2, 2, 1}, 'c');
        PoolResult r = Pool2DOps.maxForward(x, 2, 2, Conv2DSpec.of(1, 1, 0, 1, 0, 1));
        assertArrayEquals(new double[] {-1, -2, -3, -4}, r.output().data().asDouble(), 0.0);
    }

    @Test
    void maxTiesSendTheGradientToTheFirstCellInRowMajorOrder() {
        // One 2x2 window of equal values: the top-left cell wins and takes the whole gradient.
        INDArray x = Nd4j.create(new double[] {5, 5, 5, 5}, new long[] {1, 2, 2, 1}, 'c');
        PoolResult r = Pool2DOps.maxForward(x, 2, 2, Conv2DSpec.of(2, 2, 0, 0, 0, 0));
        INDArray dx = Pool2DOps.maxBackward(r, Nd4j.create(new double[] {3}, new long[] {1, 1, 1, 1}, 'c'));
        assertArrayEquals(new double[] {3, 0, 0, 0}, dx.data().asDouble(), 0.0);
        // Tie between the 2nd and 4th cells of the window, above a smaller first cell: the 2nd wins.
        INDArray y = Nd4j.create(new double[] {1, 7, 2, 7}, new long[] {1, 2, 2, 1}, 'c');
        PoolResult ry = Pool2DOps.maxForward(y, 2, 2, Conv2DSpec.of(2, 2, 0, 0, 0, 0));
        assertArrayEquals(new double[] {0, 1, 0, 0},
                Pool2DOps.maxBackward(ry, Nd4j.ones(DataType.DOUBLE, 1, 1, 1, 1)).data().asDouble(), 0.0);
        // Global max ties: likewise the first cell.
        INDArray g = Pool2DOps.globalMaxBackward(x, Nd4j.ones(DataType.DOUBLE, 1, 1));
        assertArrayEquals(new double[] {1, 0, 0, 0}, g.data().asDouble(), 0.0);
    }

    @Test
    void globalPoolingReducesHeightAndWidth() {
        // Two channels interleaved (NHWC): channel 0 = 1, 2, 3, 4 and channel 1 = 10, -20, 30, 0.
        INDArray x = Nd4j.create(new double[] {1, 10, 2, -20, 3, 30, 4, 0}, new long[] {1, 2, 2, 2}, 'c');
        assertArrayEquals(new double[] {2.5, 5}, Pool2DOps.globalAvg(x).data().asDouble(), 0.0);
        assertArrayEquals(new long[] {1, 2}, Pool2DOps.globalAvg(x).shape());
        assertArrayEquals(new double[] {4, 30}, Pool2DOps.globalMax(x).data().asDouble(), 0.0);
        INDArray dy = Nd4j.create(new double[] {4, 8}, new long[] {1, 2}, 'c');
        assertArrayEquals(new double[] {1, 2, 1, 2, 1, 2, 1, 2},
                Pool2DOps.globalAvgBackward(dy, x.shape()).data().asDouble(), 0.0);
        assertArrayEquals(new double[] {0, 0, 0, 0, 0, 8, 4, 0},
                Pool2DOps.globalMaxBackward(x, dy).data().asDouble(), 0.0);
    }

    @Test
    void floatPoolingSplitsBatchesOverCoresWithTheSameResults() {
        // 13 images: more than the chunks of ImageParts on a small machine and not a multiple of them,
        // so every image lands in some chunk of some thread; overlapping 3x3 windows, stride 2, "same" pads.
        Random rnd = new Random(21);
        NaiveOps.T x = random(rnd, 13, 9, 8, 5);
        NaiveOps.Geo geo = new NaiveOps.Geo(2, 2, 1, 1, 1, 1, 0, 1, 1);
        Conv2DSpec s = Conv2DSpec.of(2, 2, 1, 1, 0, 1);
        NaiveOps.T dy = random(rnd, NaiveOps.maxPool(x, 3, 3, geo, null)[0].shape());
        NaiveOps.T[] max = NaiveOps.maxPool(x, 3, 3, geo, dy);
        NaiveOps.T[] avg = NaiveOps.avgPool(x, 3, 3, geo, dy);
        INDArray xf = nd(x, DataType.FLOAT);
        PoolResult r = Pool2DOps.maxForward(xf, 3, 3, s);
        assertClose("max", max[0], r.output(), 1e-6);
        assertClose("max dx", max[1], Pool2DOps.maxBackward(r, nd(dy, DataType.FLOAT)), 1e-6);
        assertClose("avg", avg[0], Pool2DOps.avgForward(xf, 3, 3, s), 1e-6);
        assertClose("avg dx", avg[1], Pool2DOps.avgBackward(nd(dy, DataType.FLOAT), xf.shape(), 3, 3, s), 1e-6);
    }

    @Test
    void floatMaxPoolingFindsTheFirstWinnerAgainInBackward() {
        // Ties in a float window (ReLU zeros, repeated values): the gradient goes to the first maximal
        // cell in row-major order, as the argmax of the double path records it.
        INDArray x = Nd4j.create(new float[] {0, 0, 3, 3, 0, 0, 2, 3, -1, -1, -1, -1, 5, 1, 5, 5},
                new long[] {1, 4, 4, 1}, 'c');
        Conv2DSpec s = Conv2DSpec.of(2, 2, 0, 0, 0, 0);
        INDArray dy = Nd4j.create(new float[] {1, 2, 3, 4}, new long[] {1, 2, 2, 1}, 'c');
        PoolResult f = Pool2DOps.maxForward(x, 2, 2, s);
        PoolResult d = Pool2DOps.maxForward(x.castTo(DataType.DOUBLE), 2, 2, s);
        assertArrayEquals(d.output().data().asDouble(), f.output().data().asDouble(), 0.0);
        assertArrayEquals(new double[] {1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 4, 0},
                Pool2DOps.maxBackward(f, dy).data().asDouble(), 0.0);
        assertArrayEquals(Pool2DOps.maxBackward(d, dy.castTo(DataType.DOUBLE)).data().asDouble(),
                Pool2DOps.maxBackward(f, dy).data().asDouble(), 0.0);
    }

    /** Runs {@code check} on libnd4j's pooling ops and on the Java passes (MaxPoolFloat). */
    private static void onBothFloatPaths(java.util.function.Consumer<String> check) {
        boolean was = NativePool.enabled;
        try {
            for (boolean nativeOps : new boolean[] {true, false}) {
                NativePool.enabled = nativeOps;
                check.accept(nativeOps ? "libnd4j pooling" : "Java pooling");
            }
        } finally {
            NativePool.enabled = was;
        }
    }

    @Test
    void floatMaxPoolingHandlesInfiniteCells() {
        // Four 2x2 windows, one channel: (+inf, 1, +inf, 2) -> the first +inf wins; (-inf, -inf, -3, -inf)
        // -> -3; (-inf x 3, 7) -> 7; (MAX, 4, -MAX, 4) -> MAX.
        float inf = Float.POSITIVE_INFINITY, max = Float.MAX_VALUE;
        INDArray x = Nd4j.create(new float[] {
            inf, 1, -inf, -inf,
            inf, 2, -3, -inf,
            -inf, -inf, max, 4,
            -inf, 7, -max, 4}, new long[] {1, 4, 4, 1}, 'c');
        Conv2DSpec s = Conv2DSpec.of(2, 2, 0, 0, 0, 0);
        INDArray dy = Nd4j.create(new float[] {1, 2, 3, 4}, new long[] {1, 2, 2, 1}, 'c');
        onBothFloatPaths(path -> {
            PoolResult f = Pool2DOps.maxForward(x, 2, 2, s);
            assertArrayEquals(new float[] {inf, -3, 7, max}, f.output().data().asFloat(), 0f, path);
            assertArrayEquals(new float[] {
                1, 0, 0, 0,
                0, 0, 2, 0,
                0, 0, 4, 0,
                0, 3, 0, 0}, Pool2DOps.maxBackward(f, dy).data().asFloat(), 0f, path);
        });
    }

    @Test
    void javaMaxPoolingPassesNaNOn() {
        // The Java passes (geometries libnd4j cannot express) make a window with a NaN cell NaN, and its
        // gradient NaN; libnd4j's op skips NaN cells as its comparisons do.
        INDArray x = Nd4j.create(new float[] {Float.NaN, 0, 1, 2}, new long[] {1, 2, 2, 1}, 'c');
        boolean was = NativePool.enabled;
        NativePool.enabled = false;
        try {
            PoolResult f = Pool2DOps.maxForward(x, 2, 2, Conv2DSpec.of(2, 2, 0, 0, 0, 0));
            assertTrue(Float.isNaN(f.output().getFloat(0)), "a NaN cell makes the window NaN");
            INDArray dx = Pool2DOps.maxBackward(f, Nd4j.ones(DataType.FLOAT, 1, 1, 1, 1));
            for (float v : dx.data().asFloat()) {
                assertTrue(Float.isNaN(v), "the NaN window passes NaN back");
            }
        } finally {
            NativePool.enabled = was;
        }
    }

    @Test
    void floatPoolingTilingAndOverlappingPathsAgreeWithTheDoublePath() {
        // On libnd4j's ops and on the Java passes: windows that tile (2x2 stride 2 on 8x6: the Java band
        // path), and ones that do not (2x2 stride 2 on 7x5 leaves the last row and column out; 3x3 stride 1
        // overlaps; "same" pads a 2x2 on 7x5).
        Random rnd = new Random(5);
        int[][] cases = {{8, 6, 2, 2, 0, 0, 0, 0}, {7, 5, 2, 2, 0, 0, 0, 0}, {7, 5, 3, 1, 1, 1, 1, 1}, {7, 5, 2, 2, 0, 1, 0, 1},
            {7, 5, 3, 2, 1, 2, 0, 1}};   // the last: asymmetric pads that are not "same", only the Java passes take them
        onBothFloatPaths(path -> {
            for (int[] c : cases) {
                int pool = c[2], stride = c[3];
                Conv2DSpec s = Conv2DSpec.of(stride, stride, c[4], c[5], c[6], c[7]);
                INDArray xd = Nd4j.create(DataType.DOUBLE, 3, c[0], c[1], 37);
                // Small integers make many ties, where the first-winner rule matters.
                xd.assign(Nd4j.create(rnd.ints((long) xd.length(), -3, 4).asDoubleStream().toArray(), xd.shape(), 'c'));
                INDArray xf = xd.castTo(DataType.FLOAT);
                PoolResult d = Pool2DOps.maxForward(xd, pool, pool, s);
                PoolResult f = Pool2DOps.maxForward(xf, pool, pool, s);
                String what = path + " " + java.util.Arrays.toString(c);
                assertArrayEquals(d.output().data().asDouble(), f.output().data().asDouble(), 0.0, what + " max");
                INDArray dyd = Nd4j.rand(DataType.DOUBLE, d.output().shape()).castTo(DataType.FLOAT).castTo(DataType.DOUBLE);
                assertArrayEquals(Pool2DOps.maxBackward(d, dyd).data().asDouble(),
                        Pool2DOps.maxBackward(f, dyd.castTo(DataType.FLOAT)).data().asDouble(),
                        stride < pool ? 1e-5 : 0.0, what + " max dx");   // overlapping windows add in float
                assertArrayEquals(Pool2DOps.avgForward(xd, pool, pool, s).data().asDouble(),
                        Pool2DOps.avgForward(xf, pool, pool, s).data().asDouble(), 1e-6, what + " avg");
                assertArrayEquals(Pool2DOps.avgBackward(dyd, xd.shape(), pool, pool, s).data().asDouble(),
                        Pool2DOps.avgBackward(dyd.castTo(DataType.FLOAT), xf.shape(), pool, pool, s).data().asDouble(),
                        1e-6, what + " avg dx");
            }
        });
    }
}
