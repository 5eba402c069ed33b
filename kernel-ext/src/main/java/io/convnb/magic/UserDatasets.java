package io.convnb.magic;

import io.convnb.data.Dataset;
import io.convnb.data.Datasets;
import io.convnb.data.ImageFolderOptions;
import io.convnb.display.Charts;
import io.convnb.display.Figure;
import io.convnb.display.HtmlView;
import io.convnb.display.TableHtml;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import tech.tablesaw.api.Table;

/**
 * The user's own data for {@code %dataset PATH}: a folder of class subfolders read with
 * {@link Datasets#imageFolder} (a sample grid, as for the built-in sets), or a CSV file read with Tablesaw
 * (the first rows as a table, and with {@code label=COLUMN} the classes that {@link Datasets#fromTable} finds).
 */
final class UserDatasets {
    /** File name endings read as tables. */
    static final List<String> TABLE_EXTENSIONS = List.of(".csv", ".tsv");

    private UserDatasets() {
    }

    /** Whether the magic's first word names a file or folder rather than a built-in set. */
    static boolean looksLikePath(String word) {
        if (word.contains("/") || word.contains("\\") || word.startsWith(".") || word.startsWith("~")) {
            return true;
        }
        try {
            return Files.exists(Path.of(word));
        } catch (java.nio.file.InvalidPathException e) {
            return false;   // not a path: the caller reports an unknown data set name
        }
    }

    static DisplayData show(String word, ParsedArgs a) {
        Path path = Path.of(word.startsWith("~/") ? System.getProperty("user.home") + word.substring(1) : word);
        if (!Files.exists(path)) {
            throw new MagicArgumentException(DatasetMagic.MAGIC + ": " + path + " does not exist. Give a folder with one "
                    + "subfolder per class (images), or a CSV file; relative paths start at " + Path.of("").toAbsolutePath() + ".");
        }
        long n = a.integer("n", 16, 1);
        long seed = a.integer("seed", 0, Long.MIN_VALUE);
        if (Files.isDirectory(path)) {
            if (a.has("label") || a.has("rows")) {
                throw new MagicArgumentException(DatasetMagic.MAGIC + ": label= and rows= are for CSV files; " + path
                        + " is a folder of images. Accepted for folders: size=, color=, n=, seed=.");
            }
            return images(path, a, (int) Math.min(n, io.convnb.display.SampleGrid.MAX_IMAGES), seed);
        }
        String lower = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (TABLE_EXTENSIONS.stream().noneMatch(lower::endsWith)) {
            throw new MagicArgumentException(DatasetMagic.MAGIC + ": " + path + " is neither a folder of images nor a CSV file"
                    + " (" + String.join(", ", TABLE_EXTENSIONS) + "). For images, give the folder that holds the class subfolders.");
        }
        if (a.has("size") || a.has("color")) {
            throw new MagicArgumentException(DatasetMagic.MAGIC + ": size= and color= are for image folders; " + path
                    + " is a table. Accepted for tables: label=, rows=.");
        }
        return table(path, a.has("label") ? a.raw("label") : null, (int) a.integer("rows", 10, 1));
    }

    private static DisplayData images(Path dir, ParsedArgs a, int n, long seed) {
        long[] size = a.size("size", null, 1, "sizes");
        if (size == null) {
            size = firstImageSize(dir).orElse(new long[] {64, 64});
        }
        String color = a.choice("color", "rgb", List.of("rgb", "grayscale"));
        Dataset data;
        try {
            data = Datasets.imageFolder(dir, ImageFolderOptions.size((int) size[0], (int) size[1]).colorMode(color).seed(seed));
        } catch (IllegalArgumentException e) {
            throw new MagicArgumentException(DatasetMagic.MAGIC + " " + dir + ": " + e.getMessage());
        }
        int[] indices = DatasetMagic.sample(data.size(), Math.min(n, data.size()), seed);
        long[] shape = data.sampleShape();
        String headline = dir + ": " + String.format("%,d", data.size()) + " images as "
                + String.join("x", Arrays.stream(shape).mapToObj(Long::toString).toList()) + " (" + color + "), "
                + data.numClasses() + " classes " + data.classNames() + "; " + indices.length + " random samples (seed " + seed + ")";
        return DatasetMagic.imageView(data, headline, indices, "the folder");
    }

    /** The size of the first image under {@code dir} in sorted path order, so a folder shows at its own size. */
    static Optional<long[]> firstImageSize(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            Optional<Path> first = files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> ImageFolderOptions.EXTENSIONS.stream().anyMatch(
                            e -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith("." + e)))
                    .sorted().findFirst();
            if (first.isEmpty()) {
                return Optional.empty();
            }
            BufferedImage img = ImageIO.read(first.get().toFile());
            return img == null ? Optional.empty() : Optional.of(new long[] {img.getHeight(), img.getWidth()});
        } catch (IOException | RuntimeException e) {
            return Optional.empty();   // imageFolder then reports the unreadable file by name
        }
    }

    private static DisplayData table(Path file, String label, int rows) {
        Table table;
        try {
            table = Table.read().csv(file.toString());
        } catch (RuntimeException e) {
            throw new MagicArgumentException(DatasetMagic.MAGIC + ": cannot read " + file + " as CSV: " + e.getMessage());
        }
        HtmlView head = TableHtml.of(table.first(rows), Math.max(2, rows + 1), TableHtml.DEFAULT_MAX_COLS);
        String headline = file + ": " + String.format("%,d", table.rowCount()) + " rows x " + table.columnCount()
                + " columns; the first " + Math.min(rows, table.rowCount()) + " rows";
        StringBuilder text = new StringBuilder(headline).append('\n').append(head.text());
        StringBuilder html = new StringBuilder("<div class=\"convnb-dataset\"><p><b>").append(MagicOutput.escape(headline))
                .append("</b></p>").append(head.html());
        byte[] png = null;
        if (label == null) {
            String hint = "Give label=COLUMN to see the classes (columns: " + String.join(", ", table.columnNames()) + ").";
            text.append('\n').append(hint);
            html.append("<p>").append(MagicOutput.escape(hint)).append("</p>");
        } else {
            Dataset data;
            try {
                data = Datasets.fromTable(table, label);
            } catch (IllegalArgumentException e) {
                throw new MagicArgumentException(DatasetMagic.MAGIC + " " + file + ": " + e.getMessage());
            }
            String what = "As a data set: features " + io.convnb.shape.Shapes.format(data.features().shape()) + ", "
                    + data.numClasses() + " classes from column '" + label + "'";
            List<List<String>> counts = DatasetMagic.countsTable(data);
            Figure histogram = Charts.classCounts(Arrays.stream(data.classCounts()).asLongStream().toArray(), data.classNames());
            png = histogram.png();
            text.append("\n\n").append(what).append('\n').append(MagicOutput.textTable(counts));
            html.append("<p>").append(MagicOutput.escape(what)).append(":</p>").append(MagicOutput.img(png, histogram.text()))
                    .append(MagicOutput.htmlTable(counts));
        }
        html.append("</div>");
        return png == null ? MagicOutput.of(text.toString(), html.toString()) : MagicOutput.of(text.toString(), html.toString(), png);
    }
}
