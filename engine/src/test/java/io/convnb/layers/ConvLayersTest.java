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

    /**
     * A layer with relu (which fuses the rectifier into its convolution) against the same layer without
     * an activation, rectified and masked here by loops: y = max(0, z), and every gradient of the relu
     * layer for dy equals the linear layer's gradient for dy * (z > 0).
     */
    private static void checkFusedRelu(ActivatedLayer relu, ActivatedLayer linear, long[] inputShape, DataType type,
                                       long seed) {
        relu.dataType(type);
        linear.dataType(type);
        relu.build(java.util.Arrays.copyOfRange(inputShape, 1, inputShape.length));
        linear.build(java.util.Arrays.copyOfRange(inputShape, 1, inputShape.length));
        for (int i = 0; i < relu.parameters().size(); i++) {
            INDArray v = random(seed + i, relu.parameters().get(i).value().shape()).castTo(type);
            relu.parameters().get(i).value().assign(v);
            linear.parameters().get(i).value().assign(v);
        }
        INDArray x = random(seed + 10, inputShape).castTo(type);
        INDArray z = linear.forward(x, true).dup();
        INDArray y = relu.forward(x, true);
        double[] zv = z.dup('c').data().asDouble(), yv = y.dup('c').data().asDouble();
        double tol = type == DataType.DOUBLE ? 1e-12 : 1e-5;
        assertEquals(zv.length, yv.length);
        int negative = 0;
        for (int i = 0; i < zv.length; i++) {
            assertEquals(Math.max(0, zv[i]), yv[i], tol, relu.name() + " forward element " + i);
            negative += zv[i] <= 0 ? 1 : 0;
        }
        assertTrue(negative > 0 && negative < zv.length, "the case must have both signs");
        INDArray dy = random(seed + 20, y.shape()).castTo(type);
        double[] dzv = dy.dup('c').data().asDouble();
        for (int i = 0; i < dzv.length; i++) {
            dzv[i] = zv[i] > 0 ? dzv[i] : 0;
        }
        INDArray dz = Nd4j.create(dzv, y.shape(), DataType.DOUBLE).castTo(type);
        INDArray dxRelu = relu.backward(dy), dxLinear = linear.backward(dz);
        assertTrue(dxRelu.equalsWithEps(dxLinear, tol * 10), relu.name() + " input gradient");
        for (int i = 0; i < relu.parameters().size(); i++) {
            assertTrue(relu.parameters().get(i).grad().equalsWithEps(linear.parameters().get(i).grad(), tol * 10),
                    relu.name() + " gradient of " + relu.parameters().get(i).name());
        }
    }

    @Test
    void reluFusedIntoTheConvolutionMatchesASeparateRectifier() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            // the tutorial's thin layer (direct path in FLOAT), RGB same, 1x1, wide stride 2, channels_first
            checkFusedRelu(new Conv2D(8, 3).activation("relu"), new Conv2D(8, 3), new long[] {3, 9, 9, 1}, type, 1);
            checkFusedRelu(new Conv2D(6, 3).padding("same").activation("relu"), new Conv2D(6, 3).padding("same"),
                    new long[] {2, 7, 7, 3}, type, 2);
            checkFusedRelu(new Conv2D(18, 1).activation("relu"), new Conv2D(18, 1), new long[] {2, 5, 4, 16}, type, 3);
            checkFusedRelu(new Conv2D(16, 3).strides(2).padding("same").activation("relu"),
                    new Conv2D(16, 3).strides(2).padding("same"), new long[] {2, 8, 8, 16}, type, 4);
            checkFusedRelu(new Conv2D(16, 3).padding("same").activation("relu"), new Conv2D(16, 3).padding("same"),
                    new long[] {2, 6, 6, 16}, type, 5);
            checkFusedRelu(new Conv2D(5, 3).dataFormat("channels_first").activation("relu"),
                    new Conv2D(5, 3).dataFormat("channels_first"), new long[] {2, 2, 7, 6}, type, 6);
            // Conv1D "same" and causal (dilated), as 2-D convolutions of height 1
            checkFusedRelu(new Conv1D(16, 5).padding("same").activation("relu"), new Conv1D(16, 5).padding("same"),
                    new long[] {3, 20, 16}, type, 7);
            checkFusedRelu(new Conv1D(16, 3).padding("causal").dilationRate(2).activation("relu"),
                    new Conv1D(16, 3).padding("causal").dilationRate(2), new long[] {3, 20, 16}, type, 8);
        }
    }

    @Test
    void causalConv1DWithReluKeepsTheFutureOut() {
        // 16 channels and filters: the fast paths of wide layers. Changing the input at step t must not
        // change any output before t, nor any input gradient after the last output that depends on it.
        var conv = new Conv1D(16, 3).padding("causal").dilationRate(2).activation("relu");
        conv.build(new long[] {12, 16});
        INDArray x = random(30, 2, 12, 16).castTo(DataType.FLOAT);
        INDArray y = conv.apply(x).dup();
        INDArray x2 = x.dup();
        x2.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(7),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).addi(3.0);
        INDArray y2 = conv.apply(x2);
        for (int t = 0; t < 12; t++) {
            double change = y2.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(t),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).sub(y.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(t), org.nd4j.linalg.indexing.NDArrayIndex.all())).amaxNumber().doubleValue();
            if (t < 7) {
                assertEquals(0.0, change, 0.0, "output step " + t + " saw the future");
            } else if (t == 7) {
                assertTrue(change > 0, "output step 7 must see its own input");
            }
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
