package io.convnb.explain;

import io.convnb.data.Dataset;
import io.convnb.model.Sequential;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * What the filters of a convolution layer respond to: for each filter, the {@code k} input patches of
 * a data set that activate it most (Zeiler and Fergus, 2014). Each image contributes at most one
 * patch per filter, at the position of its strongest activation (so one image with a long edge does
 * not fill a whole row with near-copies), and a patch is exactly the receptive field of that output
 * cell (from {@link io.convnb.shape.ReceptiveField}'s arithmetic); where the window reaches into the padding, the patch holds zeros, as
 * the layer saw them, and {@link Patch#window()} says which cells those are.
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
 * FilterPatches top = FilterPatches.topK(model, "conv2d", data.test().take(500), 9);
 * // the 9 patches that drive filter 3 hardest, strongest first:
 * top.patches(3).size()    // -> 9
 * }</pre>
 */
public final class FilterPatches {
    private final String layerName;
    private final int k;
    private final long[] imageSize;
    private final List<List<Patch>> byFilter;
    private final int images;

    /**
     * One patch.
     *
     * @param image      index of the image in the data set
     * @param row        row of the output cell in the layer's output
     * @param col        column of the output cell
     * @param activation the filter's activation there
     * @param window     the input pixels the cell sees (may reach into the padding)
     * @param pixels     the patch, (window height, window width, C), zeros outside the image
     */
    public record Patch(int image, int row, int col, double activation, InputWindow window, INDArray pixels) {
    }

    private FilterPatches(String layerName, int k, long[] imageSize, List<List<Patch>> byFilter, int images) {
        this.layerName = layerName;
        this.k = k;
        this.imageSize = imageSize;
        this.byFilter = byFilter;
        this.images = images;
    }

    /** The top {@code k} patches per filter of the named layer over a data set's images. */
    public static FilterPatches topK(Sequential model, String layerName, Dataset data, int k) {
        return topK(model, layerName, data.features(), k);
    }

    /**
     * The top {@code k} patches per filter of the named layer over a batch of images {@code (N, H, W, C)}.
     *
     * @throws IllegalArgumentException when the layer has no feature maps or no receptive-field arithmetic,
     *                                  or {@code k < 1}
     */
    public static FilterPatches topK(Sequential model, String layerName, INDArray images, int k) {
        String who = "FilterPatches.topK";
        if (k < 1) {
            throw new IllegalArgumentException(who + ": k must be at least 1, got " + k + ".");
        }
        INDArray x = ModelPass.batch(model, images, who);
        int index = Saliency.featureLayer(model, layerName, who);
        CellWindows geometry = CellWindows.build(model, index, who);
        int filters = (int) model.layer(index).outputShape()[2];
        List<PriorityQueue<Candidate>> best = new ArrayList<>();
        for (int f = 0; f < filters; f++) {
            best.add(new PriorityQueue<>(Comparator.comparingDouble(Candidate::value).thenComparing(Candidate::image, Comparator.reverseOrder())));
        }
        long n = x.size(0);
        for (long from = 0; from < n; from += 256) {
            long to = Math.min(n, from + 256);
            int h;
            int w;
            double[] v;
            try (var ws = ModelPass.workspace(); ModelPass pass = ModelPass.forward(model, x.get(NDArrayIndex.interval(from, to)).dup('c'), index)) {
                INDArray a = pass.output(index).castTo(DataType.DOUBLE).dup('c');
                h = (int) a.size(1);
                w = (int) a.size(2);
                v = a.data().asDouble();
            }
            for (int i = 0; i < to - from; i++) {
                for (int f = 0; f < filters; f++) {
                    int bestAt = 0;
                    double bestValue = Double.NEGATIVE_INFINITY;
                    for (int p = 0; p < h * w; p++) {
                        double value = v[((i * h * w) + p) * filters + f];
                        if (value > bestValue) {
                            bestValue = value;
                            bestAt = p;
                        }
                    }
                    PriorityQueue<Candidate> q = best.get(f);
                    q.add(new Candidate((int) (from + i), bestAt / w, bestAt % w, bestValue));
                    if (q.size() > k) {
                        q.poll();
                    }
                }
            }
        }
        List<List<Patch>> byFilter = new ArrayList<>();
        for (int f = 0; f < filters; f++) {
            List<Candidate> sorted = new ArrayList<>(best.get(f));
            sorted.sort(Comparator.comparingDouble(Candidate::value).reversed().thenComparingInt(Candidate::image));
            List<Patch> patches = new ArrayList<>();
            for (Candidate c : sorted) {
                InputWindow win = geometry.window(c.row(), c.col());
                patches.add(new Patch(c.image(), c.row(), c.col(), c.value(), win, crop(x, c.image(), win)));
            }
            byFilter.add(Collections.unmodifiableList(patches));
        }
        return new FilterPatches(model.layer(index).name(), k, new long[] {x.size(1), x.size(2)}, byFilter, (int) n);
    }

    private record Candidate(int image, int row, int col, double value) {
    }

    /** The window's pixels of one image, zeros where it reaches outside. */
    static INDArray crop(INDArray x, int image, InputWindow win) {
        long h = x.size(1);
        long w = x.size(2);
        long c = x.size(3);
        INDArray patch = Nd4j.zeros(DataType.DOUBLE, win.height(), win.width(), c);
        long top = Math.max(0, win.top());
        long left = Math.max(0, win.left());
        long bottom = Math.min(h - 1, win.bottom());
        long right = Math.min(w - 1, win.right());
        if (top <= bottom && left <= right) {
            INDArray src = x.get(NDArrayIndex.point(image), NDArrayIndex.interval(top, bottom + 1), NDArrayIndex.interval(left, right + 1), NDArrayIndex.all());
            patch.get(NDArrayIndex.interval(top - win.top(), bottom - win.top() + 1), NDArrayIndex.interval(left - win.left(), right - win.left() + 1), NDArrayIndex.all())
                    .assign(src.castTo(DataType.DOUBLE));
        }
        return patch;
    }

    /** The layer. */
    public String layerName() {
        return layerName;
    }

    /** Number of filters. */
    public int filters() {
        return byFilter.size();
    }

    /** Patches per filter asked for (a data set with fewer images gives fewer). */
    public int k() {
        return k;
    }

    /** Input image height and width, to tell padding from pixels in a patch. */
    public long[] imageSize() {
        return imageSize.clone();
    }

    /** Number of images searched. */
    public int images() {
        return images;
    }

    /** The patches of filter {@code f}, strongest first. */
    public List<Patch> patches(int f) {
        if (f < 0 || f >= byFilter.size()) {
            throw new IllegalArgumentException("FilterPatches: layer '" + layerName + "' has " + byFilter.size() + " filters; filter "
                    + f + " does not exist. Use 0.." + (byFilter.size() - 1) + ".");
        }
        return byFilter.get(f);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "top %d input patches per filter of '%s' over %d images (%d filters)",
                k, layerName, images, filters()));
        for (int f = 0; f < filters(); f++) {
            sb.append(String.format(Locale.ROOT, "%n  filter %d:", f));
            for (Patch p : byFilter.get(f)) {
                sb.append(String.format(Locale.ROOT, " #%d@(%d,%d)=%.3g", p.image(), p.row(), p.col(), p.activation()));
            }
        }
        return sb.toString();
    }
}
