package io.convnb.shape;

import java.util.Locale;

/**
 * How a convolution or pooling layer pads an axis, in Keras words.
 *
 * <ul>
 *   <li>{@link #VALID}: no padding; windows only where they fit.</li>
 *   <li>{@link #SAME}: the Keras/TensorFlow rule {@code out = ceil(in/s)}; the total padding
 *       {@code max((out-1)*s + d*(k-1) + 1 - in, 0)} is split with the odd pixel at the end.</li>
 *   <li>{@link #FULL}: {@code d*(k-1)} on both sides, so every input cell meets every kernel element.</li>
 *   <li>{@link #CAUSAL}: 1-D only; {@code d*(k-1)} before and nothing after, so output {@code t}
 *       sees inputs up to {@code t} only.</li>
 *   <li>{@link #EXPLICIT}: amounts given by the user (symmetric or asymmetric); it has no rule of
 *       its own, so the amounts always travel with it.</li>
 * </ul>
 */
public enum Padding {
    VALID, SAME, FULL, CAUSAL, EXPLICIT;

    /**
     * Parses a Keras padding name, ignoring case and surrounding blanks.
     *
     * @param name {@code "valid"}, {@code "same"}, {@code "full"} or {@code "causal"}
     * @return the padding mode
     * @throws IllegalArgumentException for any other name; the message lists the accepted forms
     */
    public static Padding of(String name) {
        if (name != null) {
            switch (name.strip().toLowerCase(Locale.ROOT)) {
                case "valid": return VALID;
                case "same": return SAME;
                case "full": return FULL;
                case "causal": return CAUSAL;
                default: break;
            }
        }
        String shown = name == null ? "null" : "\"" + name + "\"";
        throw new IllegalArgumentException("Unknown padding " + shown
                + ". Accepted: \"valid\", \"same\", \"full\", \"causal\" (Conv1D only), in any case,"
                + " or explicit amounts such as padding(1, 1) or padding(top, bottom, left, right).");
    }

    /** The Keras spelling: {@code "valid"}, {@code "same"}, {@code "full"}, {@code "causal"} or {@code "explicit"}. */
    public String kerasName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
