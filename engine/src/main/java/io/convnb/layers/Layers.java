package io.convnb.layers;

import java.util.Map;

/** Rebuilds layers from the configurations written by {@link Layer#getConfig()}. */
public final class Layers {
    private Layers() {
    }

    /** A new, unbuilt layer of the given Keras type name with the saved hyper-parameters. */
    public static Layer fromConfig(String type, Map<String, Object> config) {
        return switch (type) {
            case "Conv1D" -> Conv1D.fromConfig(config);
            case "Conv2D" -> Conv2D.fromConfig(config);
            case "Conv2DTranspose" -> Conv2DTranspose.fromConfig(config);
            case "MaxPooling2D" -> MaxPooling2D.fromConfig(config);
            case "AveragePooling2D" -> AveragePooling2D.fromConfig(config);
            case "GlobalAveragePooling2D" -> GlobalAveragePooling2D.fromConfig(config);
            case "GlobalMaxPooling2D" -> GlobalMaxPooling2D.fromConfig(config);
            case "Flatten" -> Flatten.fromConfig(config);
            case "Dense" -> Dense.fromConfig(config);
            case "Dropout" -> Dropout.fromConfig(config);
            case "BatchNormalization" -> BatchNormalization.fromConfig(config);
            case "Activation" -> Activation.fromConfig(config);
            case "Reshape" -> Reshape.fromConfig(config);
            default -> throw new IllegalArgumentException("Unknown layer type '" + type + "' in a saved model; this convnb version knows Conv1D, Conv2D, "
                    + "Conv2DTranspose, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, Flatten, Dense, Dropout, "
                    + "BatchNormalization, Activation and Reshape.");
        };
    }
}
