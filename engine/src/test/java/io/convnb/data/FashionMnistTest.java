package io.convnb.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real Fashion-MNIST (Debian dataset-fashion-mnist), checked against bytes decoded independently here. */
class FashionMnistTest {
    static TrainTest data;

    @BeforeAll
    static void load() {
        data = TestData.fashionMnist();
    }

    /** The raw bytes of a gzipped IDX file, decoded without IdxReader. */
    private static byte[] gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    private static Path file(String name) {
        return Datasets.fashionMnistDirectory(System.getProperties(), System.getenv()).resolve(name);
    }

    @Test
    void countsShapesAndClassNames() {
        assertEquals(60_000, data.train().size());
        assertEquals(10_000, data.test().size());
        assertArrayEquals(new long[] {60_000, 28, 28, 1}, data.train().features().shape());
        assertArrayEquals(new long[] {10_000, 10}, data.test().labels().shape());
        assertArrayEquals(new long[] {28, 28, 1}, data.train().sampleShape());
        assertEquals(List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                "Ankle boot"), data.train().classNames());
        assertEquals("fashion-mnist-train", data.train().name());
    }

    @Test
    void valuesInUnitRangeAndLabelsOneHot() {
        for (Dataset d : new Dataset[] {data.train(), data.test()}) {
            assertEquals(0.0, d.features().minNumber().doubleValue());
            assertEquals(1.0, d.features().maxNumber().doubleValue());
            assertEquals(d.size(), d.labels().sumNumber().doubleValue(), 0.0);
            assertEquals(1.0, d.labels().maxNumber().doubleValue());
            assertEquals(0.0, d.labels().minNumber().doubleValue());
        }
    }

    @Test
    void balancedClasses() {
        int[] train = new int[10];
        int[] test = new int[10];
        java.util.Arrays.fill(train, 6_000);
        java.util.Arrays.fill(test, 1_000);
        assertArrayEquals(train, data.train().classCounts());
        assertArrayEquals(test, data.test().classCounts());
    }

    @Test
    void firstSamplesMatchIndependentlyDecodedBytes() throws IOException {
        byte[] images = gunzip(file("train-images-idx3-ubyte.gz"));
        byte[] labels = gunzip(file("train-labels-idx1-ubyte.gz"));
        // header: magic 0x00000803, then 60000, 28, 28 as big-endian ints; labels: 0x00000801, 60000
        assertEquals(0x03, images[3]);
        assertEquals(16 + 60_000 * 784, images.length);
        for (int sample : new int[] {0, 1, 59_999}) {
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    float want = (images[16 + sample * 784 + y * 28 + x] & 0xFF) / 255f;
                    assertEquals(want, data.train().features().getFloat(sample, y, x, 0), "sample " + sample + " at " + y + "," + x);
                }
            }
            assertEquals(labels[8 + sample], data.train().labelIndex(sample));
        }
        // the first Fashion-MNIST training image is an ankle boot
        assertEquals(9, data.train().labelIndex(0));
        assertEquals("Ankle boot", data.train().classNames().get(data.train().labelIndex(0)));
    }

    @Test
    void wholeTestSetMatchesIndependentDecode() throws IOException {
        byte[] images = gunzip(file("t10k-images-idx3-ubyte.gz"));
        byte[] labels = gunzip(file("t10k-labels-idx1-ubyte.gz"));
        float[] got = data.test().features().dup().data().asFloat();
        assertEquals(10_000 * 784, got.length);
        for (int i = 0; i < got.length; i++) {
            if (got[i] != (images[16 + i] & 0xFF) / 255f) {
                throw new AssertionError("pixel " + i + ": got " + got[i] + ", file byte " + (images[16 + i] & 0xFF));
            }
        }
        int[] li = data.test().labelIndices();
        for (int i = 0; i < li.length; i++) {
            assertEquals(labels[8 + i], li[i], "label " + i);
        }
    }

    @Test
    void oneShuffledEpochOfRealBatchesSeesEverySampleOnce() {
        Dataset train = data.train();
        BatchIterator it = train.batches(64, true, 2024);
        assertEquals(938, it.count());   // ceil(60000 / 64)
        double[] classSums = new double[10];
        double pixelSum = 0;
        long t0 = System.nanoTime();
        int lastSize = -1;
        while (it.hasNext()) {
            Batch b = it.next();
            pixelSum += b.features().sumNumber().doubleValue();
            double[] perClass = b.labels().sum(0).toDoubleVector();
            for (int c = 0; c < 10; c++) {
                classSums[c] += perClass[c];
            }
            lastSize = b.size();
        }
        long micros = (System.nanoTime() - t0) / 1000;
        assertEquals(60_000 - 937 * 64, lastSize);
        assertArrayEquals(new double[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000}, classSums);
        // each sample exactly once: the pixel total equals the data set's (summed here in double; a float
        // sum over 47 million values would be off by about 1%)
        double reference = 0;
        for (float v : train.features().dup().data().asFloat()) {
            reference += v;
        }
        assertEquals(reference, pixelSum, 1e-5 * reference);
        System.out.println("one epoch of 938 batches (with per-batch sums): " + micros / 1000 + " ms");
    }

    @Test
    void sourcesReportSizeAndSha256LikeSha256sum() throws Exception {
        List<DataSource> sources = Datasets.sources();
        List<DataSource> fashion = sources.stream().filter(s -> s.name().equals("fashion-mnist")).toList();
        assertEquals(4, fashion.size());
        for (DataSource s : fashion) {
            Process p = new ProcessBuilder("sha256sum", s.path().toString()).start();
            String expected = new String(p.getInputStream().readAllBytes()).split(" ")[0];
            assertEquals(0, p.waitFor());
            assertEquals(expected, s.sha256(), s.path().toString());
            assertEquals(Files.size(s.path()), s.sizeBytes());
        }
    }

    @Test
    void missingDirectoryNamesTheInstallCommandAndTheVariable(@TempDir Path empty) throws IOException {
        Files.write(empty.resolve("train-images-idx3-ubyte.gz"), new byte[0]);
        DataNotFoundException e = assertThrows(DataNotFoundException.class, () -> Datasets.fashionMnist(empty));
        assertEquals("Fashion-MNIST not found: " + empty + " lacks train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "
                + "t10k-labels-idx1-ubyte.gz. Install it with: sudo apt-get install dataset-fashion-mnist (or bash scripts/get-data.sh), "
                + "or point -Dconvnb.fashionMnist=DIR or the environment variable CONVNB_FASHION_MNIST at a directory holding the "
                + "four IDX files.", e.getMessage());
        assertTrue(e instanceof IllegalStateException);
    }

    @Test
    void directoryResolutionOrder() {
        Properties props = new Properties();
        assertEquals(Path.of("/usr/share/datasets/fashion-mnist"), Datasets.fashionMnistDirectory(props, Map.of()));
        assertEquals(Path.of("/env/dir"), Datasets.fashionMnistDirectory(props, Map.of("CONVNB_FASHION_MNIST", "/env/dir")));
        props.setProperty("convnb.fashionMnist", "/prop/dir");
        assertEquals(Path.of("/prop/dir"), Datasets.fashionMnistDirectory(props, Map.of("CONVNB_FASHION_MNIST", "/env/dir")));
    }

    @Test
    void plainIdxFilesWork(@TempDir Path dir) throws IOException {
        // the same data uncompressed, under the plain names: identical content
        for (String f : Datasets.FASHION_FILES) {
            byte[] raw = gunzip(file(f + ".gz"));
            if (f.startsWith("train")) {
                // keep the copy small: first 100 samples, with the counts in the header rewritten
                int header = f.contains("images") ? 16 : 8;
                int item = f.contains("images") ? 784 : 1;
                byte[] cut = java.util.Arrays.copyOf(raw, header + 100 * item);
                java.nio.ByteBuffer.wrap(cut).putInt(4, 100);
                raw = cut;
            }
            Files.write(dir.resolve(f), raw);
        }
        TrainTest plain = Datasets.fashionMnist(dir);
        assertEquals(100, plain.train().size());
        assertEquals(data.train().take(100).features(), plain.train().features());
        assertEquals(data.test().features(), plain.test().features());
    }
}
