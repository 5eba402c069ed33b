package io.convnb.ext;

import io.convnb.data.Dataset;
import io.convnb.display.Figure;
import io.convnb.display.SaliencyFigures;
import io.convnb.explain.EffectiveReceptiveField;
import io.convnb.explain.FilterPatches;
import io.convnb.explain.InputWindow;
import io.convnb.explain.Saliency;
import io.convnb.explain.SaliencyMaps;
import io.convnb.layers.Layer;
import io.convnb.model.Sequential;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Pictures of the engine's {@code io.convnb.explain} results, and two figures that compute as well:
 * Grad-CAM for several classes side by side, and the growth of the effective receptive field layer by
 * layer. A {@link SaliencyMaps}, {@link FilterPatches} or {@link EffectiveReceptiveField} as a cell's
 * last expression (or in {@code display(...)}) renders as a PNG with a {@code text/plain} fallback.
 *
 * <pre>{@code
 * import io.convnb.explain.*;
 * import io.convnb.ext.Explain;
 * TrainTest data = Datasets.fashionMnist();
 * var model = new Sequential()
 *     .add(new Conv2D(8, 3, 3).padding("same").activation("relu").inputShape(28, 28, 1))
 *     .add(new MaxPooling2D(2, 2))
 *     .add(new Conv2D(16, 3, 3).padding("same").activation("relu"))
 *     .add(new Flatten())
 *     .add(new Dense(10).activation("softmax"));
 * model.compile("adam", "categorical_crossentropy", "accuracy");
 * model.fit(data.train().take(1000), 1, 64);
 * INDArray images = data.test().take(4).features();
 * // in a notebook each of these renders as a PNG when it is a cell's last expression or passed to display(...)
 * var overlays = Saliency.gradCam(model, images, 7).withClassNames(data.test().classNames());
 * var sneakerVsBoot = Explain.gradCamByClass(model, data.test().take(4), 7, 9);
 * var growth = Explain.receptiveFieldGrowth(model, images);   // centre cell of each conv layer
 * }</pre>
 */
public final class Explain {
    private Explain() {
    }

    /** Registers the displays of the explain results. */
    public static void registerAll(Renderer renderer) {
        renderer.createRegistration(SaliencyMaps.class)
                .preferring(MIMEType.IMAGE_PNG).supporting(MIMEType.TEXT_PLAIN)
                .register((m, ctx) -> render(figure(m), ctx));
        renderer.createRegistration(FilterPatches.class)
                .preferring(MIMEType.IMAGE_PNG).supporting(MIMEType.TEXT_PLAIN)
                .register((p, ctx) -> render(figure(p), ctx));
        renderer.createRegistration(EffectiveReceptiveField.class)
                .preferring(MIMEType.IMAGE_PNG).supporting(MIMEType.TEXT_PLAIN)
                .register((e, ctx) -> render(figure(e), ctx));
    }

    private static void render(Figure f, io.github.spencerpark.jupyter.kernel.display.RenderContext ctx) {
        ctx.renderIfRequested(MIMEType.IMAGE_PNG, f::base64);
        ctx.renderIfRequested(MIMEType.TEXT_PLAIN, f::text);
    }

    /** Each image beside its map; captions give the class, its logit and probability, and the prediction when it differs. */
    public static Figure figure(SaliencyMaps m) {
        List<String> captions = new ArrayList<>();
        for (int i = 0; i < m.size(); i++) {
            captions.add(caption(m, i, true));
        }
        String title = m.method().equals("Grad-CAM") ? "Grad-CAM on layer '" + m.layerName() + "'" : "Input gradient (max |d score / d pixel| over channels)";
        return SaliencyFigures.overlays(m.images(), m.maps(), captions, title);
    }

    private static String caption(SaliencyMaps m, int i, boolean withName) {
        int c = m.classIndices()[i];
        String pred = m.predicted()[i] != c ? "\npredicted " + m.className(m.predicted()[i]) : "";
        return (withName ? m.className(c) + "\n" : "") + score(m, i) + pred;
    }

    /** {@code logit 7.31, p 0.97}: the differentiated score and, after a softmax or sigmoid, the probability. */
    private static String score(SaliencyMaps m, int i) {
        double p = m.probabilities()[i];
        return String.format(Locale.ROOT, "logit %.2f", m.scores()[i]) + (Double.isNaN(p) ? "" : String.format(Locale.ROOT, ", p %.2f", p));
    }

    /**
     * Grad-CAM on the last convolution layer for each of the given classes, one row per image (its true
     * label above it), one column per class.
     */
    public static Figure gradCamByClass(Sequential model, Dataset images, int... classes) {
        return gradCamByClass(model, images.features(), images.labelIndices(), images.classNames(), classes);
    }

    /**
     * As {@link #gradCamByClass(Sequential, Dataset, int...)} for a batch of images with their true labels
     * ({@code null} when unknown) and class names ({@code null} for numbers).
     */
    public static Figure gradCamByClass(Sequential model, INDArray images, int[] labels, List<String> classNames, int... classes) {
        if (classes.length == 0) {
            throw new IllegalArgumentException("Explain.gradCamByClass: name at least one class, e.g. gradCamByClass(model, images, 7, 9).");
        }
        List<INDArray> maps = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        List<List<String>> captions = new ArrayList<>();
        SaliencyMaps first = null;
        for (int c : classes) {
            SaliencyMaps m = Saliency.gradCam(model, images, c).withClassNames(classNames);
            first = first == null ? m : first;
            maps.add(m.maps());
            titles.add(m.className(c));
            List<String> caps = new ArrayList<>();
            for (int i = 0; i < m.size(); i++) {
                caps.add(score(m, i));
            }
            captions.add(caps);
        }
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            String truth = labels == null ? "image " + i : "true: " + first.className(labels[i]);
            rows.add(truth + "\npredicted: " + first.className(first.predicted()[i]));
        }
        return SaliencyFigures.byClass(first.images(), maps, titles, rows, captions,
                "Grad-CAM on layer '" + first.layerName() + "' for " + String.join(", ", titles));
    }

    /** The top patches per filter, one row per filter, each patch captioned with its activation. */
    public static Figure figure(FilterPatches p) {
        return figure(p, p.filters());
    }

    /** As {@link #figure(FilterPatches)} for the first {@code filters} filters only. */
    public static Figure figure(FilterPatches p, int filters) {
        if (filters < 1) {
            throw new IllegalArgumentException("Explain.figure: show at least one filter, got " + filters + ".");
        }
        List<List<INDArray>> patches = new ArrayList<>();
        List<List<long[]>> origins = new ArrayList<>();
        List<List<String>> captions = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int f = 0; f < Math.min(filters, p.filters()); f++) {
            List<INDArray> row = new ArrayList<>();
            List<long[]> o = new ArrayList<>();
            List<String> caps = new ArrayList<>();
            for (FilterPatches.Patch patch : p.patches(f)) {
                row.add(patch.pixels());
                o.add(new long[] {patch.window().top(), patch.window().left()});
                caps.add(String.format(Locale.ROOT, "%.2f", patch.activation()));
            }
            patches.add(row);
            origins.add(o);
            captions.add(caps);
            labels.add("filter " + f);
        }
        FilterPatches.Patch any = p.patches(0).get(0);
        String shown = filters < p.filters() ? "filters 0-" + (filters - 1) + " of " + p.filters() + "; " : "";
        String note = shown + String.format(Locale.ROOT, "the %d of %d images whose strongest activation is highest, one patch per image, strongest first;"
                + " each patch is the %dx%d receptive field, captioned with the activation", p.patches(0).size(), p.images(),
                any.window().height(), any.window().width());
        return SaliencyFigures.patches(patches, origins, p.imageSize(), labels, captions,
                "What drives the filters of '" + p.layerName() + "'", note);
    }

    /** The effective receptive field of the first image (or of the mean over the images when there are several). */
    public static Figure figure(EffectiveReceptiveField e) {
        INDArray image = e.images().get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
        InputWindow w = e.window();
        String cell = e.layerName() + " (" + e.row() + ", " + e.col() + ")" + (e.channel() < 0 ? "" : " ch " + e.channel());
        String title = "Effective receptive field of cell " + cell + (e.size() > 1 ? ", mean over " + e.size() + " images" : "");
        return SaliencyFigures.receptiveFields(image, List.of(e.size() > 1 ? e.mean() : e.magnitude().slice(0)),
                w == null ? null : List.<long[]>of(box(w)), List.of(cell + (w == null ? "" : "\nwindow " + w.height() + "x" + w.width())), title);
    }

    /**
     * The effective receptive field of the centre cell of each layer with feature maps (all channels
     * summed), from the first layer to the last, for one image: how far one cell sees, layer by layer.
     *
     * @param image one image (H, W, C) or a batch (N, H, W, C), whose maps are averaged
     * @param layers the layers to show; none: every Conv2D and pooling layer of the model
     */
    public static Figure receptiveFieldGrowth(Sequential model, INDArray image, String... layers) {
        List<String> names = new ArrayList<>(List.of(layers));
        if (names.isEmpty()) {
            for (Layer l : model.layers()) {
                long[] out = l.outputShape();
                if (out == null || out.length != 3) {
                    break;
                }
                if (l instanceof io.convnb.layers.Conv2D || l instanceof io.convnb.layers.Pooling2D) {
                    names.add(l.name());
                }
            }
        }
        List<INDArray> maps = new ArrayList<>();
        List<long[]> boxes = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        INDArray first = null;
        for (String name : names) {
            long[] out = model.layer(name).outputShape();
            int row = (int) (out[0] - 1) / 2;
            int col = (int) (out[1] - 1) / 2;
            EffectiveReceptiveField e = Saliency.effectiveReceptiveField(model, name, image, row, col);
            first = first == null ? e.images().get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()) : first;
            maps.add(e.size() > 1 ? e.mean() : e.magnitude().slice(0));
            boxes.add(e.window() == null ? null : box(e.window()));
            titles.add(name + " (" + row + ", " + col + ")" + (e.window() == null ? "" : "\nwindow " + e.window().height() + "x" + e.window().width()));
        }
        if (first == null) {
            throw new IllegalArgumentException("Explain.receptiveFieldGrowth: Sequential '" + model.name() + "' has no Conv2D or pooling layer to show.");
        }
        return SaliencyFigures.receptiveFields(first, maps, boxes, titles, "How far one cell sees, layer by layer (centre cell, all channels)");
    }

    private static long[] box(InputWindow w) {
        return new long[] {w.top(), w.left(), w.bottom(), w.right()};
    }
}
