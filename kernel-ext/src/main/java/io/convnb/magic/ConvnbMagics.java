package io.convnb.magic;

import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.magic.registry.Magics;

import java.lang.reflect.Method;
import java.util.List;

/**
 * Registers convnb's magics with a kernel: {@code %convmath}, {@code %%convmath}, {@code %%conv},
 * {@code %dataset}, {@code %environment}, {@code %display} and {@code %convnb_version}.
 *
 * <p>Each magic is a pure function from its arguments (and cell body) to a {@link DisplayData}. IJava
 * does not display what a magic returns, so each registered function calls
 * {@code kernel.display(result)} itself and returns {@code null}. Errors are
 * {@link MagicArgumentException}s, which the kernel shows as the cell's error; no magic keeps state
 * that an error could leave half-changed.
 */
public final class ConvnbMagics {
    /** The line magics, by name. */
    public static final List<String> LINE_MAGICS = List.of("convmath", "dataset", "environment", "display",
            "convnb_version");
    /** The cell magics, by name. */
    public static final List<String> CELL_MAGICS = List.of("convmath", "conv");

    private ConvnbMagics() {
    }

    /**
     * Registers every magic with the kernel's {@code Magics}. Both IJava's kernel and the convnb kernel
     * have a public {@code Magics getMagics()}; basekernel's {@code BaseKernel} does not, so it is
     * looked up by name.
     *
     * @throws IllegalArgumentException if the kernel has no {@code getMagics()} method
     */
    public static void registerAll(BaseKernel kernel) {
        registerAll(kernel, magicsOf(kernel));
    }

    /** Registers every magic with {@code magics}; outputs go to {@code kernel.display(...)}. */
    public static void registerAll(BaseKernel kernel, Magics magics) {
        magics.registerLineMagic("convmath", args -> show(kernel, ConvMath.line(args)));
        magics.registerCellMagic("convmath", (args, body) -> show(kernel, LayerStack.cell(args, body)));
        magics.registerCellMagic("conv", (args, body) -> show(kernel, ConvSteps.cell(args, body)));
        magics.registerLineMagic("dataset", args -> show(kernel, DatasetMagic.line(args)));
        magics.registerLineMagic("environment", args -> show(kernel, EnvironmentMagic.line(args, kernel)));
        magics.registerLineMagic("display", args -> show(kernel, DisplayMagic.line(args)));
        magics.registerLineMagic("convnb_version", args -> show(kernel, EnvironmentMagic.version(args)));
    }

    private static Object show(BaseKernel kernel, DisplayData data) {
        kernel.display(data);
        return null;
    }

    static Magics magicsOf(BaseKernel kernel) {
        try {
            Method getter = kernel.getClass().getMethod("getMagics");
            return (Magics) getter.invoke(kernel);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalArgumentException("Kernel " + kernel.getClass().getName() + " has no public Magics"
                    + " getMagics(); install convnb's magics into IJava 1.3.0 or the convnb kernel, or call"
                    + " ConvnbMagics.registerAll(kernel, magics).", e);
        }
    }
}
