package io.convnb.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.layers.Dense;
import io.convnb.layers.Flatten;
import io.convnb.magic.TestKernel;
import io.convnb.model.Sequential;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** The one entry point, installed into a real basekernel 2.3.0 kernel. */
class ConvnbExtensionTest {
    @Test
    void installRegistersRenderersAndMagicsOnce() throws Exception {
        TestKernel kernel = new TestKernel();
        ConvnbExtension.install(kernel);
        ConvnbExtension.install(kernel);   // idempotent
        assertSame(kernel, ConvnbExtension.kernel());

        DisplayData array = kernel.getRenderer().render(Nd4j.create(new double[][] {{1, 2}, {3, 4}}));
        assertTrue(((String) array.getData(MIMEType.TEXT_PLAIN)).contains("shape=(2, 2)"), "INDArray text");
        assertNotNull(array.getData(MIMEType.TEXT_HTML), "INDArray HTML table");

        Sequential model = new Sequential().add(new Flatten().inputShape(2, 2, 1)).add(new Dense(3));
        String html = (String) kernel.getRenderer().render(model).getData(MIMEType.TEXT_HTML);
        assertTrue(html.contains("dense (Dense)") && html.contains("Total params"), html);

        for (String magic : List.of("convmath", "dataset", "environment", "display")) {
            kernel.getMagics().applyLineMagic(magic, List.of("--help"));
            assertTrue(((String) kernel.displayedLast().getData(MIMEType.TEXT_PLAIN)).contains("%" + magic), "help of %" + magic);
        }
        for (String magic : List.of("convmath", "conv")) {
            kernel.getMagics().applyCellMagic(magic, List.of("--help"), "");
            assertTrue(((String) kernel.displayedLast().getData(MIMEType.TEXT_PLAIN)).contains("%%" + magic), "help of %%" + magic);
        }
        kernel.getMagics().applyLineMagic("convmath", List.of("input=5", "kernel=3"));
        DisplayData shown = kernel.displayedLast();
        assertTrue(((String) shown.getData(MIMEType.TEXT_PLAIN)).contains("3x3"), "magics display their own output");
    }

    /**
     * IJava 1.3.0 has its own %maven (Ivy), %jars and %classpath; the extension, which IJava and the
     * convnb kernel both install, must leave them alone (the convnb kernel registers its own itself).
     */
    @Test
    void installLeavesTheHostsMavenAndClasspathMagicsAlone() throws Exception {
        TestKernel ijavaLike = new TestKernel();
        List<List<String>> calls = new java.util.ArrayList<>();
        ijavaLike.getMagics().registerLineMagic("maven", args -> {
            calls.add(args);
            return "the host's %maven";
        });
        ConvnbExtension.install(ijavaLike);
        assertEquals("the host's %maven", ijavaLike.getMagics().applyLineMagic("maven", List.of("g:a:1.0")));
        assertEquals(List.of(List.of("g:a:1.0")), calls);
        for (String magic : List.of("jars", "classpath")) {
            assertThrows(Exception.class, () -> ijavaLike.getMagics().applyLineMagic(magic, List.of("x.jar")),
                    "%" + magic + " is the host's business");
        }
    }

    @Test
    void installNeedsAKernel() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvnbExtension.install(null));
        assertEquals("ConvnbExtension.install: the kernel is null. In IJava call ConvnbExtension.install(io.github.spencerpark.ijava"
                + ".IJava.getKernelInstance()) from a cell or a startup script.", e.getMessage());
    }
}
