package io.convnb.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** RMSprop, Keras defaults {@code rho = 0.9, epsilon = 1e-7}: {@code v = rho*v + (1-rho)*g^2; w -= lr*g/(sqrt(v)+eps)}. */
public class RMSprop extends Optimizer {
    private static final double RHO = 0.9;
    private static final double EPSILON = 1e-7;

    public RMSprop(double learningRate) {
        super(learningRate);
    }

    @Override
    public String kerasName() {
        return "rmsprop";
    }

    @Override
    protected INDArray[] newState(INDArray value) {
        return new INDArray[] {value.ulike().assign(0)};
    }

    @Override
    protected void update(INDArray w, INDArray g, INDArray[] s, long t) {
        INDArray v = s[0];
        v.muli(RHO).addi(g.mul(g).muli(1 - RHO));
        w.subi(g.div(Transforms.sqrt(v, true).addi(EPSILON)).muli(learningRate));
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", "rmsprop");
        c.put("learning_rate", learningRate);
        c.put("rho", RHO);
        c.put("epsilon", EPSILON);
        return c;
    }
}
