package io.convnb.ext;

import io.convnb.data.Dataset;
import io.convnb.display.Charts;
import io.convnb.display.DisplayOptions;
import io.convnb.display.Figure;
import io.convnb.display.Heatmap;
import io.convnb.display.SampleGrid;
import io.convnb.model.History;
import io.convnb.model.Sequential;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Helpers for notebook cells, imported with {@code import static io.convnb.ext.Notebook.*;}. They work in
 * convnb's kernel and in IJava alike (IJava's own {@code display} is left alone: this class says
 * {@code show}).
 */
public final class Notebook {
    private static volatile BaseKernel kernel;

    private Notebook() {
    }

    static void attach(BaseKernel k) {
        kernel = k;
    }

    /**
     * Displays a value with its richest registered form (PNG, HTML) and a text fallback; outside a
     * notebook prints its text form.
     */
    public static void show(Object value) {
        BaseKernel k = kernel;
        if (k == null || !k.getIO().display.isAttached()) {
            System.out.println(value);
            return;
        }
        DisplayData data = k.getRenderer().render(value);
        k.display(data);
    }

    /**
     * Shows an array as a picture: a heatmap with a colour bar for 1-D/2-D arrays, a grid of channel
     * heatmaps for {@code (H, W, C)} and for the first image of {@code (N, H, W, C)}. (A bare array as a
     * cell's last expression shows as a table instead.)
     */
    public static void show(INDArray array) {
        show((Object) Heatmap.of(array, DisplayOptions.global()));
    }

    /** True when notebooks run in quick mode (environment variable {@code CONVNB_QUICK}, set by CI). */
    public static boolean quick() {
        String v = System.getenv("CONVNB_QUICK");
        return v != null && !v.isBlank() && !v.equals("0");
    }

    /** Prints a check mark for a true condition; fails the cell otherwise. */
    public static void check(String what, boolean ok) {
        if (!ok) {
            throw new AssertionError("check failed: " + what);
        }
        System.out.println("\u2714 " + what);
    }

    /** Compares an exercise answer with the engine's value and explains a wrong answer. */
    public static void check(String exercise, long yours, long expected) {
        if (yours != expected) {
            throw new AssertionError(String.format(Locale.ROOT, "%s: your answer %d, the engine says %d. "
                    + "Work it through the formula out = floor((in + pad_before + pad_after - d*(k-1) - 1)/s) + 1.", exercise, yours, expected));
        }
        System.out.println("\u2714 " + exercise + ": " + yours);
    }

    /** The first {@code n} images of a data set with their labels, as a grid. */
    public static Figure samples(Dataset data, int n) {
        Dataset head = data.take(Math.min(n, data.size()));
        return SampleGrid.of(head.features(), head.labelIndices(), head.classNames());
    }

    /** The first {@code n} images with true and predicted labels; wrong predictions are marked. */
    public static Figure predictions(Sequential model, Dataset data, int n) {
        Dataset head = data.take(Math.min(n, data.size()));
        return SampleGrid.of(head.features(), head.labelIndices(), model.predictClasses(head.features()), head.classNames());
    }

    /** One metric of several training runs on one chart, e.g. the validation loss of each remedy. */
    public static Figure compareCurves(Map<String, History> runs, String metric) {
        Map<String, double[]> series = new LinkedHashMap<>();
        for (Map.Entry<String, History> e : runs.entrySet()) {
            List<Double> v = e.getValue().metric(metric);
            series.put(e.getKey(), v.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return Charts.lines(metric + " by epoch, one line per run", "epoch", "", series, true);
    }

    /** The first {@code n} sequences of a 1-D data set {@code (N, steps, 1)}, one line each, labelled. */
    public static Figure signals(Dataset data, int n) {
        Map<String, double[]> series = new LinkedHashMap<>();
        int count = Math.min(n, data.size());
        int[] labels = data.labelIndices();
        for (int i = 0; i < count; i++) {
            INDArray row = data.features().get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.point(0));
            series.put("#" + i + " " + data.classNames().get(labels[i]), row.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector());
        }
        return Charts.lines(data.name() + ": first " + count + " sequences", "step", "value", series, false);
    }
}
