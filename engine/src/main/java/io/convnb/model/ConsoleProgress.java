package io.convnb.model;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** Keras-like one line per epoch, for fits outside a notebook: {@code Epoch 1/3 - 12.3s - loss: 0.45 - accuracy: 0.84}. */
final class ConsoleProgress implements TrainingListener {
    private final PrintStream out;
    private int epochs;

    ConsoleProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onTrainBegin(TrainingInfo info) {
        epochs = info.epochs();
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "Epoch %d/%d", epoch + 1, epochs));
        Double seconds = logs.get("seconds");
        if (seconds != null) {
            sb.append(String.format(Locale.ROOT, " - %.1fs", seconds));
        }
        for (Map.Entry<String, Double> e : logs.entrySet()) {
            if (!e.getKey().equals("seconds")) {
                sb.append(String.format(Locale.ROOT, " - %s: %.4f", e.getKey(), e.getValue()));
            }
        }
        out.println(sb);
        out.flush();
    }

    @Override
    public void onTrainEnd(History history) {
        if (!history.stopDetail().isEmpty()) {
            out.println(history.stopDetail());
        }
    }
}
