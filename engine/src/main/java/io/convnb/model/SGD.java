package io.convnb.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Stochastic gradient descent, Keras rule: {@code v = momentum*v - lr*g}, then {@code w += v}, or with
 * Nesterov {@code w += momentum*v - lr*g}. Without momentum simply {@code w -= lr*g}.
 */
public class SGD extends Optimizer {
    private double momentum;
    private boolean nesterov;

    public SGD(double learningRate) {
        super(learningRate);
    }

    public SGD momentum(double momentum) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("SGD: momentum must be in [0, 1), got " + momentum + ".");
        }
        this.momentum = momentum;
        return this;
    }

    public SGD nesterov(boolean nesterov) {
        this.nesterov = nesterov;
        return this;
    }

    @Override
    public String kerasName() {
        return "sgd";
    }

    @Override
    protected INDArray[] newState(INDArray value) {
        return new INDArray[] {value.ulike().assign(0)};
    }

    @Override
    protected void update(INDArray w, INDArray g, INDArray[] s, long t) {
        if (momentum == 0) {
            w.subi(g.mul(learningRate));
            return;
        }
        INDArray v = s[0];
        v.muli(momentum).subi(g.mul(learningRate));
        if (nesterov) {
            w.addi(v.mul(momentum).subi(g.mul(learningRate)));
        } else {
            w.addi(v);
        }
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", "sgd");
        c.put("learning_rate", learningRate);
        c.put("momentum", momentum);
        c.put("nesterov", nesterov);
        return c;
    }
}
