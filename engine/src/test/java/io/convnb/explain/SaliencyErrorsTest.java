package io.convnb.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.layers.Conv2D;
import io.convnb.layers.Dense;
import io.convnb.layers.Flatten;
import io.convnb.layers.GlobalAveragePooling2D;
import io.convnb.model.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Bad input gets a message that names the problem and the fix. */
class SaliencyErrorsTest {
    static Sequential convModel() {
        Sequential m = new Sequential()
                .add(new Conv2D(2, 3, 3).activation("relu").inputShape(8, 8, 1))
                .add(new Flatten())
                .add(new Dense(3).activation("softmax"));
        m.compile("adam", "categorical_crossentropy");
        return m;
    }

    static String message(Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }

    static INDArray images(long... shape) {
        return Nd4j.rand(DataType.FLOAT, shape);
    }

    @Test
    void modelWithoutConvolution() {
        Sequential m = new Sequential().add(new Flatten().inputShape(8, 8, 1)).add(new Dense(3).activation("softmax"));
        String msg = message(() -> Saliency.gradCam(m, images(2, 8, 8, 1), 0));
        assertTrue(msg.startsWith("Saliency.gradCam: Sequential 'sequential' has no Conv2D layer (layers [flatten (Flatten), dense (Dense)])"), msg);
        assertTrue(msg.contains("use Saliency.inputGradient"), msg);
    }

    @Test
    void classIndexOutOfRange() {
        Sequential m = convModel();
        String msg = message(() -> Saliency.gradCam(m, images(2, 8, 8, 1), 3));
        assertEquals("Saliency.gradCam: class index 3 (image 0) is out of range; Sequential 'sequential' has 3 classes, use 0..2.", msg);
        msg = message(() -> Saliency.inputGradient(m, images(1, 8, 8, 1), -1));
        assertEquals("Saliency.inputGradient: class index -1 is out of range; Sequential 'sequential' has 3 classes, use 0..2.", msg);
        msg = message(() -> Saliency.gradCam(m, images(2, 8, 8, 1), new int[] {0}));
        assertEquals("Saliency.gradCam: 2 images but 1 class indices; give one class index per image, or one int for all.", msg);
    }

    @Test
    void wrongImageShape() {
        Sequential m = convModel();
        String msg = message(() -> Saliency.gradCam(m, images(8, 8), 0));
        assertEquals("Saliency.gradCam: Sequential 'sequential' takes images (None, 8, 8, 1) but received shape (8, 8). "
                + "Add the channel axis: image.reshape(1, 8, 8, 1).", msg);
        msg = message(() -> Saliency.inputGradient(m, images(2, 9, 8, 1), 0));
        assertEquals("Saliency.inputGradient: Sequential 'sequential' takes images (None, 8, 8, 1) but received shape (2, 9, 8, 1). "
                + "Pass one image (8, 8, 1) or a batch (N, 8, 8, 1).", msg);
        INDArray nan = images(1, 8, 8, 1);
        nan.putScalar(5, Double.NaN);
        msg = message(() -> Saliency.gradCam(m, nan, 0));
        assertEquals("Saliency.gradCam: the images contain NaN or infinite values; clean or rescale them first.", msg);
    }

    @Test
    void layersThatAreNotFeatureMaps() {
        Sequential m = convModel();
        String msg = message(() -> Saliency.gradCam(m, "dense", images(1, 8, 8, 1), 0));
        assertEquals("Saliency.gradCam: layer 'dense' (Dense) outputs (None, 3), not feature maps (None, H, W, C); choose a convolution or pooling layer.", msg);
        msg = message(() -> Saliency.gradCam(m, "conv", images(1, 8, 8, 1), 0));
        assertEquals("Sequential 'sequential' has no layer 'conv'; its layers are [conv2d, flatten, dense].", msg);
        Sequential notClassifier = new Sequential().add(new Conv2D(2, 3, 3).inputShape(8, 8, 1));
        msg = message(() -> Saliency.inputGradient(notClassifier, images(1, 8, 8, 1), 0));
        assertTrue(msg.startsWith("Saliency.inputGradient: Sequential 'sequential' outputs (None, 6, 6, 2); class saliency needs a classifier"), msg);
    }

    @Test
    void effectiveReceptiveFieldCellAndChannel() {
        Sequential m = convModel();
        String msg = message(() -> Saliency.effectiveReceptiveField(m, "conv2d", images(1, 8, 8, 1), 6, 0));
        assertEquals("Saliency.effectiveReceptiveField: layer 'conv2d' outputs 6 x 6 cells; cell (6, 0) does not exist. "
                + "Use a row in 0..5 and a column in 0..5.", msg);
        msg = message(() -> Saliency.effectiveReceptiveField(m, "conv2d", images(1, 8, 8, 1), 0, 0, 2));
        assertEquals("Saliency.effectiveReceptiveField: layer 'conv2d' has 2 channels; channel 2 does not exist. "
                + "Use 0..1, or leave it out to sum over all channels.", msg);
    }

    @Test
    void geometryAndPatches() {
        Sequential m = new Sequential()
                .add(new Conv2D(2, 3, 3).activation("relu").inputShape(8, 8, 1))
                .add(new GlobalAveragePooling2D())
                .add(new Dense(3).activation("softmax"));
        String msg = message(() -> CellWindows.of(m, "dense"));
        assertEquals("CellWindows: layer 'dense' comes after GlobalAveragePooling2D 'global_average_pooling2d', which has no "
                + "receptive-field arithmetic (defined for Conv2D, MaxPooling2D, AveragePooling2D and cell-wise layers such as "
                + "Activation, BatchNormalization, Dropout); choose a layer before 'global_average_pooling2d'.", msg);
        msg = message(() -> CellWindows.of(m, "conv2d").window(0, 6));
        assertEquals("Layer 'conv2d' outputs 6 x 6 cells; cell (0, 6) does not exist. Use a row in 0..5 and a column in 0..5.", msg);
        msg = message(() -> FilterPatches.topK(m, "conv2d", images(4, 8, 8, 1), 0));
        assertEquals("FilterPatches.topK: k must be at least 1, got 0.", msg);
        msg = message(() -> FilterPatches.topK(m, "conv2d", images(4, 8, 8, 1), 2).patches(2));
        assertEquals("FilterPatches: layer 'conv2d' has 2 filters; filter 2 does not exist. Use 0..1.", msg);
        Sequential unbuilt = new Sequential().add(new Conv2D(2, 3, 3)).add(new Flatten()).add(new Dense(2));
        msg = message(() -> Saliency.gradCam(unbuilt, images(1, 8, 8, 1), 0));
        assertEquals("Saliency.gradCam: Sequential 'sequential' is not built yet; give its first layer an inputShape(...) "
                + "(e.g. inputShape(28, 28, 1)) or train it once.", msg);
    }
}
