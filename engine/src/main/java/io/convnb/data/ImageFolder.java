package io.convnb.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.awt.color.ColorSpace;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads a folder of class subfolders ({@code dir/cat/1.png, dir/dog/2.jpg, ...}) into a {@link Dataset}:
 * the layout of Keras' {@code image_dataset_from_directory}. See {@link Datasets#imageFolder}.
 */
final class ImageFolder {
    /** One image file and its class. */
    record Entry(Path file, int label) {
    }

    /** What the scan found: the images, the class names and what it left out. */
    record Scan(List<Entry> entries, List<String> classNames, List<String> ignored, int hidden, List<String> emptyClasses) {
    }

    private ImageFolder() {
    }

    static Scan scan(Path dir, List<String> wanted) {
        if (dir == null || !Files.exists(dir)) {
            throw new ImageFolderException("imageFolder: the folder " + dir + " does not exist; give the folder that "
                    + "holds one subfolder per class (e.g. photos/cat/*.jpg, photos/dog/*.jpg).");
        }
        if (!Files.isDirectory(dir)) {
            throw new ImageFolderException("imageFolder: " + dir + " is a file, not a folder; give the folder that "
                    + "holds one subfolder per class (e.g. photos/cat/*.jpg, photos/dog/*.jpg).");
        }
        List<String> folders = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        int hidden = 0;
        for (Path p : list(dir)) {
            String name = p.getFileName().toString();
            if (name.startsWith(".")) {
                hidden++;
            } else if (Files.isDirectory(p)) {
                folders.add(name);
            } else {
                ignored.add(name);
            }
        }
        if (folders.isEmpty()) {
            throw new ImageFolderException("imageFolder: " + dir + (ignored.isEmpty() ? " is empty" : " has no class subfolders (it holds "
                    + ignored.size() + " file" + (ignored.size() == 1 ? "" : "s") + ", e.g. " + ignored.get(0) + ")")
                    + "; put each class's images in a subfolder named after the class, e.g. " + dir.resolve("cat")
                    + "/1.png and " + dir.resolve("dog") + "/2.png.");
        }
        List<String> classes;
        if (wanted == null) {
            classes = folders;   // list() sorts, so labels follow the sorted folder names, as in Keras
        } else {
            for (String w : wanted) {
                if (!folders.contains(w)) {
                    throw new ImageFolderException("imageFolder: classNames names '" + w + "' but " + dir
                            + " has no such subfolder; its subfolders are " + folders + ".");
                }
            }
            classes = wanted;
        }
        List<Entry> entries = new ArrayList<>();
        List<String> emptyClasses = new ArrayList<>();
        for (int label = 0; label < classes.size(); label++) {
            Path classDir = dir.resolve(classes.get(label));
            int before = entries.size();
            hidden += collect(dir, classDir, label, entries, ignored);
            if (entries.size() == before) {
                emptyClasses.add(classes.get(label));
            }
        }
        if (entries.isEmpty()) {
            throw new ImageFolderException("imageFolder: no images in the class subfolders " + classes + " of " + dir
                    + (ignored.isEmpty() ? "" : " (ignored " + describe(ignored) + ")") + "; accepted are files ending in ."
                    + String.join(", .", ImageFolderOptions.EXTENSIONS) + ".");
        }
        return new Scan(entries, List.copyOf(classes), ignored, hidden, emptyClasses);
    }

    /** Adds the images under {@code folder} (recursively, sorted by path); returns the hidden entries skipped. */
    private static int collect(Path root, Path folder, int label, List<Entry> entries, List<String> ignored) {
        int hidden = 0;
        for (Path p : list(folder)) {
            String name = p.getFileName().toString();
            if (name.startsWith(".")) {
                hidden++;
            } else if (Files.isDirectory(p)) {
                hidden += collect(root, p, label, entries, ignored);
            } else if (isImageName(name)) {
                entries.add(new Entry(p, label));
            } else {
                ignored.add(root.relativize(p).toString());
            }
        }
        return hidden;
    }

    static boolean isImageName(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 && ImageFolderOptions.EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new ImageFolderException("imageFolder: cannot list " + dir + ": " + e.getMessage()
                    + "; check that the folder is readable.", e);
        }
    }

    /**
     * Loads the images of a scan: the file order shuffled with {@code Random(seed)} when asked, then the
     * validation split taken from the end (as Keras: the last {@code floor(split * N)} files).
     *
     * @return one data set, or two (training, validation) when {@code both}
     */
    static Dataset[] load(Path dir, ImageFolderOptions o, boolean both) {
        if (o.validationSplit() > 0 && o.subset() == null && !both) {
            throw new IllegalArgumentException("imageFolder: validationSplit(" + o.validationSplit() + ") needs subset(\"training\") or "
                    + "subset(\"validation\"), or use Datasets.imageFolderSplit(dir, options) to get both parts.");
        }
        if (both && o.validationSplit() == 0) {
            throw new IllegalArgumentException("imageFolderSplit: give the validation fraction, e.g. options.validationSplit(0.2).");
        }
        if (o.subset() != null && o.validationSplit() == 0) {
            throw new IllegalArgumentException("imageFolder: subset(\"" + o.subset() + "\") needs validationSplit(...), e.g. 0.2.");
        }
        Scan scan = scan(dir, o.classNames());
        List<Entry> entries = new ArrayList<>(scan.entries());
        if (o.shuffle()) {
            Collections.shuffle(entries, new Random(o.seed()));
        }
        int n = entries.size();
        int validation = (int) Math.floor(o.validationSplit() * n);
        if (o.validationSplit() > 0 && (validation < 1 || validation >= n)) {
            throw new IllegalArgumentException("imageFolder: validationSplit(" + o.validationSplit() + ") of " + n
                    + " images leaves " + validation + " for validation and " + (n - validation)
                    + " for training; both parts need at least one image: choose another fraction or add images.");
        }
        String name = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
        List<Entry> chosen = both || o.subset() == null ? entries
                : o.subset().equals("training") ? entries.subList(0, n - validation) : entries.subList(n - validation, n);
        LoadListener listener = LoadListeners.forLoad(o.progress());
        listener.onLoadBegin(name, chosen.size());
        INDArray features;
        try {
            features = decodeAll(chosen, o, listener);
        } catch (RuntimeException e) {
            listener.onLoadEnd(e.getMessage(), true);
            throw e;
        }
        int[] labels = chosen.stream().mapToInt(Entry::label).toArray();
        listener.onLoadEnd(summary(scan, o, both ? n - validation : -1, validation, chosen.size()), false);
        if (!both) {
            String suffix = o.subset() == null ? "" : "-" + o.subset();
            return new Dataset[] {Dataset.ofIndices(name + suffix, features, labels, scan.classNames())};
        }
        Dataset all = Dataset.ofIndices(name, features, labels, scan.classNames());
        Dataset train = all.slice(0, n - validation);
        Dataset val = all.slice(n - validation, n);
        return new Dataset[] {
            Dataset.ofIndices(name + "-training", train.features(), train.labelIndices(), scan.classNames()),
            Dataset.ofIndices(name + "-validation", val.features(), val.labelIndices(), scan.classNames())};
    }

    private static INDArray decodeAll(List<Entry> chosen, ImageFolderOptions o, LoadListener listener) {
        int h = o.height();
        int w = o.width();
        int c = o.channels();
        int per = h * w * c;
        INDArray features = Nd4j.createUninitialized(DataType.FLOAT, chosen.size(), h, w, c);
        // decode straight into the native buffer: no second copy of the whole set on the Java heap
        FloatBuffer memory = NativeFloats.buffer(features);
        int base = Math.toIntExact(features.offset());
        for (int i = 0; i < chosen.size(); i++) {
            Path file = chosen.get(i).file();
            Pixels p = pixels(read(file), c);
            float[] resized = ImageResize.resize(p.values(), p.height(), p.width(), c, h, w, o.interpolation());
            memory.put(base + i * per, resized, 0, per);
            listener.onFileLoaded(i + 1, chosen.size(), file);
        }
        return features;
    }

    /** A decoded image: channels-last values in [0, 1]. */
    record Pixels(float[] values, int height, int width) {
    }

    /** Decodes one file with javax.imageio (GIF: its first frame). */
    static BufferedImage read(Path file) {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new ImageFolderException("imageFolder: cannot read the image " + file + ": " + e.getMessage()
                    + ". Replace or delete the file (is it truncated, or not really a "
                    + extension(file) + "?).", e);
        }
        if (image == null) {
            throw new ImageFolderException("imageFolder: " + file + " is not an image that javax.imageio can decode "
                    + "(no reader recognises its content). Replace or delete the file, or convert it to PNG.");
        }
        return image;
    }

    /**
     * The pixels of {@code image} as channels-last floats in [0, 1] with {@code channels} channels: grey
     * images are read from their raster (their samples, not a colour-converted copy, so a grey PNG byte
     * {@code v} becomes exactly {@code v/255}); other images through sRGB, then to grey with
     * {@code 0.2989 R + 0.5870 G + 0.1140 B} when asked.
     */
    static Pixels pixels(BufferedImage image, int channels) {
        int h = image.getHeight();
        int w = image.getWidth();
        float[] out = new float[h * w * channels];
        ColorModel cm = image.getColorModel();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1
                && !(cm instanceof java.awt.image.IndexColorModel)) {
            Raster r = image.getRaster();
            float max = (1 << cm.getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = r.getSample(x, y, 0) / max;
                    for (int k = 0; k < channels; k++) {
                        out[(y * w + x) * channels + k] = v;
                    }
                }
            }
            return new Pixels(out, h, w);
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < argb.length; i++) {
            float red = ((argb[i] >> 16) & 0xff) / 255f;
            float green = ((argb[i] >> 8) & 0xff) / 255f;
            float blue = (argb[i] & 0xff) / 255f;
            if (channels == 1) {
                out[i] = (float) (0.2989 * red + 0.5870 * green + 0.1140 * blue);
            } else {
                out[i * 3] = red;
                out[i * 3 + 1] = green;
                out[i * 3 + 2] = blue;
            }
        }
        return new Pixels(out, h, w);
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "image" : name.substring(dot + 1).toUpperCase(Locale.ROOT) + " file";
    }

    /** Keras' line "Found N files belonging to K classes." plus what was left out. */
    static String summary(Scan scan, ImageFolderOptions o, int training, int validation, int loaded) {
        int files = scan.entries().size();
        int classes = scan.classNames().size();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "Found %,d file%s belonging to %d class%s", files,
                files == 1 ? "" : "s", classes, classes == 1 ? "" : "es"));
        if (training >= 0) {
            s.append(String.format(Locale.ROOT, "; using %,d for training and %,d for validation", training, validation));
        } else if (o.subset() != null) {
            s.append(String.format(Locale.ROOT, "; using %,d for %s", loaded, o.subset()));
        }
        s.append(String.format(Locale.ROOT, "; resized to %dx%d (%s, %s)", o.height(), o.width(),
                o.interpolation().name().toLowerCase(Locale.ROOT), o.channels() == 1 ? "grayscale" : "rgb"));
        if (!scan.ignored().isEmpty()) {
            s.append("; ignored ").append(describe(scan.ignored())).append(" (not .")
                    .append(String.join("/.", ImageFolderOptions.EXTENSIONS)).append(')');
        }
        if (scan.hidden() > 0) {
            s.append("; skipped ").append(scan.hidden()).append(" hidden file").append(scan.hidden() == 1 ? "" : "s");
        }
        if (!scan.emptyClasses().isEmpty()) {
            s.append("; WARNING: no images for class").append(scan.emptyClasses().size() == 1 ? " " : "es ")
                    .append(scan.emptyClasses());
        }
        return s.append('.').toString();
    }

    private static String describe(List<String> files) {
        StringBuilder s = new StringBuilder().append(files.size()).append(files.size() == 1 ? " file: " : " files: ");
        s.append(String.join(", ", files.subList(0, Math.min(5, files.size()))));
        if (files.size() > 5) {
            s.append(", ...");
        }
        return s.toString();
    }
}
