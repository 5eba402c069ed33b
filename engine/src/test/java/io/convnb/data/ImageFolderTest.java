package io.convnb.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link Datasets#imageFolder}: layout, decoding, resizing, splits, progress and every error. */
class ImageFolderTest {
    @TempDir
    Path tmp;

    /** A grey 8-bit image whose pixel (y, x) is {@code (seed * 37 + y * w + x * 11) mod 256}. */
    static BufferedImage grey(int h, int w, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, greyValue(y, x, w, seed));
            }
        }
        return img;
    }

    static int greyValue(int y, int x, int w, int seed) {
        return (seed * 37 + y * w + x * 11) % 256;
    }

    static void write(BufferedImage img, String format, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(img, format, file.toFile()), "no writer for " + format);
    }

    private static ImageFolderOptions plain(int h, int w) {
        return ImageFolderOptions.size(h, w).grayscale().shuffle(false);
    }

    @Test
    void greyPngsRoundTripExactlyWithSortedClassFoldersAsLabels() throws IOException {
        write(grey(4, 5, 1), "png", tmp.resolve("zebra/b.png"));
        write(grey(4, 5, 2), "png", tmp.resolve("zebra/a.png"));
        write(grey(4, 5, 3), "png", tmp.resolve("ant/x.png"));
        List<String> summaries = new ArrayList<>();
        Dataset d = Datasets.imageFolder(tmp, plain(4, 5).progress(new LoadListener() {
            @Override
            public void onLoadEnd(String summary, boolean failed) {
                summaries.add(summary);
            }
        }));
        assertEquals(List.of("ant", "zebra"), d.classNames());
        assertArrayEquals(new int[] {0, 1, 1}, d.labelIndices());
        assertArrayEquals(new long[] {3, 4, 5, 1}, d.features().shape());
        int[] seeds = {3, 2, 1};   // ant/x, zebra/a, zebra/b: sorted by class, then by file name
        for (int n = 0; n < 3; n++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 5; x++) {
                    assertEquals(greyValue(y, x, 5, seeds[n]) / 255f, d.features().getFloat(n, y, x, 0), 0f);
                }
            }
        }
        assertEquals(List.of("Found 3 files belonging to 2 classes; resized to 4x5 (bilinear, grayscale)."), summaries);
    }

    @Test
    void rgbBmpGifAndJpegDecodeToRgbOrWeightedGrey() throws IOException {
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0xff0000);
        rgb.setRGB(1, 0, 0x3366cc);
        write(rgb, "bmp", tmp.resolve("a/1.bmp"));
        write(rgb, "gif", tmp.resolve("b/1.gif"));
        BufferedImage flat = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                flat.setRGB(x, y, 0x808080);
            }
        }
        write(flat, "jpg", tmp.resolve("c/1.jpeg"));
        Dataset colour = Datasets.imageFolder(tmp, ImageFolderOptions.size(1, 2).shuffle(false).classNames(List.of("a", "b")));
        assertArrayEquals(new long[] {2, 1, 2, 3}, colour.features().shape());
        for (int n = 0; n < 2; n++) {   // BMP exactly; the GIF palette holds these two colours exactly too
            assertArrayEquals(new float[] {1, 0, 0, 0x33 / 255f, 0x66 / 255f, 0xcc / 255f},
                    colour.features().get(org.nd4j.linalg.indexing.NDArrayIndex.point(n)).dup().data().asFloat(), 1e-6f);
        }
        Dataset grey = Datasets.imageFolder(tmp, plain(1, 2).classNames(List.of("a")));
        assertEquals(0.2989f, grey.features().getFloat(0, 0, 0, 0), 1e-6f);
        assertEquals((0.2989 * 0x33 + 0.5870 * 0x66 + 0.1140 * 0xcc) / 255, grey.features().getFloat(0, 0, 1, 0), 1e-6);
        Dataset jpeg = Datasets.imageFolder(tmp, plain(8, 8).classNames(List.of("c")));
        assertEquals(128 / 255f, jpeg.features().meanNumber().floatValue(), 2 / 255f, "JPEG is lossy, a flat grey stays close");
    }

    @Test
    void resizingUsesTheChosenMethod() throws IOException {
        write(grey(6, 6, 4), "png", tmp.resolve("a/1.png"));
        Dataset area = Datasets.imageFolder(tmp, plain(3, 2).interpolation("area"));
        // area 6x6 -> 3x2: every output pixel is the mean of a 2x3 block
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 2; j++) {
                double sum = 0;
                for (int y = 2 * i; y < 2 * i + 2; y++) {
                    for (int x = 3 * j; x < 3 * j + 3; x++) {
                        sum += greyValue(y, x, 6, 4) / 255.0;
                    }
                }
                assertEquals(sum / 6, area.features().getFloat(0, i, j, 0), 1e-6);
            }
        }
        Dataset nearest = Datasets.imageFolder(tmp, plain(3, 3).interpolation("nearest"));
        assertEquals(greyValue(3, 5, 6, 4) / 255f, nearest.features().getFloat(0, 1, 2, 0), 0f);   // floor(1.5*2), floor(2.5*2)
    }

    @Test
    void bilinearMatchesHandWorkedHalfPixelExample() {
        float[] in = {0, 1, 2, 3};   // 2x2, one channel
        float[] out = ImageResize.resize(in, 2, 2, 1, 4, 4, ImageResize.Method.BILINEAR);
        // centres at (i+0.5)/2-0.5 = -0.25, 0.25, 0.75, 1.25, clamped to 0, 0.25, 0.75, 1
        assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1, 0.5f, 0.75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2, 2.25f, 2.75f, 3},
                out, 1e-6f);
    }

    @Test
    void areaMatchesASupersampledReferenceForUnevenRatios() {
        int h = 7;
        int w = 5;
        int c = 2;
        float[] in = new float[h * w * c];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) Math.sin(i * 0.7) + 1;
        }
        for (int[] size : new int[][] {{3, 2}, {4, 3}, {10, 8}, {7, 1}}) {
            int oh = size[0];
            int ow = size[1];
            float[] out = ImageResize.resize(in, h, w, c, oh, ow, ImageResize.Method.AREA);
            // reference: replicate every input pixel oh x ow times; output (i, j) then averages exactly the
            // block of h x w fine cells starting at (i*h, j*w)
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    for (int k = 0; k < c; k++) {
                        double sum = 0;
                        for (int fy = i * h; fy < (i + 1) * h; fy++) {
                            for (int fx = j * w; fx < (j + 1) * w; fx++) {
                                sum += in[((fy / oh) * w + fx / ow) * c + k];
                            }
                        }
                        assertEquals(sum / (h * w), out[(i * ow + j) * c + k], 1e-5, "area " + oh + "x" + ow + " at " + i + "," + j);
                    }
                }
            }
        }
    }

    @Test
    void validationSplitIsSeededDisjointAndComplete() throws IOException {
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 10; i++) {
                write(grey(2, 2, c * 10 + i), "png", tmp.resolve("class" + c + "/" + i + ".png"));
            }
        }
        TrainTest parts = Datasets.imageFolderSplit(tmp, plain(2, 2).shuffle(true).seed(5).validationSplit(0.2));
        assertEquals(24, parts.train().size());
        assertEquals(6, parts.test().size());
        Set<Float> seen = new HashSet<>();
        for (Dataset d : List.of(parts.train(), parts.test())) {
            for (int n = 0; n < d.size(); n++) {
                assertTrue(seen.add(d.features().getFloat(n, 0, 0, 0)), "each image once");
            }
        }
        assertEquals(30, seen.size());
        Dataset again = Datasets.imageFolder(tmp, plain(2, 2).shuffle(true).seed(5).validationSplit(0.2).subset("validation"));
        assertTrue(again.features().equals(parts.test().features()), "same seed, same split");
        assertArrayEquals(parts.test().labelIndices(), again.labelIndices());
        Dataset other = Datasets.imageFolder(tmp, plain(2, 2).shuffle(true).seed(6).validationSplit(0.2).subset("validation"));
        assertNotEquals(parts.test().features(), other.features());
        var e = assertThrows(IllegalArgumentException.class, () -> Datasets.imageFolder(tmp, plain(2, 2).validationSplit(0.2)));
        assertTrue(e.getMessage().contains("needs subset(\"training\") or subset(\"validation\")"), e.getMessage());
    }

    @Test
    void progressReportsEveryFileAndTheSummaryNamesWhatWasLeftOut() throws IOException {
        write(grey(2, 2, 1), "png", tmp.resolve("a/1.png"));
        write(grey(2, 2, 2), "png", tmp.resolve("a/sub/2.PNG"));
        write(grey(2, 2, 3), "png", tmp.resolve("b/3.png"));
        Files.writeString(tmp.resolve("a/notes.txt"), "hello");
        Files.writeString(tmp.resolve("a/.DS_Store"), "x");
        Files.writeString(tmp.resolve("README.md"), "top-level files are not classes");
        Files.createDirectories(tmp.resolve("empty"));
        List<String> events = new ArrayList<>();
        Datasets.imageFolder(tmp, plain(2, 2).progress(new LoadListener() {
            @Override
            public void onLoadBegin(String name, int files) {
                events.add("begin " + files);
            }

            @Override
            public void onFileLoaded(int done, int total, Path file) {
                events.add(done + "/" + total + " " + tmp.relativize(file));
            }

            @Override
            public void onLoadEnd(String summary, boolean failed) {
                events.add((failed ? "failed " : "end ") + summary);
            }
        }));
        assertEquals(List.of("begin 3", "1/3 a/1.png", "2/3 a/sub/2.PNG", "3/3 b/3.png",
                "end Found 3 files belonging to 3 classes; resized to 2x2 (bilinear, grayscale); ignored 2 files: README.md,"
                        + " a/notes.txt (not .png/.jpg/.jpeg/.gif/.bmp); skipped 1 hidden file; WARNING: no images for class [empty]."),
                events);
    }

    @Test
    void errorsNameTheFolderOrFileAndTheFix() throws IOException {
        var e = assertThrows(ImageFolderException.class, () -> Datasets.imageFolder(tmp.resolve("nope"), 28, 28));
        assertEquals("imageFolder: the folder " + tmp.resolve("nope") + " does not exist; give the folder that holds one"
                + " subfolder per class (e.g. photos/cat/*.jpg, photos/dog/*.jpg).", e.getMessage());
        e = assertThrows(ImageFolderException.class, () -> Datasets.imageFolder(tmp, 28, 28));
        assertTrue(e.getMessage().startsWith("imageFolder: " + tmp + " is empty; put each class's images in a subfolder"), e.getMessage());
        write(grey(2, 2, 1), "png", tmp.resolve("loose.png"));
        e = assertThrows(ImageFolderException.class, () -> Datasets.imageFolder(tmp, 28, 28));
        assertTrue(e.getMessage().startsWith("imageFolder: " + tmp + " has no class subfolders (it holds 1 file, e.g. loose.png);"),
                e.getMessage());
        Files.createDirectories(tmp.resolve("cats"));
        Files.writeString(tmp.resolve("cats/readme.txt"), "no images here");
        e = assertThrows(ImageFolderException.class, () -> Datasets.imageFolder(tmp, 28, 28));
        assertTrue(e.getMessage().startsWith("imageFolder: no images in the class subfolders [cats] of " + tmp
                + " (ignored 2 files: loose.png, cats/readme.txt); accepted are files ending in .png, .jpg"), e.getMessage());
        Path bad = tmp.resolve("cats/broken.png");
        Files.write(bad, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H'});   // truncated
        e = assertThrows(ImageFolderException.class, () -> Datasets.imageFolder(tmp, 28, 28));
        assertTrue(e.getMessage().startsWith("imageFolder: cannot read the image " + bad + ": "), e.getMessage());
        assertTrue(e.getMessage().endsWith("Replace or delete the file (is it truncated, or not really a PNG file?)."), e.getMessage());
        Files.writeString(bad, "this is text, not a PNG");
        e = assertThrows(ImageFolderException.class, () -> Datasets.imageFolder(tmp, 28, 28));
        assertEquals("imageFolder: " + bad + " is not an image that javax.imageio can decode (no reader recognises its content)."
                + " Replace or delete the file, or convert it to PNG.", e.getMessage());
        var bad2 = assertThrows(IllegalArgumentException.class, () -> ImageFolderOptions.size(28, 28).colorMode("cmyk"));
        assertEquals("imageFolder: colorMode must be \"rgb\" or \"grayscale\", got \"cmyk\".", bad2.getMessage());
        e = assertThrows(ImageFolderException.class,
                () -> Datasets.imageFolder(tmp, ImageFolderOptions.size(2, 2).classNames(List.of("dogs"))));
        assertEquals("imageFolder: classNames names 'dogs' but " + tmp + " has no such subfolder; its subfolders are [cats].",
                e.getMessage());
    }

    @Test
    void imagesBecomeFloatNhwcInUnitRange() throws IOException {
        write(grey(3, 3, 9), "png", tmp.resolve("a/1.png"));
        INDArray f = Datasets.imageFolder(tmp, 5, 4).features();
        assertArrayEquals(new long[] {1, 5, 4, 3}, f.shape());
        assertEquals(org.nd4j.linalg.api.buffer.DataType.FLOAT, f.dataType());
        assertTrue(f.minNumber().doubleValue() >= 0 && f.maxNumber().doubleValue() <= 1);
    }
}
