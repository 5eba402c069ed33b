package io.convnb.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.data.TrainTest;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code %dataset FOLDER} and {@code %dataset FILE.csv}: the user's own data. */
class UserDatasetsTest {
    @TempDir
    static Path tmp;

    private static DisplayData run(String... args) {
        return DatasetMagic.line(List.of(args), () -> {
            throw new AssertionError("Fashion-MNIST must not be loaded for a path");
        }, () -> {
            throw new AssertionError("MNIST must not be loaded for a path");
        });
    }

    /** Class 'dark' holds 12x10 images of grey 40, class 'light' of grey 220 (PNG), 6 each. */
    private static Path folder() throws IOException {
        Path dir = tmp.resolve("shades");
        if (Files.exists(dir)) {
            return dir;
        }
        for (String cls : List.of("light", "dark")) {
            Files.createDirectories(dir.resolve(cls));
            for (int i = 0; i < 6; i++) {
                BufferedImage img = new BufferedImage(10, 12, BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < 12; y++) {
                    for (int x = 0; x < 10; x++) {
                        img.getRaster().setSample(x, y, 0, cls.equals("dark") ? 40 : 220);
                    }
                }
                img.getRaster().setSample(i, i, 0, 128);
                ImageIO.write(img, "png", dir.resolve(cls + "/" + i + ".png").toFile());
            }
        }
        return dir;
    }

    @Test
    void imageFolderShowsAGridAtTheImagesOwnSizeWithSortedClasses() throws IOException {
        Path dir = folder();
        DisplayData d = run(dir.toString(), "n=8", "seed=2");
        Gallery.save("dataset-folder", d);
        String text = Gallery.text(d);
        assertTrue(text.startsWith(dir + ": 12 images as 12x10x3 (rgb), 2 classes [dark, light]; 8 random samples (seed 2)\n"), text);
        assertTrue(text.contains("| 0     | dark  | 6     | 50.0% |") || text.contains("dark"), text);
        // every sample caption matches the class of its pixels: the grid's grey levels are checked below
        BufferedImage png = Gallery.png(d);
        assertTrue(png.getWidth() >= 8 * 10 && png.getHeight() >= 12, png.getWidth() + "x" + png.getHeight());
        assertEquals(2, Html.count(Gallery.html(d), "img"), "grid and class histogram");
        assertEquals(1, Html.count(Gallery.html(d), "table"));
        assertTrue(Html.parse(Gallery.html(d)).getElementsByTagName("table").item(0).getTextContent().contains("dark"));
        DisplayData grey = run(dir.toString(), "size=6x5", "color=grayscale", "n=4");
        assertTrue(Gallery.text(grey).startsWith(dir + ": 12 images as 6x5x1 (grayscale)"), Gallery.text(grey));
    }

    @Test
    void csvShowsTheHeadAndWithALabelTheClasses() throws IOException {
        Path csv = tmp.resolve("points.csv");
        StringBuilder s = new StringBuilder("x,y,kind\n");
        for (int i = 0; i < 15; i++) {
            s.append(i).append(',').append(i * i).append(',').append(i % 3 == 0 ? "odd-one" : "common").append('\n');
        }
        Files.writeString(csv, s);
        DisplayData head = run(csv.toString(), "rows=5");
        String text = Gallery.text(head);
        assertTrue(text.startsWith(csv + ": 15 rows x 3 columns; the first 5 rows\n"), text);
        assertTrue(text.contains("Give label=COLUMN to see the classes (columns: x, y, kind)."), text);
        assertEquals(1 + 5, Html.count(Gallery.html(head), "tr"), Gallery.html(head));   // the header row and 5 rows
        DisplayData labelled = run(csv.toString(), "label=kind");
        Gallery.save("dataset-csv", labelled);
        String t = Gallery.text(labelled);
        assertTrue(t.contains("As a data set: features (15, 2), 2 classes from column 'kind'"), t);
        assertTrue(t.contains("common") && t.contains("66.7%") && t.contains("33.3%"), t);
        Gallery.png(labelled);   // the class histogram
        var e = assertThrows(MagicArgumentException.class, () -> run(csv.toString(), "label=y"));
        assertTrue(e.getMessage().contains("feature column 'kind' holds string values"), e.getMessage());
    }

    @Test
    void pathErrorsNameThePathAndTheFix() throws IOException {
        var e = assertThrows(MagicArgumentException.class, () -> run(tmp.resolve("missing").toString()));
        assertTrue(e.getMessage().startsWith("%dataset: " + tmp.resolve("missing") + " does not exist. Give a folder"), e.getMessage());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        e = assertThrows(MagicArgumentException.class, () -> run(empty.toString()));
        assertTrue(e.getMessage().startsWith("%dataset " + empty + ": imageFolder: " + empty + " is empty"), e.getMessage());
        e = assertThrows(MagicArgumentException.class, () -> run(folder().toString(), "label=x"));
        assertTrue(e.getMessage().startsWith("%dataset: label= and rows= are for CSV files;"), e.getMessage());
        e = assertThrows(MagicArgumentException.class, () -> run("fashion-mnist", "size=28"));
        assertEquals("%dataset: size= is for your own data (a folder or a CSV file), not for fashion-mnist. Accepted here:"
                + " split=, n=, seed=.", e.getMessage());
        Path other = Files.writeString(tmp.resolve("notes.txt"), "x");
        e = assertThrows(MagicArgumentException.class, () -> run(other.toString()));
        assertTrue(e.getMessage().contains("is neither a folder of images nor a CSV file"), e.getMessage());
    }
}
