package io.convnb.ext;

import io.convnb.data.LoadListener;
import io.convnb.display.HtmlView;
import io.convnb.display.ProgressView;
import io.convnb.display.Html;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * Live progress of a data loader ({@code Datasets.imageFolder}) in a notebook: one output with a progress
 * bar (HTML and a text fallback), updated in place through its display id at most every
 * {@link LiveTraining#MIN_INTERVAL_NANOS}, and replaced at the end by the loader's one-line summary
 * ("Found 300 files belonging to 10 classes ..."), which is what the saved notebook keeps. Small loads
 * that finish before the first update is due show only the summary.
 */
final class LiveLoading implements LoadListener {
    private final DisplaySink sink;
    private final String displayId = "convnb-load-" + UUID.randomUUID();
    private String name;
    private long start;
    private long lastUpdate;
    private boolean displayed;

    private final java.util.function.LongSupplier clock;

    LiveLoading(DisplaySink sink) {
        this(sink, System::nanoTime);
    }

    /** With {@code clock} in nanoseconds (tests pass a fake one). */
    LiveLoading(DisplaySink sink, java.util.function.LongSupplier clock) {
        this.sink = sink;
        this.clock = clock;
    }

    @Override
    public void onLoadBegin(String name, int files) {
        this.name = name;
        start = clock.getAsLong();
        lastUpdate = start;
    }

    @Override
    public void onFileLoaded(int done, int total, Path file) {
        long now = clock.getAsLong();
        if (now - lastUpdate < LiveTraining.MIN_INTERVAL_NANOS || done == total) {
            return;
        }
        lastUpdate = now;
        HtmlView view = ProgressView.of("Loading " + name, done, total, (now - start) / 1e9, Map.of());
        DisplayData data = new DisplayData();
        data.putHTML(view.html());
        data.putText(view.text());
        publish(data);
    }

    @Override
    public void onLoadEnd(String summary, boolean failed) {
        if (failed && !displayed) {
            return;   // the error itself reaches the cell; no progress output to close
        }
        String text = failed ? "Loading " + name + " failed: " + summary : summary;
        DisplayData data = new DisplayData();
        data.putText(text);
        data.putHTML("<div class=\"convnb-load\">" + Html.escape(text) + "</div>");
        publish(data);
    }

    private void publish(DisplayData data) {
        data.setDisplayId(displayId);
        if (!displayed) {
            sink.display(data);
            displayed = true;
        } else {
            sink.update(displayId, data);
        }
    }
}
