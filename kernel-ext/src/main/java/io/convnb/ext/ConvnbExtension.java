package io.convnb.ext;

import io.convnb.kernel.ConvnbKernel;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.magic.registry.Magics;

import java.lang.reflect.Method;

/**
 * Installs the convnb notebook extension into a running kernel: the convnb kernel, or IJava 1.3.0
 * (through {@code convnb-startup.jshell}). Minimal version: registers {@code %convnb_version}.
 */
public final class ConvnbExtension {
    private ConvnbExtension() {
    }

    /**
     * Registers convnb's magics with {@code kernel}. Both IJava's kernel and the convnb kernel
     * expose {@code public Magics getMagics()}; basekernel's {@code BaseKernel} does not, so it is
     * looked up by name.
     *
     * @throws IllegalArgumentException if the kernel has no {@code getMagics()} method
     */
    public static void install(BaseKernel kernel) {
        Magics magics = magicsOf(kernel);
        magics.registerLineMagic("convnb_version", args -> {
            if (!args.isEmpty()) {
                throw new IllegalArgumentException("%convnb_version takes no arguments, got " + args
                        + ". Write just %convnb_version.");
            }
            DisplayData data = new DisplayData("convnb " + ConvnbKernel.version());
            data.putHTML("<code>convnb " + ConvnbKernel.version() + "</code>");
            kernel.display(data);
            return null;
        });
    }

    static Magics magicsOf(BaseKernel kernel) {
        try {
            Method getter = kernel.getClass().getMethod("getMagics");
            return (Magics) getter.invoke(kernel);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalArgumentException("Kernel " + kernel.getClass().getName()
                    + " has no public Magics getMagics(); install convnb into IJava 1.3.0 or the convnb kernel.", e);
        }
    }
}
