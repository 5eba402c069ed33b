package io.convnb.model;

import io.convnb.ops.ElementwiseOps;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Adam (Kingma and Ba), Keras defaults {@code beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7}:
 * {@code m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2;
 * w -= lr * sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps)}.
 */
public class Adam extends Optimizer {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-7;

    public Adam(double learningRate) {
        super(learningRate);
    }

    public Adam() {
        this(0.001);
    }

    @Override
    public String kerasName() {
        return "adam";
    }

    @Override
    protected INDArray[] newState(INDArray value) {
        return new INDArray[] {value.ulike().assign(0), value.ulike().assign(0), value.ulike()};
    }

    @Override
    protected void update(INDArray w, INDArray g, INDArray[] s, long t) {
        // FLOAT parameters (the model's flat vector): one fused pass in Java on all cores.
        if (ElementwiseOps.adam(w, g, s[0], s[1], learningRate, BETA1, BETA2, EPSILON, t)) {
            return;
        }
        // libnd4j's fused adam_updater computes exactly the rule above (its iteration counts from 0)
        // in one pass over the flat vectors; written as separate ND4J operations it took ~8 passes.
        INDArray step = s[2];
        step.assign(g);
        Nd4j.exec(new AdamUpdater(step, s[1], s[0], learningRate, BETA1, BETA2, EPSILON, Math.toIntExact(t - 1)));
        w.subi(step);
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", "adam");
        c.put("learning_rate", learningRate);
        c.put("beta_1", BETA1);
        c.put("beta_2", BETA2);
        c.put("epsilon", EPSILON);
        return c;
    }
}
