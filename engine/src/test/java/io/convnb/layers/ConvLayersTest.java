package io.convnb.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The layers' Keras arguments against plain loops written here. */
class ConvLayersTest {
    static INDArray random(long seed, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[(int) io.convnb.shape.Shapes.product(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble() * 2 - 1;
        }
        return Nd4j.create(v, shape, DataType.DOUBLE);
    }

    /** y[n,i,j,f] = b[f] + sum x[n, i*sh - top + u, j*sw - left + v, c] * k[u,v,c,f], zero outside. */
    static double naive(INDArray x, INDArray k, INDArray b, int n, int i, int j, int f, int sh, int sw, int top, int left) {
        double sum = b == null ? 0 : b.getDouble(f);
        for (int u = 0; u < k.size(0); u++) {
            for (int v = 0; v < k.size(1); v++) {
                int h = i * sh - top + u;
                int w = j * sw - left + v;
                if (h < 0 || w < 0 || h >= x.size(1) || w >= x.size(2)) {
                    continue;
                }
                for (int c = 0; c < x.size(3); c++) {
                    sum += x.getDouble(n, h, w, c) * k.getDouble(u, v, c, f);
                }
            }
        }
        return sum;
    }

    @Test
    void theIssueExampleStridesAndSamePadding() {
        var conv = new Conv2D(2, 3, 3).strides(2, 1).padding("same");
        conv.dataType(DataType.DOUBLE);
        conv.build(new long[] {7, 5, 1});
        INDArray kernel = random(1, 3, 3, 1, 2);
        INDArray bias = Nd4j.create(new double[] {0.5, -1}, new long[] {2}, DataType.DOUBLE);
        conv.setWeights(kernel, bias);
        INDArray x = random(2, 2, 7, 5, 1);
        INDArray y = conv.apply(x);
        assertArrayEquals(new long[] {2, 4, 5, 2}, y.shape());   // ceil(7/2) = 4, ceil(5/1) = 5
        // TF "same": height total pad = (4-1)*2 + 3 - 7 = 2 -> 1 before; width (5-1)*1 + 3 - 5 = 2 -> 1 before
        for (int n = 0; n < 2; n++) {
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 5; j++) {
                    for (int f = 0; f < 2; f++) {
                        assertEquals(naive(x, kernel, bias, n, i, j, f, 2, 1, 1, 1), y.getDouble(n, i, j, f), 1e-12);
                    }
                }
            }
        }
    }

    @Test
    void explicitAsymmetricPadding() {
        var conv = new Conv2D(1, 2, 3).padding(2, 0, 0, 1).useBias(false);
        conv.dataType(DataType.DOUBLE);
        conv.build(new long[] {4, 4, 2});
        INDArray kernel = random(3, 2, 3, 2, 1);
        conv.setWeights(kernel, null);
        INDArray x = random(4, 1, 4, 4, 2);
        INDArray y = conv.apply(x);
        // height: floor((4 + 2 + 0 - 2)/1) + 1 = 5; width: floor((4 + 0 + 1 - 3)/1) + 1 = 3
        assertArrayEquals(new long[] {1, 5, 3, 1}, y.shape());
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(naive(x, kernel, null, 0, i, j, 0, 1, 1, 2, 0), y.getDouble(0, i, j, 0), 1e-12);
            }
        }
    }

    @Test
    void channelsFirstMatchesChannelsLast() {
        INDArray kernel = random(5, 3, 3, 3, 4);
        INDArray bias = random(6, 4);
        var last = new Conv2D(4, 3, 3).padding("same");
        var first = new Conv2D(4, 3, 3).padding("same").dataFormat("channels_first");
        last.dataType(DataType.DOUBLE);
        first.dataType(DataType.DOUBLE);
        last.build(new long[] {6, 5, 3});
        first.build(new long[] {3, 6, 5});
        last.setWeights(kernel, bias);
        first.setWeights(kernel, bias);
        INDArray x = random(7, 2, 6, 5, 3);
        INDArray yLast = last.apply(x);
        INDArray yFirst = first.apply(x.permute(0, 3, 1, 2).dup('c'));
        assertArrayEquals(new long[] {2, 4, 6, 5}, yFirst.shape());
        assertTrue(yFirst.permute(0, 2, 3, 1).equalsWithEps(yLast, 1e-12));
        assertArrayEquals(new long[] {4, 6, 5}, first.outputShape());
    }

    @Test
    void causalConv1DSeesNoFuture() {
        var conv = new Conv1D(1, 3).padding("causal").dilationRate(2).useBias(false);
        conv.dataType(DataType.DOUBLE);
        conv.build(new long[] {9, 1});
        conv.setWeights(Nd4j.create(new double[] {1, 10, 100}, new long[] {3, 1, 1}, DataType.DOUBLE), null);
        INDArray x = Nd4j.zeros(DataType.DOUBLE, 1, 9, 1);
        for (int t = 0; t < 9; t++) {
            x.putScalar(new long[] {0, t, 0}, t + 1);
        }
        INDArray y = conv.apply(x);
        // y[t] = 1*x[t-4] + 10*x[t-2] + 100*x[t] with zeros before the start
        for (int t = 0; t < 9; t++) {
            double expected = 100 * (t + 1) + (t >= 2 ? 10 * (t - 1) : 0) + (t >= 4 ? (t - 3) : 0);
            assertEquals(expected, y.getDouble(0, t, 0), 1e-12, "step " + t);
        }
    }

    @Test
    void depthwiseGroupsNeedDivisibleChannels() {
        var depthwise = new Conv2D(6, 3, 3).groups(3);
        depthwise.build(new long[] {5, 5, 3});
        assertArrayEquals(new long[] {3, 3, 1, 6}, depthwise.kernel().shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Conv2D(32, 3, 3).groups(3).build(new long[] {5, 5, 3}));
        assertTrue(e.getMessage().startsWith("Conv2D 'conv2d': The number of filters must be evenly divisible by the number of groups. Received: groups=3, filters=32."),
                e.getMessage());
    }
}
