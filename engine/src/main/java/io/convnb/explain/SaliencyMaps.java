package io.convnb.explain;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Saliency maps of a batch of images, one per image, for one class each, from
 * {@link Saliency#gradCam} or {@link Saliency#inputGradient}.
 *
 * <p>{@link #maps()} holds values in [0, 1] at the input's resolution: each image's map is divided by
 * its own maximum, so 1 marks where that image's evidence is strongest; an image whose map is zero
 * everywhere keeps an all-zero map (Grad-CAM: no positive evidence for the class in that layer).
 */
public final class SaliencyMaps {
    private final String method;
    private final String layerName;
    private final INDArray images;
    private final INDArray maps;
    private final int[] classIndices;
    private final double[] scores;
    private final double[] probabilities;
    private final int[] predicted;
    private final INDArray coarse;
    private final INDArray channelWeights;
    private final INDArray gradient;
    private final List<String> classNames;

    SaliencyMaps(String method, String layerName, INDArray images, INDArray maps, int[] classIndices, double[] scores,
                 double[] probabilities, int[] predicted, INDArray coarse, INDArray channelWeights, INDArray gradient,
                 List<String> classNames) {
        this.method = method;
        this.layerName = layerName;
        this.images = images;
        this.maps = maps;
        this.classIndices = classIndices;
        this.scores = scores;
        this.probabilities = probabilities;
        this.predicted = predicted;
        this.coarse = coarse;
        this.channelWeights = channelWeights;
        this.gradient = gradient;
        this.classNames = classNames;
    }

    /** The same maps with class names for captions (e.g. {@code data.test().classNames()} for {@code Datasets.fashionMnist()}). */
    public SaliencyMaps withClassNames(List<String> names) {
        return new SaliencyMaps(method, layerName, images, maps, classIndices, scores, probabilities, predicted, coarse,
                channelWeights, gradient, names == null ? null : List.copyOf(names));
    }

    /** {@code "Grad-CAM"} or {@code "input gradient"}. */
    public String method() {
        return method;
    }

    /** The layer whose feature maps Grad-CAM used; {@code "input"} for the input gradient. */
    public String layerName() {
        return layerName;
    }

    /** The images, {@code (N, H, W, C)}, as the model saw them. */
    public INDArray images() {
        return images;
    }

    /** The maps, {@code (N, H, W)}, each scaled to [0, 1]. */
    public INDArray maps() {
        return maps;
    }

    /** The map of image {@code i}, {@code (H, W)}. */
    public INDArray map(int i) {
        return maps.slice(i);
    }

    /** Number of images. */
    public int size() {
        return classIndices.length;
    }

    /** The class each map explains, per image. */
    public int[] classIndices() {
        return classIndices.clone();
    }

    /** The differentiated class score (the logit before a final softmax or sigmoid), per image. */
    public double[] scores() {
        return scores.clone();
    }

    /** The model's probability for the explained class per image, or NaN without a final softmax or sigmoid. */
    public double[] probabilities() {
        return probabilities.clone();
    }

    /** The model's predicted class (highest output) per image. */
    public int[] predicted() {
        return predicted.clone();
    }

    /** Grad-CAM only: {@code ReLU(sum_k alpha_k A^k)} at the layer's resolution, (N, h, w), not scaled; else null. */
    public INDArray coarse() {
        return coarse;
    }

    /** Grad-CAM only: the channel weights {@code alpha_k}, (N, K); else null. */
    public INDArray channelWeights() {
        return channelWeights;
    }

    /** Input gradient only: the raw gradient of the score, (N, H, W, C); else null. */
    public INDArray gradient() {
        return gradient;
    }

    /** Class names, or null when none were given. */
    public List<String> classNames() {
        return classNames;
    }

    /** Name of class {@code c}: from {@link #classNames()}, else {@code "class c"}. */
    public String className(int c) {
        return classNames != null && c >= 0 && c < classNames.size() ? classNames.get(c) : "class " + c;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(method + (method.equals("Grad-CAM") ? " on layer '" + layerName + "'" : "")
                + ", " + size() + " image" + (size() == 1 ? "" : "s") + ", maps " + maps.size(1) + "x" + maps.size(2) + " in [0, 1]");
        for (int i = 0; i < size(); i++) {
            sb.append(String.format(java.util.Locale.ROOT, "%n  image %d: %s, score %.4g%s, predicted %s", i, className(classIndices[i]), scores[i],
                    Double.isNaN(probabilities[i]) ? "" : String.format(java.util.Locale.ROOT, ", probability %.3f", probabilities[i]),
                    className(predicted[i])));
        }
        return sb.toString();
    }
}
