package io.convnb.layers;

import static io.convnb.layers.ConvLayersTest.naive;
import static io.convnb.layers.ConvLayersTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.model.Sequential;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@code setWeights} on a layer that is not built yet: checked at once, installed by the first build. */
class SetWeightsBeforeBuildTest {

    @Test
    void conv2DTakesWeightsBeforeBuildAndTheFirstApplyBuildsIt() {
        var conv = new Conv2D(2, 3, 3).strides(2, 1).padding("same");
        conv.dataType(DataType.DOUBLE);
        INDArray kernel = random(11, 3, 3, 1, 2);
        INDArray bias = Nd4j.create(new double[] {0.25, -1}, new long[] {2}, DataType.DOUBLE);
        conv.setWeights(kernel, bias);
        assertFalse(conv.isBuilt());
        kernel.addi(100);   // the layer keeps a copy: later changes to the caller's array do not leak in
        kernel.subi(100);
        INDArray x = random(12, 2, 7, 5, 1);
        INDArray y = conv.apply(x);
        assertArrayEquals(new long[] {2, 4, 5, 2}, y.shape());
        assertTrue(conv.kernel().equalsWithEps(kernel, 1e-12));
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
    void copyIsTakenAtSetWeights() {
        var conv = new Conv2D(1, 1, 1).useBias(false);
        INDArray kernel = Nd4j.ones(DataType.FLOAT, 1, 1, 1, 1);
        conv.setWeights(kernel, null);
        kernel.assign(5);
        INDArray y = conv.apply(Nd4j.ones(DataType.FLOAT, 1, 2, 2, 1));
        assertEquals(1.0, y.getDouble(0, 0, 0, 0), 0, "the value at setWeights time counts");
    }

    @Test
    void kernelShapeIsCheckedAgainstFiltersAndKernelSizeAtOnce() {
        var conv = new Conv2D(2, 3, 3).name("c");
        var e = assertThrows(IllegalArgumentException.class, () -> conv.setWeights(Nd4j.zeros(3, 2, 1, 2), Nd4j.zeros(2)));
        assertEquals("Conv2D 'c': the kernel must have shape (kh, kw, in_channels/groups, filters) = (3, 3, any, 2) for this"
                + " layer's hyper-parameters, but has (3, 2, 1, 2).", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> conv.setWeights(Nd4j.zeros(3, 3, 1, 2), Nd4j.zeros(3)));
        assertEquals("Conv2D 'c': bias must have shape (2,) but has (3,).", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> conv.setWeights(Nd4j.zeros(3, 3, 1, 2), null));
        assertTrue(e.getMessage().startsWith("Conv2D 'c': a bias of shape (2,) is required"), e.getMessage());
        var noBias = new Conv2D(2, 3).useBias(false).name("nb");
        e = assertThrows(IllegalArgumentException.class, () -> noBias.setWeights(Nd4j.zeros(3, 3, 1, 2), Nd4j.zeros(2)));
        assertEquals("Conv2D 'nb': the layer has useBias(false) but a bias was given; pass null.", e.getMessage());
        var grouped = new Conv2D(3, 1).groups(2).name("g");
        e = assertThrows(IllegalArgumentException.class, () -> grouped.setWeights(Nd4j.zeros(1, 1, 1, 3), Nd4j.zeros(3)));
        assertTrue(e.getMessage().startsWith("Conv2D 'g': filters=3 must be divisible by groups=2"), e.getMessage());
    }

    @Test
    void inputWithOtherChannelsThanTheKernelIsRefusedAtBuildAndTheLayerStaysUnbuilt() {
        var conv = new Conv2D(2, 3).name("c");
        conv.setWeights(Nd4j.zeros(DataType.FLOAT, 3, 3, 1, 2), Nd4j.zeros(DataType.FLOAT, 2));
        var e = assertThrows(IllegalArgumentException.class, () -> conv.apply(Nd4j.zeros(DataType.FLOAT, 1, 5, 5, 3)));
        assertEquals("Conv2D 'c': the kernel given to setWeights has shape (3, 3, 1, 2), but for input (None, 5, 5, 3) the layer"
                + " needs (3, 3, 3, 2); give a kernel made for this input, or feed inputs with as many channels (features) as"
                + " the kernel expects.", e.getMessage());
        assertFalse(conv.isBuilt());
        assertArrayEquals(new long[] {1, 3, 3, 2}, conv.apply(Nd4j.zeros(DataType.FLOAT, 1, 5, 5, 1)).shape());
    }

    @Test
    void groupedKernelFixesChannelsAsKernelDepthTimesGroups() {
        var conv = new Conv2D(4, 1).groups(2).useBias(false);
        conv.dataType(DataType.DOUBLE);
        INDArray kernel = random(3, 1, 1, 3, 4);   // 3 channels per group -> 6 input channels
        conv.setWeights(kernel, null);
        INDArray x = random(4, 1, 2, 2, 6);
        INDArray y = conv.apply(x);
        // group g sees channels 3g..3g+2 and owns filters 2g..2g+1
        for (int f = 0; f < 4; f++) {
            int g = f / 2;
            double want = 0;
            for (int c = 0; c < 3; c++) {
                want += x.getDouble(0, 1, 0, 3 * g + c) * kernel.getDouble(0, 0, c, f);
            }
            assertEquals(want, y.getDouble(0, 1, 0, f), 1e-12);
        }
    }

    @Test
    void denseConv1DAndTransposeTakeWeightsBeforeBuild() {
        var dense = new Dense(2);
        dense.dataType(DataType.DOUBLE);
        dense.setWeights(Nd4j.create(new double[][] {{1, 2}, {3, 4}, {5, 6}}), Nd4j.create(new double[] {0.5, -0.5}));
        INDArray y = dense.apply(Nd4j.create(new double[][] {{1, 1, 1}}));
        assertArrayEquals(new double[] {9.5, 11.5}, y.toDoubleVector(), 1e-12);

        var conv1 = new Conv1D(1, 2).useBias(false);
        conv1.dataType(DataType.DOUBLE);
        conv1.setWeights(Nd4j.create(new double[] {1, 10}, new long[] {2, 1, 1}, DataType.DOUBLE), null);
        INDArray s = Nd4j.create(new double[] {1, 2, 3}, new long[] {1, 3, 1}, DataType.DOUBLE);
        assertArrayEquals(new double[] {21, 32}, conv1.apply(s).reshape(2).toDoubleVector(), 1e-12);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Conv1D(1, 2).name("c1").setWeights(Nd4j.zeros(3, 1, 1), Nd4j.zeros(1)));
        assertEquals("Conv1D 'c1': the kernel must have shape (k, channels/groups, filters) = (2, any, 1) for this layer's"
                + " hyper-parameters, but has (3, 1, 1).", e.getMessage());

        var up = new Conv2DTranspose(1, 2).strides(2).useBias(false);
        up.dataType(DataType.DOUBLE);
        up.setWeights(Nd4j.ones(DataType.DOUBLE, 2, 2, 1, 1), null);
        INDArray u = up.apply(Nd4j.create(new double[] {3}, new long[] {1, 1, 1, 1}, DataType.DOUBLE));
        assertArrayEquals(new long[] {1, 2, 2, 1}, u.shape());
        assertEquals(12.0, u.sumNumber().doubleValue(), 1e-12);
    }

    @Test
    void weightsSetBeforeBuildSurviveTheModelsBuild() {
        var dense = new Dense(1).useBias(false);
        dense.setWeights(Nd4j.create(new float[] {2, 3}, new long[] {2, 1}), null);
        var model = new Sequential().add(new Flatten().inputShape(1, 2)).add(dense);
        INDArray y = model.predict(Nd4j.create(new float[] {1, 1}, new long[] {1, 1, 2}));
        assertEquals(5.0, y.getDouble(0, 0), 1e-6);
    }
}
