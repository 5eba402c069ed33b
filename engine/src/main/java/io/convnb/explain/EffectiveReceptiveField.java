package io.convnb.explain;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The effective receptive field of one output cell: the gradient of that cell's activation with
 * respect to every input pixel, per image, next to the theoretical window the layers' arithmetic
 * allows ({@link io.convnb.shape.ReceptiveField}'s arithmetic).
 *
 * @param layerName   the layer
 * @param row         the cell's row in the layer's output
 * @param col         the cell's column
 * @param channel     the channel, or -1 for the sum over all channels
 * @param images      the images, (N, H, W, C)
 * @param gradient    {@code d a / d x}, (N, H, W, C)
 * @param magnitude   {@code max_channels |d a / d x|}, (N, H, W), not scaled
 * @param activations the cell's activation per image (summed over channels for {@code channel = -1})
 * @param window      the theoretical receptive field, or null when a layer below has no such arithmetic
 */
public record EffectiveReceptiveField(String layerName, int row, int col, int channel, INDArray images, INDArray gradient,
                                      INDArray magnitude, double[] activations, InputWindow window) {

    /** The magnitude averaged over the images, (H, W): the effective receptive field of the data set. */
    public INDArray mean() {
        return magnitude.castTo(DataType.DOUBLE).mean(0);
    }

    /** Number of images. */
    public int size() {
        return (int) images.size(0);
    }

    @Override
    public String toString() {
        long nonZero = mean().gt(0).castTo(DataType.INT).sumNumber().longValue();
        return "effective receptive field of " + layerName + " cell (" + row + ", " + col + ")"
                + (channel < 0 ? ", all channels" : ", channel " + channel) + ", " + size() + " image" + (size() == 1 ? "" : "s")
                + (window == null ? "" : "; theoretical window " + window) + "; " + nonZero + " input pixels with a non-zero gradient";
    }
}
