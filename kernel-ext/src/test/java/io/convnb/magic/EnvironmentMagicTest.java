package io.convnb.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.data.DataSource;
import io.convnb.data.Datasets;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class EnvironmentMagicTest {

    @Test
    void recordsWhatAnExperimentNeeds() throws Exception {
        TestKernel kernel = new TestKernel();
        long t0 = System.nanoTime();
        DisplayData d = EnvironmentMagic.line(List.of(), kernel);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String text = Gallery.text(d);
        assertTrue(text.contains("java    version"), text);
        assertTrue(text.contains(System.getProperty("java.vendor")), text);
        assertTrue(text.contains("cpu cores  " + Runtime.getRuntime().availableProcessors()) || text.matches(
                "(?s).*cpu cores\\s+" + Runtime.getRuntime().availableProcessors() + "\\n.*"), text);
        assertTrue(text.contains(TestKernel.class.getName()), text);
        assertTrue(text.contains("test-java 17"), text);
        assertTrue(text.contains(Nd4j.getBackend().getClass().getName()), text);
        assertTrue(text.contains("blas.vendor"), text);
        assertTrue(text.contains("OPENBLAS_CORETYPE"), text);
        assertTrue(text.contains("OMP_NUM_THREADS"), text);
        assertTrue(text.contains("Nd4j.getRandom().getSeed()"), text);
        // the JavaCPP caps as JavaCPP itself reports them (surefire sets no javacpp properties, so
        // JavaCPP 1.5.7's defaults: maxbytes = max heap, maxphysicalbytes = 4 x maxbytes)
        assertEquals(Runtime.getRuntime().maxMemory(), org.bytedeco.javacpp.Pointer.maxBytes());
        assertTrue(text.matches("(?s).*JavaCPP maxbytes\\s+" + (org.bytedeco.javacpp.Pointer.maxBytes() >> 20) + " MiB.*"), text);
        assertTrue(text.matches("(?s).*JavaCPP maxphysicalbytes\\s+" + (4 * org.bytedeco.javacpp.Pointer.maxBytes() >> 20)
                + " MiB.*"), text);
        assertTrue(text.contains(System.getenv("CONVNB_MEMORY") == null ? "not started by convnb-launch.sh"
                : System.getenv("CONVNB_MEMORY")), text);
        // surefire's JVM has no launcher limit, so the extension left the tensor guard off and says so
        assertTrue(text.matches("(?s).*tensor guard\\s+off \\(not started by convnb-launch.sh\\): a tensor larger than "
                + "the free memory is allocated anyway.*"), text);
        // every data file listed with the SHA-256 of its bytes, checked here with the JDK's digest
        List<DataSource> sources = Datasets.sources();
        assertTrue(!sources.isEmpty(), "no data files found; install dataset-fashion-mnist");
        DataSource first = sources.get(0);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(first.path())));
        assertTrue(text.contains("sha256 " + sha), text);
        Html.parse(Gallery.html(d));
        System.out.println("%environment took " + ms + " ms");
        Gallery.save("environment", d);
    }

    @Test
    void version() {
        // the version Maven filtered into the kernel's resource file is the project version of the pom
        assertEquals("convnb 0.1.0", Gallery.text(EnvironmentMagic.version(List.of())));
        assertEquals("%convnb_version takes no arguments but --help, received 'extra'. Write just %convnb_version.",
                assertThrows(MagicArgumentException.class, () -> EnvironmentMagic.version(List.of("extra"))).getMessage());
    }

    @Test
    void noArguments() {
        assertEquals("%environment takes no arguments but --help, received 'all'. Write just %environment.",
                assertThrows(MagicArgumentException.class, () -> EnvironmentMagic.line(List.of("all"), null)).getMessage());
        assertEquals(EnvironmentMagic.USAGE, Gallery.text(EnvironmentMagic.line(List.of("--help"), null)));
    }
}
