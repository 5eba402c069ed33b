package io.convnb.data;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Listeners that every loader notifies, registered by an environment (the notebook extension shows a live
 * progress bar through one). Without a registered listener that accepts, a loader prints its one-line
 * summary to {@code System.out}, as Keras' {@code image_dataset_from_directory} does.
 */
public final class LoadListeners {
    private static final List<Supplier<LoadListener>> GLOBAL = new CopyOnWriteArrayList<>();

    private LoadListeners() {
    }

    /** Adds a factory called once per load; it may return null to stay out of that load. */
    public static Supplier<LoadListener> registerGlobal(Supplier<LoadListener> factory) {
        GLOBAL.add(factory);
        return factory;
    }

    public static void unregisterGlobal(Supplier<LoadListener> factory) {
        GLOBAL.remove(factory);
    }

    /** The listeners for one load: {@code explicit} (if not null) and the global ones; a printer if none. */
    static LoadListener forLoad(LoadListener explicit) {
        List<LoadListener> all = new java.util.ArrayList<>();
        if (explicit != null) {
            all.add(explicit);
        }
        for (Supplier<LoadListener> f : GLOBAL) {
            LoadListener l = f.get();
            if (l != null) {
                all.add(l);
            }
        }
        if (all.isEmpty()) {
            all.add(new LoadListener() {
                @Override
                public void onLoadEnd(String summary, boolean failed) {
                    if (!failed) {
                        System.out.println(summary);
                    }
                }
            });
        }
        return new LoadListener() {
            @Override
            public void onLoadBegin(String name, int files) {
                all.forEach(l -> l.onLoadBegin(name, files));
            }

            @Override
            public void onFileLoaded(int done, int total, java.nio.file.Path file) {
                all.forEach(l -> l.onFileLoaded(done, total, file));
            }

            @Override
            public void onLoadEnd(String summary, boolean failed) {
                all.forEach(l -> l.onLoadEnd(summary, failed));
            }
        };
    }
}
