package io.convnb.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.convnb.layers.Dense;
import io.convnb.layers.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** One or two update steps of each optimizer against the Keras formulas worked out in doubles. */
class OptimizerTest {
    private static Parameter param(double w, double g) {
        Dense d = new Dense(1).useBias(false);
        d.dataType(DataType.DOUBLE);
        d.build(new long[] {1});
        Parameter p = d.parameters().get(0);
        p.value().assign(w);
        p.grad().assign(g);
        return p;
    }

    @Test
    void sgdWithMomentumAndNesterov() {
        Parameter p = param(1.0, 0.5);
        Optimizer plain = new SGD(0.1);
        plain.step(List.of(p));
        assertEquals(1.0 - 0.1 * 0.5, p.value().getDouble(0), 1e-12);

        Parameter q = param(1.0, 0.5);
        Optimizer mom = new SGD(0.1).momentum(0.9);
        mom.step(List.of(q)); // v = -0.05, w = 0.95
        mom.step(List.of(q)); // v = 0.9*-0.05 - 0.05 = -0.095, w = 0.855
        assertEquals(0.855, q.value().getDouble(0), 1e-12);

        Parameter r = param(1.0, 0.5);
        Optimizer nes = new SGD(0.1).momentum(0.9).nesterov(true);
        nes.step(List.of(r)); // v = -0.05, w += 0.9*-0.05 - 0.05 = -0.095 -> 0.905
        assertEquals(0.905, r.value().getDouble(0), 1e-12);
    }

    @Test
    void adamFirstTwoSteps() {
        Parameter p = param(1.0, 0.2);
        Optimizer adam = new Adam(0.01);
        double w = 1.0;
        double m = 0;
        double v = 0;
        for (int t = 1; t <= 2; t++) {
            adam.step(List.of(p));
            m = 0.9 * m + 0.1 * 0.2;
            v = 0.999 * v + 0.001 * 0.04;
            double lrT = 0.01 * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
            w -= lrT * m / (Math.sqrt(v) + 1e-7);
            assertEquals(w, p.value().getDouble(0), 1e-12);
        }
    }

    @Test
    void rmspropOneStep() {
        Parameter p = param(2.0, -0.3);
        new RMSprop(0.01).step(List.of(p));
        double v = 0.1 * 0.09;
        assertEquals(2.0 + 0.01 * 0.3 / (Math.sqrt(v) + 1e-7), p.value().getDouble(0), 1e-12);
    }
}
