package io.convnb.data;

import java.util.List;
import java.util.Locale;

/**
 * The arguments of {@link Datasets#imageFolder(java.nio.file.Path, ImageFolderOptions)}, in the words of
 * Keras' {@code image_dataset_from_directory}:
 *
 * <pre>{@code
 * var options = ImageFolderOptions.size(64, 64).colorMode("grayscale").validationSplit(0.2).seed(7);
 * }</pre>
 *
 * <ul>
 *   <li>{@code size(height, width)}: every image is resized to this size (Keras {@code image_size}).</li>
 *   <li>{@code colorMode}: {@code "rgb"} (3 channels, the default as in Keras) or {@code "grayscale"}
 *       (1 channel, {@code 0.2989 R + 0.5870 G + 0.1140 B}, the weights of TensorFlow's
 *       {@code rgb_to_grayscale}). Alpha is dropped.</li>
 *   <li>{@code interpolation}: {@code "bilinear"} (default, as Keras), {@code "area"} or {@code "nearest"};
 *       see {@link ImageResize}.</li>
 *   <li>{@code shuffle} (default true) and {@code seed} (default 0): the file order is shuffled with
 *       {@code java.util.Random(seed)} before the validation split, so both parts hold every class.</li>
 *   <li>{@code validationSplit}: the fraction held out; {@code subset("training")} or
 *       {@code subset("validation")} picks one part, {@link Datasets#imageFolderSplit} returns both.</li>
 *   <li>{@code classNames}: the class subfolders to use, in this order (default: all, sorted by name).</li>
 *   <li>{@code progress}: a {@link LoadListener} for this load (besides the global ones).</li>
 * </ul>
 */
public final class ImageFolderOptions {
    /** Accepted file name extensions (lower case), as Keras' allow-list. */
    public static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "gif", "bmp");

    private final int height;
    private final int width;
    private int channels = 3;
    private ImageResize.Method interpolation = ImageResize.Method.BILINEAR;
    private boolean shuffle = true;
    private long seed;
    private double validationSplit;
    private String subset;
    private List<String> classNames;
    private LoadListener progress;

    private ImageFolderOptions(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("imageFolder: image size must be at least 1x1, got height=" + height
                    + ", width=" + width + "; e.g. ImageFolderOptions.size(64, 64).");
        }
        this.height = height;
        this.width = width;
    }

    /** Options for images resized to {@code height x width}; RGB, bilinear, shuffled with seed 0. */
    public static ImageFolderOptions size(int height, int width) {
        return new ImageFolderOptions(height, width);
    }

    /** {@code "rgb"} (3 channels) or {@code "grayscale"} (1 channel). */
    public ImageFolderOptions colorMode(String mode) {
        switch (mode == null ? "" : mode.toLowerCase(Locale.ROOT)) {
            case "rgb" -> channels = 3;
            case "grayscale", "greyscale", "gray", "grey" -> channels = 1;
            default -> throw new IllegalArgumentException("imageFolder: colorMode must be \"rgb\" or \"grayscale\", got \""
                    + mode + "\".");
        }
        return this;
    }

    /** Short for {@code colorMode("grayscale")}. */
    public ImageFolderOptions grayscale() {
        return colorMode("grayscale");
    }

    /** {@code "bilinear"}, {@code "area"} or {@code "nearest"}. */
    public ImageFolderOptions interpolation(String method) {
        interpolation = ImageResize.Method.of(method);
        return this;
    }

    public ImageFolderOptions shuffle(boolean shuffle) {
        this.shuffle = shuffle;
        return this;
    }

    public ImageFolderOptions seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** The fraction of the images held out for validation, in (0, 1). */
    public ImageFolderOptions validationSplit(double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("imageFolder: validationSplit must be in (0, 1), got " + fraction
                    + "; e.g. validationSplit(0.2) holds out 20% of the images.");
        }
        this.validationSplit = fraction;
        return this;
    }

    /** {@code "training"} or {@code "validation"}: which part of the validation split to load. */
    public ImageFolderOptions subset(String subset) {
        if (!"training".equals(subset) && !"validation".equals(subset)) {
            throw new IllegalArgumentException("imageFolder: subset must be \"training\" or \"validation\", got \""
                    + subset + "\"; use Datasets.imageFolderSplit(dir, options) for both.");
        }
        this.subset = subset;
        return this;
    }

    /** The class subfolders to load, in label order (default: every subfolder, sorted by name). */
    public ImageFolderOptions classNames(List<String> names) {
        if (names == null || names.isEmpty()) {
            throw new IllegalArgumentException("imageFolder: classNames must name at least one subfolder.");
        }
        this.classNames = List.copyOf(names);
        return this;
    }

    public ImageFolderOptions progress(LoadListener listener) {
        this.progress = listener;
        return this;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** 3 for RGB, 1 for grayscale. */
    public int channels() {
        return channels;
    }

    public ImageResize.Method interpolation() {
        return interpolation;
    }

    public boolean shuffle() {
        return shuffle;
    }

    public long seed() {
        return seed;
    }

    public double validationSplit() {
        return validationSplit;
    }

    /** {@code "training"}, {@code "validation"} or null. */
    public String subset() {
        return subset;
    }

    /** The requested class folders, or null for all. */
    public List<String> classNames() {
        return classNames;
    }

    LoadListener progress() {
        return progress;
    }
}
