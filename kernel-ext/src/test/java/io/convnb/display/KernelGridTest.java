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
import org.nd4j.linalg.indexing.NDArrayIndex;

class KernelGridTest {

    /** Filter 0 all +0.5, filter 1 all -0.5, one weight of filter 0 at +1 sets the symmetric scale to [-1, 1]. */
    private static INDArray signedKernel() {
        INDArray k = Nd4j.create(DataType.FLOAT, 3, 3, 1, 2);
        k.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.point(0)).assign(0.5);
        k.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.point(1)).assign(-0.5);
        k.putScalar(new long[] {1, 1, 0, 0}, 1.0);
        return k;
    }

    @Test
    void positiveWeightsAreRedNegativeBlueOnASharedSymmetricScale() {
        Figure f = KernelGrid.of(signedKernel());
        BufferedImage img = decode(f.png());
        int pos = ColorMap.RDBU.rgb(0.75); // +0.5 on [-1, 1]
        int neg = ColorMap.RDBU.rgb(0.25); // -0.5 on [-1, 1]
        assertTrue(TestImages.red(pos) > TestImages.blue(pos) + 60, "positive is red-ish");
        assertTrue(TestImages.blue(neg) > TestImages.red(neg) + 60, "negative is blue-ish");
        int cells = count(img, pos);
        // 8 cells of +0.5 in filter 0 and 9 of -0.5 in filter 1, each an integer-scaled square.
        assertTrue(cells > 8 * 100, "positive cells: " + cells);
        assertTrue(count(img, neg) > cells, "filter 1 has 9 such cells, filter 0 only 8");
        assertTrue(count(img, ColorMap.RDBU.top()) > 100, "the +1 weight takes the top of the symmetric scale");
        assertTrue(centroid(img, pos)[0] < centroid(img, neg)[0], "filter 0 is left of filter 1");
        assertTrue(f.text().contains("shared scale [-1, 1]"), f.text());
    }

    @Test
    void zeroWeightsAreWhiteAndRendersAreIdentical() {
        INDArray k = Nd4j.create(DataType.FLOAT, 2, 2, 1, 1);
        k.putScalar(new long[] {0, 0, 0, 0}, -3);
        k.putScalar(new long[] {1, 1, 0, 0}, 3);
        BufferedImage img = decode(KernelGrid.of(k).png());
        int zero = ColorMap.RDBU.rgb(0.5);
        assertTrue(count(img, zero) > 2 * 400, "the two zero weights are near-white cells");
        assertArrayEquals(KernelGrid.of(k).png(), KernelGrid.of(k.dup()).png());
    }

    @Test
    void layoutChoosesAllChannelsOrFirstChannel() {
        Figure all = KernelGrid.of(Nd4j.rand(DataType.FLOAT, 3, 3, 3, 4));
        assertTrue(all.text().contains("rows: input channels, columns: filters"), all.text());
        Figure first = KernelGrid.of(Nd4j.rand(DataType.FLOAT, 3, 3, 32, 64));
        assertTrue(first.text().contains("input channel 0 of 32"), first.text());
        assertTrue(first.width() <= 900, "width " + first.width());
        Figure cut = KernelGrid.firstChannel(Nd4j.rand(DataType.FLOAT, 3, 3, 1, 200));
        assertTrue(cut.text().contains("first 128 of 200 filters"), cut.text());
        Figure wide = KernelGrid.allChannels(Nd4j.rand(DataType.FLOAT, 3, 3, 16, 32));
        assertTrue(wide.text().contains("showing input channels 0-9 of 16, filters 0-11 of 32"), wide.text());
    }

    @Test
    void rejectsNonKernels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelGrid.of(Nd4j.create(DataType.FLOAT, 3, 3)));
        assertEquals("KernelGrid needs a Conv2D kernel of shape (kh, kw, in_channels, filters); got shape (3, 3). "
                + "For a layer pass its kernel weights, e.g. conv.getKernel().", e.getMessage());
    }

    @Test
    void featureMapsScaleEachChannelOnItsOwnRange() {
        INDArray acts = Nd4j.create(DataType.FLOAT, 5, 5, 2);
        acts.putScalar(new long[] {0, 0, 0}, 100f); // channel 0: one large value
        acts.putScalar(new long[] {4, 4, 1}, 0.01f); // channel 1: one tiny value
        Figure f = FeatureMaps.of(acts, "conv2d", ColorMap.VIRIDIS);
        BufferedImage img = decode(f.png());
        // Per-channel scaling: both channels show their maximum at the top colour, one cell each.
        int top = count(img, ColorMap.VIRIDIS.top());
        int cells = count(img, ColorMap.VIRIDIS.bottom());
        assertTrue(top > 2 * 100, "both maxima are top-coloured cells: " + top);
        assertTrue(cells > 12 * top / 2, "the other 48 cells are bottom-coloured");
        double[] at = centroid(img, ColorMap.VIRIDIS.top());
        assertTrue(at[0] > 0 && at[1] > 0);
        assertTrue(f.text().contains("conv2d (5, 5, 2)"), f.text());
        INDArray dead = Nd4j.create(DataType.FLOAT, 1, 4, 4, 3);
        assertTrue(FeatureMaps.of(dead, "relu", ColorMap.VIRIDIS).text().contains("3 constant"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeatureMaps.of(Nd4j.create(DataType.FLOAT, 2, 4, 4, 3), "x", ColorMap.VIRIDIS));
        assertTrue(e.getMessage().startsWith("FeatureMaps needs activations of one image, shape (H, W, C) or (1, H, W, C); got shape (2, 4, 4, 3)."));
    }
}
