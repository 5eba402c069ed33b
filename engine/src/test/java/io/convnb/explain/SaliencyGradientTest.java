package io.convnb.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.layers.Activation;
import io.convnb.layers.BatchNormalization;
import io.convnb.layers.Conv2D;
import io.convnb.layers.Dense;
import io.convnb.layers.Dropout;
import io.convnb.layers.Flatten;
import io.convnb.layers.Layer;
import io.convnb.layers.MaxPooling2D;
import io.convnb.layers.Parameter;
import io.convnb.model.Sequential;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Grad-CAM's channel weights, the input gradient and the effective receptive field against central
 * differences of the model's own inference-mode forward pass, in double precision.
 */
class SaliencyGradientTest {
    private static final double H = 1e-6;

    static INDArray random(long seed, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble() * 2 - 1;
        }
        return Nd4j.create(v, shape, DataType.DOUBLE);
    }

    /**
     * Conv (tanh) - BN - max pool - Dropout - conv (elu, the Grad-CAM layer) - flatten - dense. Smooth
     * activations so central differences are exact to ~1e-9; BN with non-trivial moving statistics.
     */
    static Sequential model(boolean separateSoftmax) {
        DataType d = DataType.DOUBLE;
        Sequential m = new Sequential().seed(11)
                .add(new Conv2D(3, 3, 3).padding("same").activation("tanh").inputShape(6, 6, 2).dataType(d))
                .add(new BatchNormalization().dataType(d))
                .add(new MaxPooling2D(2).dataType(d))
                .add(new Dropout(0.5).dataType(d))
                .add(new Conv2D(4, 2, 2).strides(1, 1).padding("same").activation("elu").dataType(d))
                .add(new Flatten().dataType(d));
        if (separateSoftmax) {
            m.add(new Dense(3).dataType(d)).add(new Activation("softmax").dataType(d));
        } else {
            m.add(new Dense(3).activation("softmax").dataType(d));
        }
        m.compile("adam", "categorical_crossentropy", "accuracy");
        SplittableRandom r = new SplittableRandom(5);
        for (Parameter p : m.layer(1).parameters()) {
            INDArray v = p.value();
            for (long i = 0; i < v.length(); i++) {
                double x = r.nextDouble();
                v.putScalar(i, p.name().equals("moving_variance") ? 0.5 + x : p.name().equals("gamma") ? 0.5 + x : x - 0.5);
            }
        }
        return m;
    }

    /** The logit of class c for one image's layer-k output, run through the layers above k (inference mode). */
    static double logitFrom(Sequential m, int k, INDArray a, int c) {
        INDArray x = a;
        List<Layer> layers = m.layers();
        for (int i = k + 1; i < layers.size(); i++) {
            Layer l = layers.get(i);
            if (i == layers.size() - 1 && l instanceof Dense dense) {
                // the pre-softmax score, computed here from the layer's weights
                return x.mmul(dense.kernel()).addRowVector(dense.bias()).getDouble(0, c);
            }
            if (i == layers.size() - 1 && l instanceof Activation) {
                return x.getDouble(0, c);
            }
            x = l.forward(x, false);
        }
        return x.getDouble(0, c);
    }

    static INDArray layerOutput(Sequential m, int k, INDArray x) {
        INDArray a = x;
        for (int i = 0; i <= k; i++) {
            a = m.layer(i).forward(a, false);
        }
        return a.dup();
    }

    @Test
    void gradCamChannelWeightsMatchCentralDifferences() {
        for (boolean separate : new boolean[] {false, true}) {
            Sequential m = model(separate);
            INDArray images = random(3, 2, 6, 6, 2);
            int[] classes = {2, 0};
            SaliencyMaps cam = Saliency.gradCam(m, images, classes);
            assertEquals("conv2d_1", cam.layerName());
            int k = 4;
            for (int img = 0; img < 2; img++) {
                INDArray x = images.get(NDArrayIndex.interval(img, img + 1)).dup();
                INDArray a = layerOutput(m, k, x);
                long h = a.size(1);
                long w = a.size(2);
                long channels = a.size(3);
                double[] alpha = new double[(int) channels];
                for (long r = 0; r < h; r++) {
                    for (long q = 0; q < w; q++) {
                        for (long c = 0; c < channels; c++) {
                            double orig = a.getDouble(0, r, q, c);
                            a.putScalar(new long[] {0, r, q, c}, orig + H);
                            double plus = logitFrom(m, k, a, classes[img]);
                            a.putScalar(new long[] {0, r, q, c}, orig - H);
                            double minus = logitFrom(m, k, a, classes[img]);
                            a.putScalar(new long[] {0, r, q, c}, orig);
                            alpha[(int) c] += (plus - minus) / (2 * H) / (h * w);
                        }
                    }
                }
                for (int c = 0; c < channels; c++) {
                    assertEquals(alpha[c], cam.channelWeights().getDouble(img, c), 1e-7 * Math.max(1, Math.abs(alpha[c])),
                            "alpha_" + c + " of image " + img + (separate ? " (Activation softmax)" : " (Dense softmax)"));
                }
                // the coarse map is ReLU(sum_k alpha_k A^k) with those weights
                for (long r = 0; r < h; r++) {
                    for (long q = 0; q < w; q++) {
                        double s = 0;
                        for (int c = 0; c < channels; c++) {
                            s += alpha[c] * a.getDouble(0, r, q, c);
                        }
                        assertEquals(Math.max(0, s), cam.coarse().getDouble(img, r, q), 1e-7);
                    }
                }
                assertEquals(logitFrom(m, k, a, classes[img]), cam.scores()[img], 1e-12, "score is the logit");
            }
            double max = cam.maps().maxNumber().doubleValue();
            assertTrue(cam.maps().minNumber().doubleValue() >= 0 && max <= 1 + 1e-12);
        }
    }

    @Test
    void inputGradientMatchesCentralDifferences() {
        Sequential m = model(false);
        INDArray images = random(4, 2, 6, 6, 2);
        int[] classes = {1, 2};
        SaliencyMaps g = Saliency.inputGradient(m, images, classes);
        for (int img = 0; img < 2; img++) {
            INDArray x = images.get(NDArrayIndex.interval(img, img + 1)).dup();
            double maxAbs = 0;
            double[][] magnitude = new double[6][6];
            for (long r = 0; r < 6; r++) {
                for (long q = 0; q < 6; q++) {
                    for (long c = 0; c < 2; c++) {
                        double orig = x.getDouble(0, r, q, c);
                        x.putScalar(new long[] {0, r, q, c}, orig + H);
                        double plus = logitFrom(m, -1, x, classes[img]);
                        x.putScalar(new long[] {0, r, q, c}, orig - H);
                        double minus = logitFrom(m, -1, x, classes[img]);
                        x.putScalar(new long[] {0, r, q, c}, orig);
                        double numeric = (plus - minus) / (2 * H);
                        assertEquals(numeric, g.gradient().getDouble(img, r, q, c), 1e-7, "d score / d x at " + r + "," + q + "," + c);
                        magnitude[(int) r][(int) q] = Math.max(magnitude[(int) r][(int) q], Math.abs(numeric));
                        maxAbs = Math.max(maxAbs, Math.abs(numeric));
                    }
                }
            }
            for (int r = 0; r < 6; r++) {
                for (int q = 0; q < 6; q++) {
                    assertEquals(magnitude[r][q] / maxAbs, g.maps().getDouble(img, r, q), 1e-6);
                }
            }
        }
        assertNull(g.coarse());
        assertEquals("input gradient", g.method());
    }

    @Test
    void effectiveReceptiveFieldMatchesCentralDifferencesAndStaysInsideTheWindow() {
        Sequential m = model(false);
        INDArray images = random(6, 2, 6, 6, 2);
        int k = 4;
        for (int channel : new int[] {2, -1}) {
            EffectiveReceptiveField erf = Saliency.effectiveReceptiveField(m, "conv2d_1", images, 1, 2, channel);
            for (int img = 0; img < 2; img++) {
                INDArray x = images.get(NDArrayIndex.interval(img, img + 1)).dup();
                for (long r = 0; r < 6; r++) {
                    for (long q = 0; q < 6; q++) {
                        for (long c = 0; c < 2; c++) {
                            double orig = x.getDouble(0, r, q, c);
                            x.putScalar(new long[] {0, r, q, c}, orig + H);
                            double plus = cell(layerOutput(m, k, x), channel);
                            x.putScalar(new long[] {0, r, q, c}, orig - H);
                            double minus = cell(layerOutput(m, k, x), channel);
                            x.putScalar(new long[] {0, r, q, c}, orig);
                            double numeric = (plus - minus) / (2 * H);
                            assertEquals(numeric, erf.gradient().getDouble(img, r, q, c), 1e-7);
                            if (!erf.window().contains(r, q)) {
                                assertEquals(0.0, erf.gradient().getDouble(img, r, q, c), 0.0, "outside the theoretical window");
                            }
                        }
                    }
                }
                assertEquals(cell(layerOutput(m, k, x), channel), erf.activations()[img], 1e-12);
            }
        }
    }

    private static double cell(INDArray a, int channel) {
        if (channel >= 0) {
            return a.getDouble(0, 1, 2, channel);
        }
        double s = 0;
        for (long c = 0; c < a.size(3); c++) {
            s += a.getDouble(0, 1, 2, c);
        }
        return s;
    }

    @Test
    void aBatchGivesEachImageItsOwnMap() {
        Sequential m = model(false);
        INDArray images = random(7, 3, 6, 6, 2);
        int[] classes = {0, 2, 1};
        SaliencyMaps batch = Saliency.gradCam(m, images, classes);
        SaliencyMaps grads = Saliency.inputGradient(m, images, classes);
        for (int i = 0; i < 3; i++) {
            INDArray one = images.get(NDArrayIndex.point(i)).dup();   // (H, W, C): one image
            SaliencyMaps single = Saliency.gradCam(m, one, classes[i]);
            assertEquals(1, single.size());
            assertTrue(single.maps().slice(0).equalsWithEps(batch.maps().slice(i), 1e-12), "Grad-CAM map of image " + i);
            assertEquals(single.scores()[0], batch.scores()[i], 1e-12);
            SaliencyMaps g = Saliency.inputGradient(m, one, classes[i]);
            assertTrue(g.gradient().slice(0).equalsWithEps(grads.gradient().slice(i), 1e-12), "input gradient of image " + i);
        }
        assertArrayEquals(classes, batch.classIndices());
        int[] predicted = m.predictClasses(images);
        assertArrayEquals(predicted, batch.predicted());
        SaliencyMaps byPrediction = Saliency.gradCam(m, images);
        assertArrayEquals(predicted, byPrediction.classIndices());
        INDArray p = m.predict(images);
        for (int i = 0; i < 3; i++) {
            assertEquals(p.getDouble(i, classes[i]), batch.probabilities()[i], 1e-12);
        }
    }
}
