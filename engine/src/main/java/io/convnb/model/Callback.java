package io.convnb.model;

/**
 * A training listener that acts on the model, like Keras callbacks: {@link #setModel} is called
 * before training, and {@link Sequential#requestStop()} ends training after the current batch.
 */
public abstract class Callback implements TrainingListener {
    protected Sequential model;

    public void setModel(Sequential model) {
        this.model = model;
    }
}
