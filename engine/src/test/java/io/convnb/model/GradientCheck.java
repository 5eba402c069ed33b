package io.convnb.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.layers.Parameter;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Central-difference check of a whole model's parameter gradients, in double precision. */
final class GradientCheck {
    private GradientCheck() {
    }

    /**
     * Compares every analytic parameter gradient element (up to {@code maxPerParam} random ones per
     * parameter) with {@code (L(w+h) - L(w-h)) / 2h}.
     */
    static void check(Sequential model, INDArray x, INDArray y, int maxPerParam, double tolerance) {
        model.computeGradients(x, y, false);
        List<Parameter> params = model.parameters();
        SplittableRandom random = new SplittableRandom(7);
        double h = 1e-6;
        int checked = 0;
        for (Parameter p : params) {
            if (!p.trainable()) {
                continue;
            }
            INDArray analytic = p.grad().dup();
            INDArray w = p.value();
            long n = w.length();
            INDArray flatW = w.reshape(n);
            INDArray flatG = analytic.reshape(n);
            int count = (int) Math.min(n, maxPerParam);
            for (int k = 0; k < count; k++) {
                long i = n <= maxPerParam ? k : random.nextLong(n);
                double orig = flatW.getDouble(i);
                flatW.putScalar(i, orig + h);
                double plus = lossOnly(model, x, y);
                flatW.putScalar(i, orig - h);
                double minus = lossOnly(model, x, y);
                flatW.putScalar(i, orig);
                double numeric = (plus - minus) / (2 * h);
                double a = flatG.getDouble(i);
                double err = Math.abs(a - numeric) / Math.max(1e-8, Math.max(Math.abs(a), Math.abs(numeric)));
                assertTrue(err < tolerance || Math.abs(a - numeric) < 1e-8,
                        "parameter " + p.name() + "[" + i + "]: analytic " + a + " vs numeric " + numeric + " (relative error " + err + ")");
                checked++;
            }
        }
        assertTrue(checked > 0, "no parameters were checked");
    }

    private static double lossOnly(Sequential model, INDArray x, INDArray y) {
        INDArray p = model.forward(x, false);
        double reg = 0;
        for (Parameter q : model.parameters()) {
            if (q.l2() > 0) {
                reg += q.l2() * q.value().mul(q.value()).sumNumber().doubleValue();
            }
        }
        return model.loss().value(p, y) + reg;
    }
}
