package io.convnb.layers;

/** Weight regularizers, as {@code keras.regularizers}. */
public final class Regularizers {
    private Regularizers() {
    }

    /** L2 penalty {@code factor * sum(w^2)} (Keras' {@code l2(factor)}). */
    public record L2(double factor) {
        public L2 {
            if (!(factor >= 0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("L2 regularization factor must be a finite number >= 0, got " + factor + ".");
            }
        }
    }

    public static L2 l2(double factor) {
        return new L2(factor);
    }
}
