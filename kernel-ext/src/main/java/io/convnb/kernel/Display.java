package io.convnb.kernel;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;

import java.util.UUID;

/**
 * IJava's display functions, statically imported into every cell so notebooks written for IJava
 * run unchanged (plus IJava's {@code printf}): {@code display(x)} shows {@code x} now (and returns its display id),
 * {@code render(x)} returns the bundle, {@code updateDisplay(id, x)} replaces an earlier display.
 */
public final class Display {
    private Display() {
    }

    /** Renders {@code o} with the kernel's renderer (all registered MIME types). */
    public static DisplayData render(Object o) {
        return ConvnbKernel.requireInstance().getRenderer().render(o);
    }

    /** Renders {@code o} as the given MIME types only (e.g. {@code "text/html"}). */
    public static DisplayData render(Object o, String... as) {
        return ConvnbKernel.requireInstance().getRenderer().renderAs(o, as);
    }

    /** Displays {@code o} in the cell's output now; returns the display id for {@link #updateDisplay}. */
    public static String display(Object o) {
        return show(render(o));
    }

    /** Displays {@code o} as the given MIME types; returns the display id. */
    public static String display(Object o, String... as) {
        return show(render(o, as));
    }

    /** Replaces the output shown under display id {@code id} by {@code o}. */
    public static void updateDisplay(String id, Object o) {
        ConvnbKernel.requireInstance().getIO().display.updateDisplay(id, render(o));
    }

    /** Replaces the output shown under display id {@code id} by {@code o} rendered as the given MIME types. */
    public static void updateDisplay(String id, Object o, String... as) {
        ConvnbKernel.requireInstance().getIO().display.updateDisplay(id, render(o, as));
    }

    /** IJava's {@code printf}: {@code System.out.printf} without the prefix. */
    public static void printf(String format, Object... args) {
        System.out.printf(format, args);
    }

    private static String show(DisplayData data) {
        if (!data.hasDisplayId()) {
            data.setDisplayId(UUID.randomUUID().toString());
        }
        ConvnbKernel.requireInstance().display(data);
        return data.getDisplayId();
    }
}
