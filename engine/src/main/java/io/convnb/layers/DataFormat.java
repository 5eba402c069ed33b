package io.convnb.layers;

import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Keras {@code data_format}: where the channel axis of an image batch is. */
public enum DataFormat {
    /** {@code (N, H, W, C)}: the default, and the layout the ops compute in. */
    CHANNELS_LAST("channels_last"),
    /** {@code (N, C, H, W)}: permuted to channels-last at the layer boundary. */
    CHANNELS_FIRST("channels_first");

    private final String kerasName;

    DataFormat(String kerasName) {
        this.kerasName = kerasName;
    }

    public String kerasName() {
        return kerasName;
    }

    public static DataFormat of(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        for (DataFormat f : values()) {
            if (f.kerasName.equals(key)) {
                return f;
            }
        }
        throw new IllegalArgumentException("Unknown dataFormat '" + name + "'. Accepted: \"channels_last\" (N, H, W, C) or \"channels_first\" (N, C, H, W).");
    }

    /** Per-sample (H, W, C) from a per-sample shape in this format. */
    long[] toHwc(long[] sample) {
        return this == CHANNELS_LAST ? sample.clone() : new long[] {sample[1], sample[2], sample[0]};
    }

    /** Per-sample shape in this format from (H, W, C). */
    long[] fromHwc(long[] hwc) {
        return this == CHANNELS_LAST ? hwc.clone() : new long[] {hwc[2], hwc[0], hwc[1]};
    }

    /** A 4-D batch in this format as a contiguous NHWC array. */
    INDArray toNhwc(INDArray x) {
        return this == CHANNELS_LAST ? x : x.permute(0, 2, 3, 1).dup('c');
    }

    /** An NHWC batch back in this format. */
    INDArray fromNhwc(INDArray x) {
        return this == CHANNELS_LAST ? x : x.permute(0, 3, 1, 2).dup('c');
    }
}
