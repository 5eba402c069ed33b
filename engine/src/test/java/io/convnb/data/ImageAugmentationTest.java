package io.convnb.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ImageAugmentationTest {
    private static INDArray randomBatch(int n, int h, int w, int c, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] v = new float[n * h * w * c];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        return Nd4j.create(v, new long[] {n, h, w, c}, DataType.FLOAT);
    }

    @Test
    void sameSeedSameOutputDifferentSeedDifferentOutput() {
        INDArray batch = randomBatch(16, 28, 28, 1, 3);
        INDArray copy = batch.dup();
        ImageAugmentation a = ImageAugmentation.builder().randomTranslation(0.1, 0.1).horizontalFlip(true).seed(7).build();
        ImageAugmentation b = ImageAugmentation.builder().randomTranslation(0.1, 0.1).horizontalFlip(true).seed(7).build();
        ImageAugmentation c = ImageAugmentation.builder().randomTranslation(0.1, 0.1).horizontalFlip(true).seed(8).build();
        INDArray a1 = a.apply(batch);
        INDArray a2 = a.apply(batch);
        assertEquals(a1, b.apply(batch));
        assertEquals(a2, b.apply(batch), "the stream continues identically across batches");
        assertNotEquals(a1, a2, "the second batch draws new transforms");
        assertNotEquals(a1, c.apply(batch));
        assertEquals(copy, batch, "apply must not modify its input");
    }

    @Test
    void translationMovesALitPixelByTheSampledOffsetWithZeroFill() {
        int n = 64;
        int h = 10;
        int w = 12;
        INDArray batch = Nd4j.zeros(DataType.FLOAT, n, h, w, 2);
        int py = 4;
        int px = 7;
        for (int i = 0; i < n; i++) {
            batch.putScalar(new int[] {i, py, px, 1}, 0.5f + i);
        }
        ImageAugmentation aug = ImageAugmentation.builder().randomTranslation(0.3, 0.25).seed(21).build();
        List<ImageAugmentation.Transform> expected = ImageAugmentation.builder().randomTranslation(0.3, 0.25).seed(21).build()
                .sampleTransforms(n, h, w);
        INDArray out = aug.apply(batch);
        Set<String> offsets = new HashSet<>();
        int stayedInside = 0;
        for (int i = 0; i < n; i++) {
            ImageAugmentation.Transform t = expected.get(i);
            assertEquals(false, t.flip());
            // |dy| <= round(0.3 * 10) = 3, |dx| <= round(0.25 * 12) = 3
            assertTrue(Math.abs(t.dy()) <= 3 && Math.abs(t.dx()) <= 3, t.toString());
            offsets.add(t.dy() + "," + t.dx());
            int ty = py + t.dy();
            int tx = px + t.dx();
            boolean inside = ty >= 0 && ty < h && tx >= 0 && tx < w;
            // naive reference: every cell is zero except the moved pixel
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int ch = 0; ch < 2; ch++) {
                        float want = inside && y == ty && x == tx && ch == 1 ? 0.5f + i : 0f;
                        assertEquals(want, out.getFloat(i, y, x, ch), "image " + i + " " + t + " at " + y + "," + x + "," + ch);
                    }
                }
            }
            stayedInside += inside ? 1 : 0;
        }
        assertTrue(offsets.size() > 10, "offsets vary: " + offsets);
        assertTrue(stayedInside > 0);
    }

    @Test
    void pixelsShiftedOutDisappearAndZerosShiftIn() {
        // a full image of ones shifted by (dy, dx) keeps exactly (h - |dy|) * (w - |dx|) ones
        INDArray ones = Nd4j.ones(DataType.FLOAT, 1, 6, 5, 1);
        INDArray out = ImageAugmentation.applyTransforms(ones, List.of(new ImageAugmentation.Transform(false, -2, 1)), null);
        assertEquals(4 * 4, out.sumNumber().intValue());
        for (int x = 0; x < 5; x++) {
            assertEquals(0f, out.getFloat(0, 4, x, 0));
            assertEquals(0f, out.getFloat(0, 5, x, 0));
        }
        for (int y = 0; y < 6; y++) {
            assertEquals(0f, out.getFloat(0, y, 0, 0));
        }
    }

    @Test
    void flipMirrorsColumns() {
        INDArray batch = randomBatch(3, 4, 5, 3, 9);
        List<ImageAugmentation.Transform> flips = List.of(new ImageAugmentation.Transform(true, 0, 0),
                new ImageAugmentation.Transform(false, 0, 0), new ImageAugmentation.Transform(true, 1, 0));
        INDArray out = ImageAugmentation.applyTransforms(batch, flips, null);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(batch.getFloat(0, y, 4 - x, c), out.getFloat(0, y, x, c));
                    assertEquals(batch.getFloat(1, y, x, c), out.getFloat(1, y, x, c));
                    // flip, then shift down one row
                    assertEquals(y == 0 ? 0f : batch.getFloat(2, y - 1, 4 - x, c), out.getFloat(2, y, x, c));
                }
            }
        }
    }

    @Test
    void horizontalFlipAloneFlipsAboutHalfAndNeverShifts() {
        ImageAugmentation aug = ImageAugmentation.builder().horizontalFlip(true).seed(1).build();
        List<ImageAugmentation.Transform> ts = aug.sampleTransforms(1000, 28, 28);
        long flipped = ts.stream().filter(ImageAugmentation.Transform::flip).count();
        assertTrue(flipped > 430 && flipped < 570, "flipped " + flipped + " of 1000");
        assertTrue(ts.stream().allMatch(t -> t.dx() == 0 && t.dy() == 0));
    }

    @Test
    void applyIntoABufferAndBadInput() {
        INDArray batch = randomBatch(4, 6, 6, 1, 2);
        INDArray buffer = Nd4j.create(DataType.FLOAT, 4, 6, 6, 1);
        INDArray expected = ImageAugmentation.builder().randomTranslation(0.2, 0.2).horizontalFlip(true).seed(5).build().apply(batch);
        INDArray got = ImageAugmentation.builder().randomTranslation(0.2, 0.2).horizontalFlip(true).seed(5).build().apply(batch, buffer);
        assertSame(buffer, got);
        assertEquals(expected, buffer);

        ImageAugmentation aug = ImageAugmentation.builder().build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> aug.apply(Nd4j.zeros(DataType.FLOAT, 6, 6)));
        assertTrue(e.getMessage().contains("expects an NHWC batch (N, height, width, channels), got shape [6, 6]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ImageAugmentation.builder().randomTranslation(1.5, 0));
        assertEquals("randomTranslation factors must be in [0, 1] (fractions of the image size), got heightFactor=1.5, "
                + "widthFactor=0.0; e.g. 0.1 shifts up to 10%", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> aug.apply(batch, Nd4j.create(DataType.FLOAT, 4, 6, 6, 2)));
        assertTrue(e.getMessage().contains("output buffer must be a contiguous C-order FLOAT array of the batch shape [4, 6, 6, 1], got [4, 6, 6, 2]"), e.getMessage());
        // a view as input (rows 1..3 of the batch) reads the right images
        INDArray view = batch.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all());
        assertEquals(batch.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3)).dup(), aug.apply(view));
        // channel 0 of a 2-channel array: the right shape, but every other float
        INDArray strided = Nd4j.create(DataType.FLOAT, 4, 6, 6, 2).get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1));
        e = assertThrows(IllegalArgumentException.class, () -> aug.apply(batch, strided));
        assertTrue(e.getMessage().contains("got [4, 6, 6, 1] FLOAT with strides [72, 12, 2, 1]"), e.getMessage());
        // no transforms configured: identity
        assertEquals(batch, aug.apply(batch));
        assertArrayEquals(batch.shape(), aug.apply(batch).shape());
    }
}
