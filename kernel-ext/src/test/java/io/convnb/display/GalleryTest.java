package io.convnb.display;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes every display to {@code target/display-gallery} so a person can look at them after the
 * build; each written file is read back and checked to be a decodable PNG or parseable HTML.
 */
class GalleryTest {

    static final Path DIR = Paths.get("target", "display-gallery");

    static void write(String name, Figure f) throws IOException {
        Files.createDirectories(DIR);
        Files.write(DIR.resolve(name + ".png"), f.png());
        Files.writeString(DIR.resolve(name + ".txt"), f.text(), StandardCharsets.UTF_8);
        assertTrue(TestImages.decode(f.png()).getWidth() > 0);
    }

    static void write(String name, HtmlView v) throws IOException {
        Files.createDirectories(DIR);
        Files.writeString(DIR.resolve(name + ".html"), "<!DOCTYPE html><html><body>" + v.html() + "</body></html>", StandardCharsets.UTF_8);
        Files.writeString(DIR.resolve(name + ".txt"), v.text(), StandardCharsets.UTF_8);
        TestImages.parseHtml(v.html());
    }

    @Test
    void heatmaps() throws IOException {
        DisplayOptions o = new DisplayOptions();
        INDArray small = Nd4j.createFromArray(new float[][] {{1, 2, 3}, {4, -5, 6}, {7, 8, 9.5f}});
        write("heatmap-3x3", Heatmap.of(small, o));
        write("heatmap-3x3-rdbu", Heatmap.of(small, o.copy().cmap(ColorMap.RDBU)));
        INDArray wave = Nd4j.create(DataType.FLOAT, 28, 28);
        for (int r = 0; r < 28; r++) {
            for (int c = 0; c < 28; c++) {
                wave.putScalar(r, c, Math.sin(r / 4.0) * Math.cos(c / 5.0));
            }
        }
        write("heatmap-28x28", Heatmap.of(wave, o));
        write("heatmap-28x28-gray", Heatmap.of(wave, o.copy().cmap(ColorMap.GRAY)));
        write("heatmap-1000x700", Heatmap.of(Nd4j.linspace(0, 1, 700_000, DataType.FLOAT).reshape(1000, 700), o));
        write("heatmap-hwc", Heatmap.of(Nd4j.rand(DataType.FLOAT, 12, 12, 6).subi(0.5), o.copy().cmap(ColorMap.RDBU)));
        write("heatmap-nhwc", Heatmap.of(Nd4j.rand(DataType.FLOAT, 2, 28, 28, 16), o));
        write("heatmap-vector", Heatmap.of(Nd4j.linspace(-1, 1, 10, DataType.DOUBLE), o.copy().cmap(ColorMap.RDBU)));
    }

    @Test
    void kernelsAndFeatureMaps() throws IOException {
        Nd4j.getRandom().setSeed(7);
        INDArray k1 = Nd4j.randn(DataType.FLOAT, 3, 3, 1, 8).muli(0.3);
        write("kernels-3x3x1x8", KernelGrid.of(k1));
        write("kernels-5x5x3x6", KernelGrid.of(Nd4j.randn(DataType.FLOAT, 5, 5, 3, 6)));
        write("kernels-3x3x32x64-first", KernelGrid.of(Nd4j.randn(DataType.FLOAT, 3, 3, 32, 64)));
        INDArray acts = Nd4j.rand(DataType.FLOAT, 26, 26, 12);
        acts.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(3)).assign(0);
        write("featuremaps-26x26x12", FeatureMaps.of(acts, "conv2d_1 (ReLU)", ColorMap.VIRIDIS));
        write("tensor-html-small", new HtmlView(TensorHtml.of(Nd4j.createFromArray(new float[][] {{1, 2.5f}, {-3, 4}}), new DisplayOptions()), "small"));
        write("tensor-html-large", new HtmlView(TensorHtml.of(Nd4j.rand(DataType.FLOAT, 50, 40), new DisplayOptions()), "large"));
    }

    static final java.util.List<String> FASHION = java.util.List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    @Test
    void charts() throws IOException {
        java.util.Map<String, java.util.List<Double>> h = new java.util.LinkedHashMap<>();
        h.put("loss", java.util.List.of(0.62, 0.41, 0.35, 0.31, 0.29, 0.27, 0.255, 0.24));
        h.put("accuracy", java.util.List.of(0.78, 0.85, 0.873, 0.887, 0.894, 0.9, 0.906, 0.911));
        h.put("val_loss", java.util.List.of(0.45, 0.38, 0.34, 0.33, 0.32, 0.315, 0.318, 0.321));
        h.put("val_accuracy", java.util.List.of(0.84, 0.862, 0.876, 0.881, 0.886, 0.889, 0.888, 0.889));
        write("training-curves", Charts.trainingCurves(h));
        write("history-table", Charts.historyTable(h));
        write("training-curves-loss-only", Charts.trainingCurves(java.util.Map.of("loss", java.util.List.of(2.3, 1.1, 0.7))));
        int[][] cm = new int[10][10];
        java.util.Random rnd = new java.util.Random(3);
        for (int i = 0; i < 10; i++) {
            for (int j = 0; j < 10; j++) {
                cm[i][j] = i == j ? 800 + rnd.nextInt(150) : (rnd.nextInt(10) < 3 ? rnd.nextInt(60) : 0);
            }
        }
        cm[6][0] = 130;
        write("confusion-matrix", ConfusionMatrix.png(cm, FASHION));
        write("confusion-matrix-table", ConfusionMatrix.html(cm, FASHION));
        int[] labels = new int[6000];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rnd.nextInt(10);
        }
        write("class-histogram", Charts.classHistogram(labels, FASHION));
        write("class-histogram-digits", Charts.classHistogram(labels, java.util.List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")));
        INDArray imgs = Nd4j.create(DataType.FLOAT, 16, 28, 28, 1);
        for (int k = 0; k < 16; k++) {
            for (int r = 4; r < 24; r++) {
                for (int c = 6 + k % 5; c < 22 - k % 3; c++) {
                    imgs.putScalar(new long[] {k, r, c, 0}, (r + c + k) % 7 / 6.0);
                }
            }
        }
        int[] truth = new int[16];
        int[] pred = new int[16];
        for (int k = 0; k < 16; k++) {
            truth[k] = k % 10;
            pred[k] = k % 5 == 3 ? (k + 1) % 10 : k % 10;
        }
        write("sample-grid", SampleGrid.of(imgs, truth, pred, FASHION));
        write("sample-grid-labels", SampleGrid.of(imgs.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5)), java.util.Arrays.copyOf(truth, 5), FASHION));
    }

    @Test
    void tablesSummaryProgress() throws IOException {
        tech.tablesaw.api.Table t = tech.tablesaw.api.Table.create("runs <&>",
                tech.tablesaw.api.IntColumn.create("epoch", java.util.stream.IntStream.rangeClosed(1, 30).toArray()),
                tech.tablesaw.api.DoubleColumn.create("loss", java.util.stream.IntStream.rangeClosed(1, 30).mapToDouble(i -> 1.0 / i).toArray()),
                tech.tablesaw.api.StringColumn.create("note", java.util.stream.IntStream.rangeClosed(1, 30).mapToObj(i -> i % 7 == 0 ? "<b>checkpoint</b>" : "").toArray(String[]::new)));
        write("table", TableHtml.of(t));
        java.util.List<java.util.List<String>> rows = java.util.List.of(
                java.util.List.of("conv2d (Conv2D)", "(None, 26, 26, 32)", "320"),
                java.util.List.of("max_pooling2d (MaxPooling2D)", "(None, 13, 13, 32)", "0"),
                java.util.List.of("flatten (Flatten)", "(None, 5408)", "0"),
                java.util.List.of("dense (Dense)", "(None, 10)", "54,090"));
        write("summary", SummaryHtml.of("sequential", rows, 54410, 54410));
        java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
        m.put("loss", 0.4321);
        m.put("accuracy", 0.8765);
        write("progress", ProgressView.of("Epoch 3/10", 120, 938, 1.6, m));
    }
}
