package io.convnb.kernel;

import io.github.spencerpark.jupyter.kernel.magic.registry.Magics;

import java.util.Arrays;

/**
 * The entry points that {@link MagicSyntax} writes into a cell in place of {@code %magic} lines.
 * They run on the cell's execution thread, so a magic can display output, and is interrupted
 * like any other code of the cell.
 */
public final class MagicCalls {
    private static volatile Magics magics;

    private MagicCalls() {
    }

    /** Makes {@code registry} the one that magic calls dispatch to (done once by the kernel). */
    static void bind(Magics registry) {
        magics = registry;
    }

    /**
     * Runs line magic {@code name} with {@code args}.
     *
     * @return the magic's value (not displayed by the kernel)
     */
    public static <T> T line(String name, String... args) throws Exception {
        return registry().applyLineMagic(name, Arrays.asList(args));
    }

    /**
     * Runs cell magic {@code name} with {@code args} and the cell's remaining lines as {@code body}.
     *
     * @return the magic's value (not displayed by the kernel)
     */
    public static <T> T cell(String name, String body, String... args) throws Exception {
        return registry().applyCellMagic(name, Arrays.asList(args), body);
    }

    private static Magics registry() {
        Magics m = magics;
        if (m == null) {
            throw new IllegalStateException("Magics run only inside the convnb kernel, and none is running in this JVM.");
        }
        return m;
    }
}
