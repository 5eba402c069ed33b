package io.convnb.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

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
        return new INDArray[] {value.ulike().assign(0), value.ulike().assign(0)};
    }

    @Override
    protected void update(INDArray w, INDArray g, INDArray[] s, long t) {
        INDArray m = s[0];
        INDArray v = s[1];
        m.muli(BETA1).addi(g.mul(1 - BETA1));
        v.muli(BETA2).addi(g.mul(g).muli(1 - BETA2));
        double lrT = learningRate * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t));
        INDArray denom = Transforms.sqrt(v, true).addi(EPSILON);
        w.subi(m.div(denom).muli(lrT));
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
