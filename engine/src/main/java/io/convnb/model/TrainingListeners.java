package io.convnb.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Listeners attached to every {@code fit} without user code. The notebook extension registers one
 * here so that a plain {@code model.fit(...)} cell shows live progress; the engine itself knows
 * nothing of notebooks.
 */
public final class TrainingListeners {
    private static final List<Function<Sequential, TrainingListener>> GLOBAL = new CopyOnWriteArrayList<>();

    private TrainingListeners() {
    }

    /** Registers a factory called at the start of every {@code fit}; returns a handle for removal. */
    public static Function<Sequential, TrainingListener> registerGlobal(Function<Sequential, TrainingListener> factory) {
        GLOBAL.add(factory);
        return factory;
    }

    public static void unregisterGlobal(Function<Sequential, TrainingListener> factory) {
        GLOBAL.remove(factory);
    }

    static List<TrainingListener> create(Sequential model) {
        List<TrainingListener> list = new ArrayList<>();
        for (Function<Sequential, TrainingListener> f : GLOBAL) {
            TrainingListener l = f.apply(model);
            if (l != null) {
                list.add(l);
            }
        }
        return list;
    }
}
