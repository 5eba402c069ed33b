package io.convnb.model;

import io.convnb.shape.Shapes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The built-in losses. Probabilities are clipped to {@code [1e-7, 1 - 1e-7]} before the logarithm, as
 * Keras does, so a confident wrong prediction gives a large finite loss rather than infinity.
 */
public enum Losses implements Loss {
    /** {@code -mean_n sum_k y_nk log p_nk}; targets one-hot {@code (N, K)}. */
    CATEGORICAL_CROSSENTROPY("categorical_crossentropy") {
        @Override
        public double value(INDArray p, INDArray y) {
            INDArray logp = Transforms.log(clip(p), false);
            return -logp.muli(y).sumNumber().doubleValue() / p.size(0);
        }

        @Override
        public INDArray gradient(INDArray p, INDArray y) {
            return y.div(clip(p)).negi().divi(p.size(0));
        }

        @Override
        public void checkTargets(INDArray p, INDArray y) {
            if (!java.util.Arrays.equals(p.shape(), y.shape())) {
                throw new IllegalArgumentException("categorical_crossentropy: targets " + Shapes.format(y.shape()) + " do not match the model output "
                        + Shapes.format(p.shape()) + "; targets must be one-hot with one column per class"
                        + (y.rank() == 1 ? " (for integer labels use sparse_categorical_crossentropy)" : "") + ".");
            }
        }
    },
    /** Like categorical cross-entropy, with integer class labels {@code (N,)} as targets. */
    SPARSE_CATEGORICAL_CROSSENTROPY("sparse_categorical_crossentropy") {
        @Override
        public double value(INDArray p, INDArray y) {
            return CATEGORICAL_CROSSENTROPY.value(p, oneHot(y, p));
        }

        @Override
        public INDArray gradient(INDArray p, INDArray y) {
            return CATEGORICAL_CROSSENTROPY.gradient(p, oneHot(y, p));
        }

        @Override
        public void checkTargets(INDArray p, INDArray y) {
            boolean ok = y.length() == p.size(0) && (y.rank() == 1 || (y.rank() == 2 && y.size(1) == 1));
            if (!ok) {
                throw new IllegalArgumentException("sparse_categorical_crossentropy: targets " + Shapes.format(y.shape())
                        + " must be integer class labels of shape (" + p.size(0) + ",) for model output " + Shapes.format(p.shape())
                        + "; for one-hot targets use categorical_crossentropy.");
            }
        }
    },
    /** {@code -mean(y log p + (1-y) log(1-p))} over every element; sigmoid outputs. */
    BINARY_CROSSENTROPY("binary_crossentropy") {
        @Override
        public double value(INDArray p, INDArray y) {
            INDArray pc = clip(p);
            INDArray a = Transforms.log(pc, true).muli(y);
            INDArray b = Transforms.log(pc.rsub(1.0), false).muli(y.rsub(1.0));
            return -a.addi(b).meanNumber().doubleValue();
        }

        @Override
        public INDArray gradient(INDArray p, INDArray y) {
            INDArray pc = clip(p);
            // (p - y) / (p (1 - p)) / count
            INDArray denom = pc.mul(pc.rsub(1.0));
            return pc.sub(y).divi(denom).divi(p.length());
        }

        @Override
        public void checkTargets(INDArray p, INDArray y) {
            sameShape(kerasName(), p, y);
        }
    },
    /** Mean squared error over every element. */
    MSE("mse") {
        @Override
        public double value(INDArray p, INDArray y) {
            INDArray d = p.sub(y);
            return d.muli(d).meanNumber().doubleValue();
        }

        @Override
        public INDArray gradient(INDArray p, INDArray y) {
            return p.sub(y).muli(2.0 / p.length());
        }

        @Override
        public void checkTargets(INDArray p, INDArray y) {
            sameShape(kerasName(), p, y);
        }
    };

    static final double EPSILON = 1e-7;
    private final String kerasName;

    Losses(String kerasName) {
        this.kerasName = kerasName;
    }

    @Override
    public String toString() {
        return kerasName;
    }

    @Override
    public String kerasName() {
        return kerasName;
    }

    static INDArray clip(INDArray p) {
        return Transforms.max(Transforms.min(p, 1 - EPSILON, true), EPSILON, false);
    }

    static INDArray oneHot(INDArray labels, INDArray p) {
        long n = p.size(0);
        int k = (int) p.size(1);
        INDArray flat = labels.reshape(n);
        if (flat.cond(Conditions.lessThan(0)).castTo(org.nd4j.linalg.api.buffer.DataType.INT).sumNumber().intValue() > 0
                || flat.maxNumber().doubleValue() >= k) {
            throw new IllegalArgumentException("sparse_categorical_crossentropy: labels must be class indices in [0, " + (k - 1)
                    + "] for a model with " + k + " outputs; found " + flat.minNumber() + " .. " + flat.maxNumber() + ".");
        }
        INDArray oh = Nd4j.zeros(p.dataType(), n, k);
        for (long i = 0; i < n; i++) {
            oh.putScalar(i, flat.getInt((int) i), 1.0);
        }
        return oh;
    }

    static void sameShape(String loss, INDArray p, INDArray y) {
        if (!java.util.Arrays.equals(p.shape(), y.shape())) {
            throw new IllegalArgumentException(loss + ": targets " + Shapes.format(y.shape()) + " do not match the model output "
                    + Shapes.format(p.shape()) + "; give one target per output value.");
        }
    }
}
