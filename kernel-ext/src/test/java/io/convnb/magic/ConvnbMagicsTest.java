package io.convnb.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.display.DisplayOptions;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.magic.registry.Magics;
import io.github.spencerpark.jupyter.kernel.magic.registry.UndefinedMagicException;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Registration against a real basekernel 2.3.0 {@code BaseKernel} and {@code Magics}. */
class ConvnbMagicsTest {

    @Test
    void helpThenBadThenGoodInOneKernel() throws Exception {
        TestKernel kernel = new TestKernel();
        ConvnbMagics.registerAll(kernel);
        Magics magics = kernel.getMagics();

        assertNull(magics.applyLineMagic("convmath", List.of("--help")));
        assertEquals(1, kernel.displayed.size());
        assertEquals(ConvMath.USAGE, Gallery.text(kernel.displayed.get(0)));

        MagicArgumentException e = assertThrows(MagicArgumentException.class,
                () -> magics.applyLineMagic("convmath", List.of("input=28", "kernel=3", "strides=2")));
        assertTrue(e.getMessage().startsWith("%convmath: Unknown argument 'strides'. Did you mean 'stride'?"), e.getMessage());
        assertEquals(1, kernel.displayed.size());

        assertNull(magics.applyLineMagic("convmath", List.of("input=28x28", "kernel=3", "stride=2", "padding=same")));
        assertEquals(2, kernel.displayed.size());
        DisplayData out = kernel.displayed.get(1);
        assertTrue(Gallery.text(out).contains("-> output 14x14"), Gallery.text(out));
        assertTrue(Gallery.png(out).getWidth() > 0);

        assertNull(magics.applyCellMagic("convmath", List.of("input=32"), "conv 3\npool 2\n"));
        assertTrue(Gallery.text(kernel.displayed.get(2)).contains("15x15"), Gallery.text(kernel.displayed.get(2)));

        assertNull(magics.applyCellMagic("conv", List.of("kernel=identity"), "1 2 3\n4 5 6\n7 8 9\n"));
        assertTrue(Gallery.text(kernel.displayed.get(3)).contains("output:\n5\n"), Gallery.text(kernel.displayed.get(3)));

        assertNull(magics.applyLineMagic("environment", List.of()));
        assertTrue(Gallery.text(kernel.displayed.get(4)).contains(TestKernel.class.getName()));

        String before = DisplayOptions.global().toString();
        try {
            assertThrows(MagicArgumentException.class, () -> magics.applyLineMagic("display", List.of("rows=0")));
            assertEquals(before, DisplayOptions.global().toString());
            assertNull(magics.applyLineMagic("display", List.of("precision=2")));
            assertEquals(2, DisplayOptions.global().precision());
        } finally {
            DisplayOptions.global().reset();
        }

        assertThrows(MagicArgumentException.class, () -> magics.applyLineMagic("dataset", List.of("cifar")));
        assertThrows(UndefinedMagicException.class, () -> magics.applyLineMagic("conv", List.of()));
    }

    @Test
    void everyMagicHasHelp() throws Exception {
        TestKernel kernel = new TestKernel();
        ConvnbMagics.registerAll(kernel);
        for (String name : ConvnbMagics.LINE_MAGICS) {
            kernel.getMagics().applyLineMagic(name, List.of("--help"));
        }
        for (String name : ConvnbMagics.CELL_MAGICS) {
            kernel.getMagics().applyCellMagic(name, List.of("--help"), "");
        }
        assertEquals(ConvnbMagics.LINE_MAGICS.size() + ConvnbMagics.CELL_MAGICS.size(), kernel.displayed.size());
        List<String> starts = List.of("%convmath ", "%dataset ", "%environment\n", "%display ", "%convnb_version\n",
                "%%convmath ", "%%conv ");
        for (int i = 0; i < starts.size(); i++) {
            DisplayData d = kernel.displayed.get(i);
            String help = Gallery.text(d);
            assertTrue(help.startsWith(starts.get(i)), help);
            Html.parse(Gallery.html(d));
        }
    }

    @Test
    void kernelWithoutGetMagicsIsRejected() {
        BaseKernel bare = new BaseKernel() {
            @Override
            public DisplayData eval(String expr) {
                return null;
            }

            @Override
            public LanguageInfo getLanguageInfo() {
                return new LanguageInfo.Builder("x").build();
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvnbMagics.registerAll(bare));
        assertTrue(e.getMessage().endsWith("has no public Magics getMagics(); install convnb's magics into IJava 1.3.0 or"
                + " the convnb kernel, or call ConvnbMagics.registerAll(kernel, magics)."), e.getMessage());
    }
}
