package io.convnb.explain;

import io.convnb.layers.ActivatedLayer;
import io.convnb.layers.Activation;
import io.convnb.layers.Activations;
import io.convnb.layers.Dense;
import io.convnb.layers.Layer;
import io.convnb.layers.Parameter;
import io.convnb.model.Sequential;
import io.convnb.shape.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.MirroringPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One inference-mode forward pass through a model's own layers, keeping every layer's output, and
 * backward passes from any layer's output down to any lower one, through the layers' own
 * {@code backward}. It never touches the optimizer; the parameter gradients that the layers'
 * backward passes overwrite, and the first layer's "input gradient needed" flag, are restored by
 * {@link #close()}, so the model's state after a saliency call is what it was before.
 */
final class ModelPass implements AutoCloseable {
    final Sequential model;
    final List<Layer> layers;
    final INDArray input;
    final INDArray[] outputs;
    private final List<Parameter> saved = new ArrayList<>();
    private final List<INDArray> savedGrads = new ArrayList<>();
    private final boolean firstNeededInputGradient;

    private ModelPass(Sequential model, INDArray input, int last) {
        this.model = model;
        this.layers = model.layers();
        this.input = input;
        for (Parameter p : model.parameters()) {
            if (p.trainable() && p.grad() != null) {
                saved.add(p);
                savedGrads.add(p.grad().dup());
            }
        }
        firstNeededInputGradient = layers.get(0).inputGradientNeeded();
        layers.get(0).setInputGradientNeeded(true);
        outputs = new INDArray[layers.size()];
        try {
            INDArray a = input;
            for (int i = 0; i <= last; i++) {
                a = layers.get(i).forward(a, false);
                outputs[i] = a;
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
            .initialSize(0)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .overallocationLimit(0.2)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policyMirroring(MirroringPolicy.FULL)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();

    /**
     * An ND4J workspace for one pass, configured as the model's training steps are. Passes run inside
     * it, as {@code fit} and {@code predict} do: the engine's direct convolution reads and writes ND4J
     * buffers through NIO views, and an array that the garbage collector frees while such a view is in
     * use crashed the JVM outside a workspace (workspace memory is only released when the workspace is).
     * Whatever outlives the pass must be copied to Java arrays or detached before it closes.
     */
    static MemoryWorkspace workspace() {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, "convnb-explain");
    }

    /** Runs the forward pass (inference mode: dropout off, batch normalization on its moving statistics). */
    static ModelPass forward(Sequential model, INDArray images) {
        return new ModelPass(model, images, model.layers().size() - 1);
    }

    /** The forward pass up to and including layer {@code last} only. */
    static ModelPass forward(Sequential model, INDArray images, int last) {
        return new ModelPass(model, images, last);
    }

    /** The output of layer {@code i}, or the input for {@code i = -1}. */
    INDArray output(int i) {
        return i < 0 ? input : outputs[i];
    }

    /**
     * Back-propagates {@code grad}, the gradient for the output of layer {@code top}, down to the output
     * of layer {@code stop} ({@code -1}: the input), and returns the gradient there.
     */
    INDArray backward(int top, INDArray grad, int stop) {
        INDArray g = grad;
        for (int i = top; i > stop; i--) {
            g = layers.get(i).backward(g);
        }
        return g;
    }

    /**
     * The class scores of every image and the gradient of the chosen class's score, started at the top
     * of the model. The score is the value before a final softmax or sigmoid (the logit, as Grad-CAM
     * uses it: after a softmax, a class's probability also grows when the other classes' logits fall);
     * a model without one is differentiated at its output.
     */
    Head head(int[] classIndices, String who) {
        int n = layers.size();
        Layer last = layers.get(n - 1);
        INDArray out = outputs[n - 1];
        if (out.rank() != 2) {
            throw new IllegalArgumentException(who + ": Sequential '" + model.name() + "' outputs " + Shapes.formatBatch(model.outputShape())
                    + "; class saliency needs a classifier with outputs (None, classes), e.g. ending in Dense(10).activation(\"softmax\").");
        }
        int classes = (int) out.size(1);
        for (int i = 0; i < classIndices.length; i++) {
            if (classIndices[i] < 0 || classIndices[i] >= classes) {
                throw new IllegalArgumentException(who + ": class index " + classIndices[i]
                        + (classIndices.length > 1 ? " (image " + i + ")" : "") + " is out of range; Sequential '" + model.name()
                        + "' has " + classes + " classes, use 0.." + (classes - 1) + ".");
            }
        }
        INDArray oneHot = Nd4j.zeros(out.dataType(), out.size(0), classes);
        for (int i = 0; i < classIndices.length; i++) {
            oneHot.putScalar(i, classIndices[i], 1.0);
        }
        Activations act = last instanceof ActivatedLayer al ? al.activation()
                : last instanceof Activation a ? a.function() : Activations.LINEAR;
        boolean squashed = act == Activations.SOFTMAX || act == Activations.SIGMOID;
        INDArray probabilities = squashed ? out : null;
        if (squashed && last instanceof Dense d) {
            INDArray x = output(n - 2);
            INDArray logits = x.mmul(d.kernel());
            if (d.bias() != null) {
                logits.addiRowVector(d.bias());
            }
            return new Head(logits, probabilities, d.backwardFromPreActivation(oneHot), n - 2);
        }
        if (squashed && last instanceof Activation) {
            return new Head(output(n - 2), probabilities, oneHot, n - 2);
        }
        if (squashed) {
            throw new IllegalArgumentException(who + ": Sequential '" + model.name() + "' ends in " + last.typeName() + " '" + last.name()
                    + "' with a " + act.kerasName() + " activation; class saliency reads the logits from a final Dense or Activation layer.");
        }
        return new Head(out, null, oneHot, n - 1);
    }

    /**
     * The scores at the top of the model and the gradient to start from.
     *
     * @param logits        the scores that are differentiated, (N, classes)
     * @param probabilities the softmax or sigmoid output, or null
     * @param grad          the gradient for the output of layer {@code from}
     * @param from          the layer whose output {@code grad} belongs to
     */
    record Head(INDArray logits, INDArray probabilities, INDArray grad, int from) {
    }

    /** Restores the parameter gradients and the first layer's input-gradient flag. */
    @Override
    public void close() {
        for (int i = 0; i < saved.size(); i++) {
            saved.get(i).grad().assign(savedGrads.get(i));
        }
        layers.get(0).setInputGradientNeeded(firstNeededInputGradient);
    }

    /**
     * Checks images against the model's input and returns a batch {@code (N, H, W, C)} in the model's
     * floating-point type: one image {@code (H, W, C)} becomes a batch of one.
     */
    static INDArray batch(Sequential model, INDArray images, String who) {
        if (model.layers().isEmpty()) {
            throw new IllegalArgumentException(who + ": Sequential '" + model.name() + "' has no layers.");
        }
        long[] in = CellWindows.requireImageInput(model, who);
        if (images == null) {
            throw new IllegalArgumentException(who + ": images is null; pass one image " + Shapes.format(in) + " or a batch " + Shapes.formatBatch(in) + ".");
        }
        long[] shape = images.shape();
        INDArray x = images;
        if (shape.length == 3 && Arrays.equals(shape, in)) {
            x = images.reshape(1, in[0], in[1], in[2]);
        } else if (shape.length != 4 || !Arrays.equals(Arrays.copyOfRange(shape, 1, 4), in)) {
            String hint = shape.length == 2 && shape[0] == in[0] && shape[1] == in[1] && in[2] == 1
                    ? " Add the channel axis: image.reshape(1, " + in[0] + ", " + in[1] + ", 1)."
                    : " Pass one image " + Shapes.format(in) + " or a batch (N, " + in[0] + ", " + in[1] + ", " + in[2] + ").";
            throw new IllegalArgumentException(who + ": Sequential '" + model.name() + "' takes images " + Shapes.formatBatch(in)
                    + " but received shape " + Shapes.format(shape) + "." + hint);
        }
        if (x.size(0) == 0) {
            throw new IllegalArgumentException(who + ": the batch is empty (shape " + Shapes.format(shape) + ").");
        }
        DataType type = model.layers().get(0).dataType();
        INDArray c = x.castTo(type).dup('c');
        double sum = c.sumNumber().doubleValue();
        if (!Double.isFinite(sum)) {
            throw new IllegalArgumentException(who + ": the images contain NaN or infinite values; clean or rescale them first.");
        }
        return c;
    }
}
