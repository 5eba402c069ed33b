package io.convnb.explain;

import io.convnb.layers.Conv2D;
import io.convnb.layers.Layer;
import io.convnb.model.Sequential;
import io.convnb.shape.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Where a trained {@link Sequential} finds the evidence for a class: Grad-CAM and the vanilla input
 * gradient, plus the effective receptive field of one cell. All of them run the model's own layers
 * forward in inference mode (dropout off, batch normalization on its moving statistics) and back
 * through the layers' own backward passes, and leave the model as they found it: weights, parameter
 * gradients, optimizer state and the next {@code fit} are unchanged.
 *
 * <p><b>Grad-CAM</b> (Selvaraju et al., 2017) for class {@code c} and a convolution layer with feature
 * maps {@code A^k} ({@code h x w}, {@code K} channels, after the layer's activation):
 * <pre>
 * alpha_k = (1/(h*w)) * sum_ij  d y^c / d A^k_ij          (one weight per channel)
 * L       = ReLU( sum_k alpha_k * A^k )                    (h x w)
 * </pre>
 * where {@code y^c} is the class score before the final softmax (the logit; after a softmax, a class's
 * probability also rises when the <em>other</em> classes lose evidence). {@code L} is resampled
 * bilinearly to the input size, each layer cell placed at the centre of its receptive field
 * (the receptive-field arithmetic of {@link io.convnb.shape.ReceptiveField}; layers without that arithmetic fall back to a half-pixel image resize), and
 * divided by its maximum so it lies in [0, 1]; an all-zero map stays zero.
 *
 * <p><b>Input gradient</b> (Simonyan et al., 2014): {@code max_channels |d y^c / d x|} per pixel,
 * divided by its maximum.
 *
 * <pre>{@code
 * import io.convnb.explain.*;
 * TrainTest data = Datasets.fashionMnist();
 * var model = new Sequential()
 *     .add(new Conv2D(8, 3, 3).padding("same").activation("relu").inputShape(28, 28, 1))
 *     .add(new MaxPooling2D(2, 2))
 *     .add(new Conv2D(16, 3, 3).padding("same").activation("relu"))
 *     .add(new Flatten())
 *     .add(new Dense(10).activation("softmax"));
 * model.compile("adam", "categorical_crossentropy", "accuracy");
 * model.fit(data.train().take(1000), 1, 64);
 * INDArray images = data.test().take(8).features();
 * SaliencyMaps cam = Saliency.gradCam(model, images, 7).withClassNames(data.test().classNames());
 * INDArray heat = cam.maps();   // -> (8, 28, 28), each map in [0, 1]
 * }</pre>
 */
public final class Saliency {
    /** Images per forward/backward pass; larger batches are processed in parts. */
    static final int CHUNK = 128;

    private Saliency() {
    }

    /** Grad-CAM on the last Conv2D layer for the same class in every image. */
    public static SaliencyMaps gradCam(Sequential model, INDArray images, int classIndex) {
        return gradCam(model, lastConvolution(model), images, classIndex);
    }

    /** Grad-CAM on the last Conv2D layer, one class per image. */
    public static SaliencyMaps gradCam(Sequential model, INDArray images, int[] classIndices) {
        return gradCam(model, lastConvolution(model), images, classIndices);
    }

    /** Grad-CAM on the last Conv2D layer for each image's predicted class. */
    public static SaliencyMaps gradCam(Sequential model, INDArray images) {
        INDArray x = ModelPass.batch(model, images, "Saliency.gradCam");
        return gradCam(model, lastConvolution(model), x, model.predictClasses(x));
    }

    /** Grad-CAM on the named layer (any layer with feature maps (H, W, C)) for one class in every image. */
    public static SaliencyMaps gradCam(Sequential model, String layerName, INDArray images, int classIndex) {
        INDArray x = ModelPass.batch(model, images, "Saliency.gradCam");
        int[] c = new int[(int) x.size(0)];
        Arrays.fill(c, classIndex);
        return gradCam(model, layerName, x, c);
    }

    /** Grad-CAM on the named layer, one class per image. */
    public static SaliencyMaps gradCam(Sequential model, String layerName, INDArray images, int[] classIndices) {
        String who = "Saliency.gradCam";
        INDArray x = ModelPass.batch(model, images, who);
        checkCount(who, x, classIndices);
        int index = featureLayer(model, layerName, who);
        long n = x.size(0);
        long inH = x.size(1);
        long inW = x.size(2);
        double[][] axes = centres(model, index, model.layer(index).outputShape(), inH, inW);
        List<double[][]> maps = new ArrayList<>();
        List<double[][]> coarse = new ArrayList<>();
        List<double[]> weights = new ArrayList<>();
        double[] scores = new double[(int) n];
        double[] probabilities = new double[(int) n];
        int[] predicted = new int[(int) n];
        for (long from = 0; from < n; from += CHUNK) {
            long to = Math.min(n, from + CHUNK);
            int[] classes = Arrays.copyOfRange(classIndices, (int) from, (int) to);
            try (var ws = ModelPass.workspace(); ModelPass pass = ModelPass.forward(model, rows(x, from, to))) {
                ModelPass.Head head = pass.head(classes, who);
                INDArray dA = pass.backward(head.from(), head.grad(), index).castTo(DataType.DOUBLE);
                INDArray a = pass.output(index).castTo(DataType.DOUBLE);
                scores(head, classes, scores, probabilities, predicted, (int) from);
                int h = (int) a.size(1);
                int w = (int) a.size(2);
                int k = (int) a.size(3);
                double[] av = a.dup('c').data().asDouble();
                double[] gv = dA.dup('c').data().asDouble();
                for (int i = 0; i < to - from; i++) {
                    double[] alpha = new double[k];
                    int base = i * h * w * k;
                    for (int p = 0; p < h * w; p++) {
                        for (int c = 0; c < k; c++) {
                            alpha[c] += gv[base + p * k + c];
                        }
                    }
                    for (int c = 0; c < k; c++) {
                        alpha[c] /= h * w;
                    }
                    double[][] cam = new double[h][w];
                    for (int r = 0; r < h; r++) {
                        for (int q = 0; q < w; q++) {
                            double s = 0;
                            int at = base + (r * w + q) * k;
                            for (int c = 0; c < k; c++) {
                                s += alpha[c] * av[at + c];
                            }
                            cam[r][q] = Math.max(0, s);
                        }
                    }
                    weights.add(alpha);
                    coarse.add(cam);
                    maps.add(scaleToUnit(Upsample.bilinear(cam, inH, inW, axes[0], axes[1])));
                }
            }
        }
        return new SaliencyMaps("Grad-CAM", model.layer(index).name(), x, stack(maps), classIndices.clone(), scores, probabilities,
                predicted, stack(coarse), Nd4j.create(weights.toArray(new double[0][])), null, null);
    }

    /** The input gradient (vanilla saliency) for the same class in every image. */
    public static SaliencyMaps inputGradient(Sequential model, INDArray images, int classIndex) {
        INDArray x = ModelPass.batch(model, images, "Saliency.inputGradient");
        int[] c = new int[(int) x.size(0)];
        Arrays.fill(c, classIndex);
        return inputGradient(model, x, c);
    }

    /** The input gradient for each image's predicted class. */
    public static SaliencyMaps inputGradient(Sequential model, INDArray images) {
        INDArray x = ModelPass.batch(model, images, "Saliency.inputGradient");
        return inputGradient(model, x, model.predictClasses(x));
    }

    /**
     * The input gradient, one class per image: {@code gradient()} holds {@code d y^c / d x}, {@code maps()}
     * {@code max_channels |d y^c / d x|} divided by its maximum.
     */
    public static SaliencyMaps inputGradient(Sequential model, INDArray images, int[] classIndices) {
        String who = "Saliency.inputGradient";
        INDArray x = ModelPass.batch(model, images, who);
        checkCount(who, x, classIndices);
        long n = x.size(0);
        double[] scores = new double[(int) n];
        double[] probabilities = new double[(int) n];
        int[] predicted = new int[(int) n];
        List<INDArray> grads = new ArrayList<>();
        for (long from = 0; from < n; from += CHUNK) {
            long to = Math.min(n, from + CHUNK);
            int[] classes = Arrays.copyOfRange(classIndices, (int) from, (int) to);
            try (var ws = ModelPass.workspace(); ModelPass pass = ModelPass.forward(model, rows(x, from, to))) {
                ModelPass.Head head = pass.head(classes, who);
                grads.add(pass.backward(head.from(), head.grad(), -1).dup('c').detach());
                scores(head, classes, scores, probabilities, predicted, (int) from);
            }
        }
        INDArray gradient = grads.size() == 1 ? grads.get(0) : Nd4j.concat(0, grads.toArray(new INDArray[0]));
        INDArray magnitude = maxAbsOverChannels(gradient);
        List<double[][]> maps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            maps.add(scaleToUnit(magnitude.slice(i).toDoubleMatrix()));
        }
        return new SaliencyMaps("input gradient", "input", x, stack(maps), classIndices.clone(), scores, probabilities, predicted,
                null, null, gradient, null);
    }

    /**
     * The effective receptive field of output cell {@code (row, col)}, channel {@code channel}, of the
     * named layer: {@code d a / d x} for that one activation {@code a}, per image. The theoretical
     * receptive field bounds where it can be non-zero; inside it the weight usually concentrates near
     * the centre (Luo et al., 2016). A cell whose activation is switched off (ReLU output 0) has a
     * zero gradient everywhere.
     */
    public static EffectiveReceptiveField effectiveReceptiveField(Sequential model, String layerName, INDArray images,
                                                                  int row, int col, int channel) {
        return erf(model, layerName, images, row, col, channel);
    }

    /** As {@link #effectiveReceptiveField(Sequential, String, INDArray, int, int, int)} for the sum over all channels of the cell. */
    public static EffectiveReceptiveField effectiveReceptiveField(Sequential model, String layerName, INDArray images, int row, int col) {
        return erf(model, layerName, images, row, col, -1);
    }

    private static EffectiveReceptiveField erf(Sequential model, String layerName, INDArray images, int row, int col, int channel) {
        String who = "Saliency.effectiveReceptiveField";
        INDArray x = ModelPass.batch(model, images, who);
        int index = featureLayer(model, layerName, who);
        long[] out = model.layer(index).outputShape();
        if (row < 0 || row >= out[0] || col < 0 || col >= out[1]) {
            throw new IllegalArgumentException(who + ": layer '" + layerName + "' outputs " + out[0] + " x " + out[1]
                    + " cells; cell (" + row + ", " + col + ") does not exist. Use a row in 0.." + (out[0] - 1) + " and a column in 0.." + (out[1] - 1) + ".");
        }
        if (channel < -1 || channel >= out[2]) {
            throw new IllegalArgumentException(who + ": layer '" + layerName + "' has " + out[2] + " channels; channel " + channel
                    + " does not exist. Use 0.." + (out[2] - 1) + ", or leave it out to sum over all channels.");
        }
        List<INDArray> grads = new ArrayList<>();
        List<Double> activations = new ArrayList<>();
        for (long from = 0; from < x.size(0); from += CHUNK) {
            long to = Math.min(x.size(0), from + CHUNK);
            try (var ws = ModelPass.workspace(); ModelPass pass = ModelPass.forward(model, rows(x, from, to))) {
                INDArray a = pass.output(index);
                INDArray seed = Nd4j.zeros(a.dataType(), a.shape());
                INDArray cell = seed.get(NDArrayIndex.all(), NDArrayIndex.point(row), NDArrayIndex.point(col),
                        channel < 0 ? NDArrayIndex.all() : NDArrayIndex.point(channel));
                cell.assign(1.0);
                INDArray value = a.get(NDArrayIndex.all(), NDArrayIndex.point(row), NDArrayIndex.point(col),
                        channel < 0 ? NDArrayIndex.all() : NDArrayIndex.point(channel)).castTo(DataType.DOUBLE);
                double[] v = (channel < 0 ? value.sum(1) : value).reshape(to - from).toDoubleVector();
                for (double d : v) {
                    activations.add(d);
                }
                grads.add(pass.backward(index, seed, -1).dup('c').detach());
            }
        }
        INDArray gradient = grads.size() == 1 ? grads.get(0) : Nd4j.concat(0, grads.toArray(new INDArray[0]));
        InputWindow window;
        try {
            window = CellWindows.build(model, index, who).window(row, col);
        } catch (IllegalArgumentException e) {
            window = null;
        }
        return new EffectiveReceptiveField(model.layer(index).name(), row, col, channel, x, gradient,
                maxAbsOverChannels(gradient), activations.stream().mapToDouble(Double::doubleValue).toArray(), window);
    }

    // ---- shared helpers ----

    /** Name of the last Conv2D layer, the usual Grad-CAM layer. */
    static String lastConvolution(Sequential model) {
        List<Layer> layers = model.layers();
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (layers.get(i) instanceof Conv2D) {
                return layers.get(i).name();
            }
        }
        throw new IllegalArgumentException("Saliency.gradCam: Sequential '" + model.name() + "' has no Conv2D layer (layers "
                + layers.stream().map(l -> l.name() + " (" + l.typeName() + ")").toList()
                + "); Grad-CAM needs convolutional feature maps. Name another layer with (H, W, C) outputs, or use Saliency.inputGradient.");
    }

    /** Index of a layer whose output is a feature map (H, W, C) and that lies below the model's output. */
    static int featureLayer(Sequential model, String layerName, String who) {
        Layer layer = model.layer(layerName);
        int index = model.layers().indexOf(layer);
        long[] out = layer.outputShape();
        if (out == null || out.length != 3) {
            throw new IllegalArgumentException(who + ": layer '" + layerName + "' (" + layer.typeName() + ") outputs "
                    + (out == null ? "nothing yet" : Shapes.formatBatch(out)) + ", not feature maps (None, H, W, C); choose a convolution or pooling layer.");
        }
        String format = (String) layer.getConfig().get("data_format");
        if (format != null && !format.equals("channels_last")) {
            throw new IllegalArgumentException(who + ": layer '" + layerName + "' uses data_format=\"" + format
                    + "\"; saliency supports channels_last (N, H, W, C) layers only.");
        }
        return index;
    }

    private static void checkCount(String who, INDArray x, int[] classIndices) {
        if (classIndices == null || classIndices.length != x.size(0)) {
            throw new IllegalArgumentException(who + ": " + x.size(0) + " image" + (x.size(0) == 1 ? "" : "s") + " but "
                    + (classIndices == null ? "no" : Integer.toString(classIndices.length)) + " class indices; give one class index per image, or one int for all.");
        }
    }

    /** Where the layer's cell centres sit on the input, per axis {offset, step}. */
    private static double[][] centres(Sequential model, int index, long[] out, long inH, long inW) {
        try {
            CellWindows g = CellWindows.build(model, index, "Saliency");
            var h = g.heightRows().get(g.heightRows().size() - 1);
            var w = g.widthRows().get(g.widthRows().size() - 1);
            return new double[][] {{h.firstCenter(), h.jump()}, {w.firstCenter(), w.jump()}};
        } catch (IllegalArgumentException e) {
            return new double[][] {Upsample.halfPixel(out[0], inH), Upsample.halfPixel(out[1], inW)};
        }
    }

    private static INDArray rows(INDArray x, long from, long to) {
        return from == 0 && to == x.size(0) ? x : x.get(NDArrayIndex.interval(from, to)).dup('c');
    }

    private static void scores(ModelPass.Head head, int[] classes, double[] scores, double[] probabilities, int[] predicted, int offset) {
        INDArray logits = head.logits().castTo(DataType.DOUBLE);
        INDArray best = (head.probabilities() != null ? head.probabilities() : head.logits()).argMax(1);
        for (int i = 0; i < classes.length; i++) {
            scores[offset + i] = logits.getDouble(i, classes[i]);
            probabilities[offset + i] = head.probabilities() == null ? Double.NaN : head.probabilities().getDouble(i, classes[i]);
            predicted[offset + i] = best.getInt(i);
        }
    }

    /** Divides by the maximum; a map without a positive value stays as it is (zero). */
    static double[][] scaleToUnit(double[][] m) {
        double max = 0;
        for (double[] row : m) {
            for (double v : row) {
                max = Math.max(max, v);
            }
        }
        if (max > 0) {
            for (double[] row : m) {
                for (int j = 0; j < row.length; j++) {
                    row[j] /= max;
                }
            }
        }
        return m;
    }

    static INDArray maxAbsOverChannels(INDArray g) {
        return org.nd4j.linalg.ops.transforms.Transforms.abs(g.castTo(DataType.DOUBLE), true).max(3);
    }

    private static INDArray stack(List<double[][]> maps) {
        int n = maps.size();
        int h = maps.get(0).length;
        int w = maps.get(0)[0].length;
        double[] flat = new double[n * h * w];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < h; r++) {
                System.arraycopy(maps.get(i)[r], 0, flat, (i * h + r) * w, w);
            }
        }
        return Nd4j.create(flat, new long[] {n, h, w}, DataType.DOUBLE);
    }
}
