package io.convnb.ext;

import io.convnb.display.Charts;
import io.convnb.display.Figure;
import io.convnb.display.HtmlView;
import io.convnb.display.ProgressView;
import io.convnb.model.History;
import io.convnb.model.TrainingListener;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Live progress of {@code fit} in a notebook: one output, created when training starts and updated in
 * place through its display id. While training it shows a progress bar with ETA and running metrics
 * (HTML, with a text fallback) and, after each epoch, the curves so far; when training ends it is
 * replaced by the final static chart (PNG) and a text summary, which is what the saved notebook keeps.
 *
 * <p>Batch updates are throttled (at most one per {@link #MIN_INTERVAL_NANOS}) because each one
 * travels to the browser and rendering the HTML costs more than a training step on small models.
 * Everything runs on the training thread, i.e. the executing cell's thread, so updates are not dropped.
 */
final class LiveTraining implements TrainingListener {
    static final long MIN_INTERVAL_NANOS = 500_000_000L;

    private final DisplaySink sink;
    private final String displayId = "convnb-fit-" + UUID.randomUUID();
    private final Map<String, List<Double>> curves = new LinkedHashMap<>();
    private TrainingInfo info;
    private long start;
    private long lastUpdate;
    private int epoch;
    private Figure chart;
    private boolean displayed;

    LiveTraining(DisplaySink sink) {
        this.sink = sink;
    }

    @Override
    public void onTrainBegin(TrainingInfo info) {
        this.info = info;
        start = System.nanoTime();
        publish(progress(0, Map.of()), true);
    }

    @Override
    public void onEpochBegin(int epoch) {
        this.epoch = epoch;
    }

    @Override
    public void onBatchEnd(int epoch, int batch, int batches, Map<String, Double> logs) {
        long now = System.nanoTime();
        if (now - lastUpdate < MIN_INTERVAL_NANOS && batch + 1 < batches) {
            return;
        }
        lastUpdate = now;
        publish(progress((long) epoch * batches + batch + 1, logs), false);
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        for (Map.Entry<String, Double> e : logs.entrySet()) {
            if (!e.getKey().equals("seconds")) {
                curves.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
            }
        }
        chart = Charts.trainingCurves(curves);
        publish(progress((long) (epoch + 1) * info.batchesPerEpoch(), logs), false);
    }

    @Override
    public void onTrainEnd(History history) {
        DisplayData data = new DisplayData();
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "Trained %d of %d epochs in %.1f s",
                history.epochCount(), info.epochs(), seconds()));
        if (!history.stopDetail().isEmpty()) {
            text.append(". ").append(history.stopDetail());
        }
        if (history.epochCount() > 0) {
            Figure chart = EngineRenderers.curves(history);
            data.putData(MIMEType.IMAGE_PNG, chart.base64());
            text.append('\n').append(chart.text());
        }
        data.putText(text.toString());
        publishData(data, false);
    }

    private HtmlView progress(long done, Map<String, Double> logs) {
        long total = (long) info.epochs() * info.batchesPerEpoch();
        String label = String.format(Locale.ROOT, "Epoch %d/%d", Math.min(epoch + 1, info.epochs()), info.epochs());
        return ProgressView.of(label, done, total, seconds(), logs);
    }

    private double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    private void publish(HtmlView view, boolean first) {
        HtmlView shown = chart == null ? view : ProgressView.withChart(view, chart);
        DisplayData data = new DisplayData();
        data.putHTML(shown.html());
        data.putText(view.text());
        publishData(data, first);
    }

    private void publishData(DisplayData data, boolean first) {
        data.setDisplayId(displayId);
        if (first || !displayed) {
            sink.display(data);
            displayed = true;
        } else {
            sink.update(displayId, data);
        }
    }
}
