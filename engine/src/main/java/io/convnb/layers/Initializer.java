package io.convnb.layers;

import io.convnb.shape.Shapes;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Weight initializers with Keras names. Random numbers come from a seeded {@link SplittableRandom}, so
 * the same seed gives the same weights on every run, independent of ND4J's global generator.
 */
public enum Initializer {
    /** Uniform in [-limit, limit], limit = sqrt(6 / (fan_in + fan_out)). Keras' default. */
    GLOROT_UNIFORM("glorot_uniform"),
    /** Truncated normal (re-drawn beyond 2 sigma), sigma = sqrt(2 / fan_in). */
    HE_NORMAL("he_normal"),
    ZEROS("zeros"),
    ONES("ones");

    private final String kerasName;

    Initializer(String kerasName) {
        this.kerasName = kerasName;
    }

    public String kerasName() {
        return kerasName;
    }

    public static Initializer of(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        for (Initializer i : values()) {
            if (i.kerasName.equals(key)) {
                return i;
            }
        }
        throw new IllegalArgumentException("Unknown initializer '" + name + "'. Accepted: "
                + Arrays.stream(values()).map(Initializer::kerasName).toList() + ".");
    }

    /** Creates an array of the given shape; fans as Keras computes them (receptive field times channels). */
    public INDArray create(long[] shape, long fanIn, long fanOut, SplittableRandom random, DataType type) {
        int n = Math.toIntExact(Shapes.product(shape));
        double[] v = new double[n];
        switch (this) {
            case ZEROS:
                break;
            case ONES:
                Arrays.fill(v, 1.0);
                break;
            case GLOROT_UNIFORM: {
                double limit = Math.sqrt(6.0 / (fanIn + fanOut));
                for (int i = 0; i < n; i++) {
                    v[i] = (random.nextDouble() * 2 - 1) * limit;
                }
                break;
            }
            case HE_NORMAL: {
                // Keras divides by 0.8796... so that the truncated distribution has the wanted std.
                double sigma = Math.sqrt(2.0 / fanIn) / 0.87962566103423978;
                for (int i = 0; i < n; i++) {
                    double g;
                    do {
                        g = gaussian(random);
                    } while (Math.abs(g) > 2.0);
                    v[i] = g * sigma;
                }
                break;
            }
            default:
                throw new AssertionError(this);
        }
        return Nd4j.create(v, shape, DataType.DOUBLE).castTo(type);
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller: deterministic given the generator's sequence.
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
