package io.convnb.data;

/**
 * Progress of a loader that reads many files ({@link Datasets#imageFolder}), for progress bars. All calls
 * come from the loading thread, in order: {@code onLoadBegin}, {@code onFileLoaded} once per file, then
 * {@code onLoadEnd} (also after an error, with the partial count, so a display can close).
 */
public interface LoadListener {
    /** Loading of {@code files} files for the data set {@code name} starts. */
    default void onLoadBegin(String name, int files) {
    }

    /** {@code done} of {@code total} files are loaded; {@code file} is the last one. */
    default void onFileLoaded(int done, int total, java.nio.file.Path file) {
    }

    /**
     * Loading ended. {@code summary} is the Keras-style report, e.g. {@code "Found 300 files belonging to
     * 10 classes; ignored 1 file that is not an image: notes.txt"}; {@code failed} tells whether it ended
     * with an error.
     */
    default void onLoadEnd(String summary, boolean failed) {
    }
}
