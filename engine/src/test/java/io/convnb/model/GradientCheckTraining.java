package io.convnb.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.layers.Parameter;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gradient check in training mode, for layers whose forward pass depends on the batch (batch
 * normalization). The moving statistics are saved and restored around each evaluation so the probes
 * do not change the function.
 */
final class GradientCheckTraining {
    private GradientCheckTraining() {
    }

    static void check(Sequential model, INDArray x, INDArray y) {
        java.util.List<INDArray> saved = snapshot(model);
        model.computeGradients(x, y, true);
        restore(model, saved);
        double h = 1e-6;
        int checked = 0;
        for (Parameter p : model.parameters()) {
            if (!p.trainable()) {
                continue;
            }
            INDArray g = p.grad().dup().reshape(p.value().length());
            INDArray w = p.value().reshape(p.value().length());
            for (long i = 0; i < Math.min(w.length(), 30); i++) {
                double orig = w.getDouble(i);
                w.putScalar(i, orig + h);
                double plus = loss(model, x, y, saved);
                w.putScalar(i, orig - h);
                double minus = loss(model, x, y, saved);
                w.putScalar(i, orig);
                double numeric = (plus - minus) / (2 * h);
                double a = g.getDouble(i);
                double err = Math.abs(a - numeric) / Math.max(1e-8, Math.max(Math.abs(a), Math.abs(numeric)));
                assertTrue(err < 1e-5 || Math.abs(a - numeric) < 1e-8,
                        p.name() + "[" + i + "]: analytic " + a + " vs numeric " + numeric);
                checked++;
            }
        }
        assertTrue(checked > 0);
    }

    private static double loss(Sequential model, INDArray x, INDArray y, java.util.List<INDArray> saved) {
        double v = model.loss().value(model.forward(x, true), y);
        restore(model, saved);
        return v;
    }

    private static java.util.List<INDArray> snapshot(Sequential model) {
        java.util.List<INDArray> s = new java.util.ArrayList<>();
        for (Parameter p : model.parameters()) {
            s.add(p.trainable() ? null : p.value().dup());
        }
        return s;
    }

    private static void restore(Sequential model, java.util.List<INDArray> saved) {
        int i = 0;
        for (Parameter p : model.parameters()) {
            if (saved.get(i) != null) {
                p.value().assign(saved.get(i));
            }
            i++;
        }
    }
}
