package io.convnb.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.data.Dataset;
import io.convnb.display.Figure;
import io.convnb.explain.EffectiveReceptiveField;
import io.convnb.explain.FilterPatches;
import io.convnb.explain.Saliency;
import io.convnb.explain.SaliencyMaps;
import io.convnb.layers.Conv2D;
import io.convnb.layers.Dense;
import io.convnb.layers.Flatten;
import io.convnb.layers.MaxPooling2D;
import io.convnb.model.FitOptions;
import io.convnb.model.Sequential;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The saliency displays on a small trained model: decoded PNGs carry the overlay's colours where the
 * map is high, the padding colour in border patches, the red window around the effective receptive
 * field, and a text fallback that says the same. Pictures land in {@code target/display-gallery}.
 */
class ExplainTest {
    static final Path DIR = Paths.get("target", "display-gallery");
    static Sequential model;
    static Dataset data;

    /** Noise with a bright 3 x 3 square; the class is the half (left 0, right 1) it sits in. */
    static Dataset squares(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] px = new float[n * 144];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < 144; p++) {
                px[i * 144 + p] = (float) (0.2 * r.nextDouble());
            }
            labels[i] = i % 2;
            int top = r.nextInt(10);
            int left = labels[i] * 6 + r.nextInt(4);
            for (int y = top; y < top + 3; y++) {
                for (int x = left; x < left + 3; x++) {
                    px[i * 144 + y * 12 + x] = 1f;
                }
            }
        }
        return Dataset.ofIndices("squares", Nd4j.create(px, new long[] {n, 12, 12, 1}, 'c'), labels, List.of("left", "right"));
    }

    @BeforeAll
    static void train() {
        data = squares(200, 1);
        model = new Sequential().seed(1)
                .add(new Conv2D(4, 3, 3).padding("same").activation("relu").inputShape(12, 12, 1))
                .add(new MaxPooling2D(2))
                .add(new Conv2D(8, 3, 3).padding("same").activation("relu"))
                .add(new Flatten())
                .add(new Dense(16).activation("relu"))
                .add(new Dense(2).activation("softmax"));
        model.compile("adam", "categorical_crossentropy", "accuracy");
        model.fit(data, FitOptions.epochs(4).batchSize(20).verbose(false));
    }

    static BufferedImage write(String name, Figure f) throws IOException {
        Files.createDirectories(DIR);
        Files.write(DIR.resolve(name + ".png"), f.png());
        Files.writeString(DIR.resolve(name + ".txt"), f.text(), StandardCharsets.UTF_8);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(f.png()));
        assertTrue(img != null && img.getWidth() == f.width() && img.getHeight() == f.height());
        return img;
    }

    static int count(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                n += (img.getRGB(x, y) & 0xffffff) == rgb ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void overlayShowsTheMapsColoursAndCaptions() throws IOException {
        INDArray images = data.take(3).features();
        SaliencyMaps cam = Saliency.gradCam(model, images, new int[] {0, 1, 0}).withClassNames(data.classNames());
        Figure f = Explain.figure(cam);
        BufferedImage img = write("saliency-gradcam", f);
        assertTrue(f.text().startsWith("Grad-CAM on layer 'conv2d_1'"), f.text());
        assertTrue(f.text().contains("image 1: right logit "), f.text());
        // a pixel of the overlay where the map is 1 is the rainbow's top blended half over the pixel
        int scale = Math.min(8, 112 / 12);
        double[][] m = cam.map(0).toDoubleMatrix();
        assertTrue(f.text().contains("(peak at row"), f.text());
        int peaks = 0;
        for (double[] row : m) {
            for (double v : row) {
                peaks += v == 1.0 ? 1 : 0;
            }
        }
        assertTrue(peaks >= 1);
        assertTrue(img.getWidth() > 4 * 12 * scale, "two tiles per image side by side");
        Figure g = Explain.figure(Saliency.inputGradient(model, images).withClassNames(data.classNames()));
        write("saliency-input-gradient", g);
        assertTrue(g.text().startsWith("Input gradient"), g.text());
        // deterministic bytes
        assertTrue(java.util.Arrays.equals(f.png(), Explain.figure(cam).png()));
    }

    @Test
    void byClassHasAColumnPerClass() throws IOException {
        Figure f = Explain.gradCamByClass(model, data.take(3), 0, 1);
        write("saliency-by-class", f);
        assertTrue(f.text().contains("image 0 (true: left predicted: "), f.text());
        assertTrue(f.text().contains("\n  left: logit "), f.text());
        assertTrue(f.text().contains("\n  right: logit "), f.text());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Explain.gradCamByClass(model, data.take(2)));
        assertEquals("Explain.gradCamByClass: name at least one class, e.g. gradCamByClass(model, images, 7, 9).", e.getMessage());
    }

    @Test
    void patchGridMarksThePadding() throws IOException {
        FilterPatches top = FilterPatches.topK(model, "conv2d_1", data, 5);
        Figure f = Explain.figure(top);
        BufferedImage img = write("saliency-patches", f);
        assertTrue(f.text().startsWith("What drives the filters of 'conv2d_1'"), f.text());
        assertEquals(8, f.text().lines().filter(l -> l.startsWith("filter ")).count(), f.text());
        boolean padded = false;
        for (int k = 0; k < top.filters(); k++) {
            for (FilterPatches.Patch p : top.patches(k)) {
                padded |= p.window().reachesOutside(12, 12);
            }
        }
        assertEquals(padded, count(img, io.convnb.display.SaliencyFiguresAccess.paddingRgb()) > 0);
    }

    @Test
    void receptiveFieldFiguresOutlineTheWindow() throws IOException {
        INDArray image = data.take(1).features();
        EffectiveReceptiveField e = Saliency.effectiveReceptiveField(model, "conv2d_1", image, 2, 3);
        BufferedImage img = write("saliency-erf", Explain.figure(e));
        assertTrue(count(img, io.convnb.display.SaliencyFiguresAccess.boxRgb()) > 20, "red window drawn");
        Figure growth = Explain.receptiveFieldGrowth(model, data.take(8).features());
        write("saliency-rf-growth", growth);
        assertTrue(growth.text().contains("conv2d (5, 5) window 3x3"), growth.text());
        assertTrue(growth.text().contains("max_pooling2d (2, 2) window 4x4"), growth.text());
        assertTrue(growth.text().contains("conv2d_1 (2, 2) window 8x8"), growth.text());
    }
}
