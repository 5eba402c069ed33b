package io.convnb.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded random augmentation of NHWC image batches {@code (N, H, W, C)}, the Keras preprocessing layers
 * {@code RandomFlip("horizontal")} and {@code RandomTranslation(heightFactor, widthFactor, fill_mode="constant")}.
 *
 * <p>Per image: with horizontal flip on, the columns are mirrored ({@code x -> W - 1 - x}) with probability
 * 1/2; then the image is shifted by {@code dy = round(u * heightFactor * H)} rows and
 * {@code dx = round(v * widthFactor * W)} columns, {@code u, v} uniform in [-1, 1], so
 * {@code out[y][x] = in[y - dy][x - dx]}, and pixels shifted in from outside are 0. Unlike Keras (bilinear,
 * sub-pixel shifts) the shift is a whole number of pixels, which keeps pixel values exact.
 *
 * <p>The random stream is {@code SplittableRandom(seed)}, consumed in image order: the same seed and the same
 * sequence of batch sizes give the same transforms, run after run. An instance is not thread-safe.
 */
public final class ImageAugmentation {
    /**
     * The transform of one image: mirror the columns if {@code flip}, then shift by ({@code dy}, {@code dx}).
     */
    public record Transform(boolean flip, int dy, int dx) {
    }

    private final double heightFactor;
    private final double widthFactor;
    private final boolean horizontalFlip;
    private final SplittableRandom random;

    private ImageAugmentation(Builder b) {
        this.heightFactor = b.heightFactor;
        this.widthFactor = b.widthFactor;
        this.horizontalFlip = b.horizontalFlip;
        this.random = new SplittableRandom(b.seed);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Draws the next {@code n} transforms for images of {@code height x width} from this augmentation's stream. */
    public List<Transform> sampleTransforms(int n, long height, long width) {
        List<Transform> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean flip = horizontalFlip && random.nextBoolean();
            int dy = heightFactor > 0 ? (int) Math.round((random.nextDouble() * 2 - 1) * heightFactor * height) : 0;
            int dx = widthFactor > 0 ? (int) Math.round((random.nextDouble() * 2 - 1) * widthFactor * width) : 0;
            out.add(new Transform(flip, dy, dx));
        }
        return out;
    }

    /** A new augmented copy of {@code batch} (N, H, W, C), drawing N transforms; the input is not modified. */
    public INDArray apply(INDArray batch) {
        checkBatch(batch);
        return applyTransforms(batch, sampleTransforms((int) batch.size(0), batch.size(1), batch.size(2)), null);
    }

    /**
     * Like {@link #apply(INDArray)} but writes into {@code out} (same shape, C order, FLOAT), to reuse a buffer
     * across batches.
     *
     * @return {@code out}
     */
    public INDArray apply(INDArray batch, INDArray out) {
        checkBatch(batch);
        return applyTransforms(batch, sampleTransforms((int) batch.size(0), batch.size(1), batch.size(2)), out);
    }

    /**
     * Applies the given transforms, one per image, to {@code batch}; into {@code out} if not null, else into a
     * new array.
     */
    public static INDArray applyTransforms(INDArray batch, List<Transform> transforms, INDArray out) {
        checkBatch(batch);
        int n = (int) batch.size(0);
        int h = (int) batch.size(1);
        int w = (int) batch.size(2);
        int c = (int) batch.size(3);
        if (transforms.size() != n) {
            throw new IllegalArgumentException("ImageAugmentation: " + transforms.size() + " transforms for a batch of "
                    + n + " images " + Arrays.toString(batch.shape()));
        }
        if (out != null && (!Arrays.equals(out.shape(), batch.shape()) || !NativeFloats.isContiguousFloat(out))) {
            throw new IllegalArgumentException("ImageAugmentation: output buffer must be a contiguous C-order FLOAT array of "
                    + "the batch shape " + Arrays.toString(batch.shape()) + ", got " + Arrays.toString(out.shape()) + " "
                    + out.dataType() + " with strides " + Arrays.toString(out.stride()));
        }
        float[] src = NativeFloats.toArray(batch);
        float[] dst = new float[src.length];
        int image = h * w * c;
        int row = w * c;
        for (int i = 0; i < n; i++) {
            Transform t = transforms.get(i);
            int base = i * image;
            for (int y = 0; y < h; y++) {
                int sy = y - t.dy();
                if (sy < 0 || sy >= h) {
                    continue;   // shifted in from outside: stays 0
                }
                for (int x = 0; x < w; x++) {
                    int sx = x - t.dx();
                    if (sx < 0 || sx >= w) {
                        continue;
                    }
                    if (t.flip()) {
                        sx = w - 1 - sx;
                    }
                    System.arraycopy(src, base + sy * row + sx * c, dst, base + y * row + x * c, c);
                }
            }
        }
        if (out == null) {
            return Nd4j.create(dst, batch.shape(), DataType.FLOAT);
        }
        NativeFloats.copyInto(dst, dst.length, out);
        return out;
    }

    private static void checkBatch(INDArray batch) {
        if (batch.rank() != 4) {
            throw new IllegalArgumentException("ImageAugmentation expects an NHWC batch (N, height, width, channels), got shape "
                    + Arrays.toString(batch.shape()) + "; reshape single images to (1, H, W, C)");
        }
    }

    /** Configures an {@link ImageAugmentation}; by default nothing is changed and the seed is 0. */
    public static final class Builder {
        private double heightFactor;
        private double widthFactor;
        private boolean horizontalFlip;
        private long seed;

        private Builder() {
        }

        /**
         * Random shifts of up to {@code heightFactor * H} rows and {@code widthFactor * W} columns in either
         * direction, as Keras {@code RandomTranslation(height_factor, width_factor, fill_mode="constant")}.
         *
         * @throws IllegalArgumentException unless both factors are in [0, 1]
         */
        public Builder randomTranslation(double heightFactor, double widthFactor) {
            if (!(heightFactor >= 0 && heightFactor <= 1) || !(widthFactor >= 0 && widthFactor <= 1)) {
                throw new IllegalArgumentException("randomTranslation factors must be in [0, 1] (fractions of the image size), "
                        + "got heightFactor=" + heightFactor + ", widthFactor=" + widthFactor + "; e.g. 0.1 shifts up to 10%");
            }
            this.heightFactor = heightFactor;
            this.widthFactor = widthFactor;
            return this;
        }

        /** Mirror each image's columns with probability 1/2, as Keras {@code RandomFlip("horizontal")}. */
        public Builder horizontalFlip(boolean enabled) {
            this.horizontalFlip = enabled;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public ImageAugmentation build() {
            return new ImageAugmentation(this);
        }
    }
}
