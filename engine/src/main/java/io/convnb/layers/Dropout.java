package io.convnb.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverted dropout: in training, each value is zeroed with probability {@code rate} and the survivors
 * are scaled by {@code 1/(1-rate)}, so inference needs no rescaling. Masks come from a seeded generator.
 */
public class Dropout extends Layer {
    private final double rate;
    private SplittableRandom random;
    private INDArray mask;

    public Dropout(double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("Dropout: rate must be in [0, 1), got " + rate + ".");
        }
        this.rate = rate;
    }

    public double rate() {
        return rate;
    }

    @Override
    protected long[] computeOutputShape(long[] in) {
        random = new SplittableRandom(seed());
        return in;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        checkBatch(x);
        if (!training || rate == 0) {
            mask = null;
            return x;
        }
        int n = Math.toIntExact(x.length());
        float[] m = new float[n];
        float keep = (float) (1.0 / (1.0 - rate));
        for (int i = 0; i < n; i++) {
            m[i] = random.nextDouble() >= rate ? keep : 0f;
        }
        mask = Nd4j.create(m, x.shape(), 'c').castTo(x.dataType());
        return x.mul(mask);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        return mask == null ? gradOutput : gradOutput.mul(mask);
    }

    @Override
    protected void putConfig(Map<String, Object> config) {
        config.put("rate", rate);
    }

    static Dropout fromConfig(Map<String, Object> c) {
        Dropout d = new Dropout(((Number) c.get("rate")).doubleValue());
        d.applyCommonConfig(c);
        return d;
    }
}
