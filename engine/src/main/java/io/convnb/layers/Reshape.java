package io.convnb.layers;

import io.convnb.shape.Shapes;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Reshapes each sample to {@code targetShape} (C order); one axis may be -1 and is inferred. */
public class Reshape extends Layer {
    private final long[] target;
    private long[] resolved;
    private long[] lastShape;

    public Reshape(long... targetShape) {
        int unknown = 0;
        for (long d : targetShape) {
            if (d == -1) {
                unknown++;
            } else if (d < 1) {
                throw new IllegalArgumentException("Reshape: target dimensions must be >= 1 or -1, got " + Shapes.format(targetShape) + ".");
            }
        }
        if (unknown > 1) {
            throw new IllegalArgumentException("Reshape: at most one target dimension may be -1, got " + Shapes.format(targetShape) + ".");
        }
        this.target = targetShape.clone();
    }

    @Override
    protected long[] computeOutputShape(long[] in) {
        long n = Shapes.product(in);
        long known = 1;
        int unknownAt = -1;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == -1) {
                unknownAt = i;
            } else {
                known *= target[i];
            }
        }
        long[] out = target.clone();
        if (unknownAt >= 0 && n % known == 0) {
            out[unknownAt] = n / known;
        }
        if (Shapes.product(out) != n || (unknownAt >= 0 && n % known != 0)) {
            throw new IllegalArgumentException(who() + "cannot reshape input " + Shapes.formatBatch(in) + " (" + n
                    + " values per sample) to " + Shapes.formatBatch(target) + "; the target must hold exactly " + n + " values.");
        }
        resolved = out;
        return out;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        checkBatch(x);
        lastShape = x.shape();
        return x.reshape('c', Shapes.withBatch(x.size(0), resolved));
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        return gradOutput.reshape('c', lastShape);
    }

    @Override
    protected void putConfig(Map<String, Object> config) {
        config.put("target_shape", ConfigValues.toList(target));
    }

    static Reshape fromConfig(Map<String, Object> c) {
        Reshape r = new Reshape(ConfigValues.fromList(c.get("target_shape")));
        r.applyCommonConfig(c);
        return r;
    }
}
