package io.convnb.kernel;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs {@code src/test/python/test_kernel_protocol.py}: the assembled kernel
 * ({@code target/convnb-kernel}, made in the package phase) driven by Debian's real jupyter_client;
 * then the same magics and errors in the real IJava 1.3.0 with the extension, when its release
 * archive is at hand ({@code CONVNB_IJAVA_ZIP}; {@code ./convnb test} and CI set it).
 */
class KernelProtocolIT {
    static final String PYTHON = "/usr/bin/python3";
    static final String INSTALL_HINT = "sudo apt-get install -y python3 python3-jupyter-client jupyter-client jupyter-core";

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void kernelSpeaksTheJupyterProtocol() throws Exception {
        runProtocolScript(List.of());
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void ijavaHostsTheExtension() throws Exception {
        String zip = System.getenv("CONVNB_IJAVA_ZIP");
        Assumptions.assumeTrue(zip != null && Files.isRegularFile(Path.of(zip)),
                "IJava 1.3.0 not tested: set CONVNB_IJAVA_ZIP=/path/to/ijava-1.3.0.zip (./convnb test and CI do)");
        runProtocolScript(List.of("--host", "ijava", "--ijava-zip", zip));
    }

    private static void runProtocolScript(List<String> extra) throws Exception {
        Path kernelDir = Path.of(System.getProperty("convnb.kernel.dir", "target/convnb-kernel")).toAbsolutePath();
        Path repoRoot = Path.of(System.getProperty("convnb.repo.root", "..")).toAbsolutePath().normalize();
        Path script = repoRoot.resolve("kernel-ext/src/test/python/test_kernel_protocol.py");
        assertTrue(Files.isDirectory(kernelDir.resolve("lib")), "no assembled kernel at " + kernelDir + "; run mvn -B verify");

        if (!Files.isExecutable(Path.of(PYTHON))) {
            fail(PYTHON + " is missing; the protocol test needs Debian's Python and Jupyter: " + INSTALL_HINT);
        }
        Result probe = run(List.of(PYTHON, "-c", "import jupyter_client"), repoRoot, 60);
        if (probe.exit != 0) {
            fail("jupyter_client is not importable by " + PYTHON + ":\n" + probe.output + "\nInstall it: " + INSTALL_HINT);
        }
        if (!Files.isExecutable(Path.of("/usr/bin/jupyter"))) {
            fail("/usr/bin/jupyter is missing (the installer uses `jupyter kernelspec install`): " + INSTALL_HINT);
        }

        List<String> command = new java.util.ArrayList<>(List.of(PYTHON, script.toString(), "--kernel-dir",
                kernelDir.toString(), "--repo-root", repoRoot.toString()));
        command.addAll(extra);
        Result r = run(command, repoRoot, 540);
        System.out.println(r.output);
        assertEquals(0, r.exit, "protocol checks failed:\n" + r.output);
        assertTrue(r.output.contains("all checks passed"), r.output);
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command, Path dir, long timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("convnb-protocol", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeoutSeconds + " s\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
