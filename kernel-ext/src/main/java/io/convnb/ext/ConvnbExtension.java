package io.convnb.ext;

import io.convnb.display.Renderers;
import io.convnb.magic.ConvnbMagics;
import io.convnb.model.TrainingListener;
import io.convnb.model.TrainingListeners;
import io.convnb.model.Sequential;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import java.util.function.Function;
import java.util.function.Supplier;
import io.convnb.data.LoadListener;
import io.convnb.data.LoadListeners;

/**
 * The one entry point that turns a running Jupyter kernel into a convnb notebook: registers the
 * renderers (tensors, tables, models, histories, filters), the magics ({@code %convmath},
 * {@code %%conv}, ...), live training progress for every {@code fit}, and, in a kernel started by
 * {@code convnb-launch.sh}, the {@link io.convnb.memory.TensorMemoryGuard} with the launcher's memory caps.
 *
 * <p>In IJava 1.3.0 a startup script calls it with {@code IJava.getKernelInstance()}; convnb's own
 * kernel calls it at start-up. Calling it again with the same kernel does nothing; with another kernel
 * it moves the extension there.
 */
public final class ConvnbExtension {
    /** The extension's version, shown by {@code %environment}. */
    public static final String VERSION = "0.1.0";

    private static BaseKernel installed;
    private static Function<Sequential, TrainingListener> liveTraining;
    private static Supplier<LoadListener> liveLoading;

    private ConvnbExtension() {
    }

    public static synchronized void install(BaseKernel kernel) {
        if (kernel == null) {
            throw new IllegalArgumentException("ConvnbExtension.install: the kernel is null. In IJava call "
                    + "ConvnbExtension.install(io.github.spencerpark.ijava.IJava.getKernelInstance()) from a cell or a startup script.");
        }
        if (kernel == installed) {
            return;
        }
        io.convnb.ops.OpenMpPolicy.apply();   // before anything loads ND4J
        // First, before any cell or workspace allocates: tensors past the launcher's caps are refused
        // with a readable error instead of getting the kernel killed by the OS.
        LauncherMemory.installGuard();
        Renderers.registerAll(kernel.getRenderer());
        EngineRenderers.registerAll(kernel.getRenderer());
        ConvnbMagics.registerAll(kernel);
        if (liveTraining != null) {
            TrainingListeners.unregisterGlobal(liveTraining);
        }
        DisplaySink sink = DisplaySink.of(kernel);
        liveTraining = TrainingListeners.registerGlobal(model -> sink.attached() ? new LiveTraining(sink) : null);
        if (liveLoading != null) {
            LoadListeners.unregisterGlobal(liveLoading);
        }
        liveLoading = LoadListeners.registerGlobal(() -> sink.attached() ? new LiveLoading(sink) : null);
        installed = kernel;
        Notebook.attach(kernel);
    }

    /** The kernel the extension is installed in, or null outside a notebook. */
    public static synchronized BaseKernel kernel() {
        return installed;
    }
}
