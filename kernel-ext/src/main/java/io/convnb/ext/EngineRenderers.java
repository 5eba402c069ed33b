package io.convnb.ext;

import io.convnb.display.Charts;
import io.convnb.display.ConfusionMatrix;
import io.convnb.display.Figure;
import io.convnb.display.HtmlView;
import io.convnb.display.KernelGrid;
import io.convnb.display.SummaryHtml;
import io.convnb.layers.Conv1D;
import io.convnb.layers.Conv2D;
import io.convnb.layers.Conv2DTranspose;
import io.convnb.layers.Layer;
import io.convnb.model.History;
import io.convnb.model.ModelSummary;
import io.convnb.model.Sequential;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rich displays of the engine's types: a model's summary, a training history's curves, a confusion
 * matrix, and a convolution layer's filters. Each maps an engine value to one of the display
 * package's pure renderers; the engine itself knows nothing of notebooks.
 */
public final class EngineRenderers {
    private EngineRenderers() {
    }

    public static void registerAll(Renderer renderer) {
        renderer.createRegistration(ModelSummary.class)
                .preferring(MIMEType.TEXT_HTML).supporting(MIMEType.TEXT_PLAIN)
                .register((s, ctx) -> render(summary(s), ctx));
        renderer.createRegistration(Sequential.class)
                .preferring(MIMEType.TEXT_HTML).supporting(MIMEType.TEXT_PLAIN)
                .register((m, ctx) -> render(summary(m.summary()), ctx));
        renderer.createRegistration(History.class)
                .preferring(MIMEType.IMAGE_PNG).supporting(MIMEType.TEXT_PLAIN)
                .register((h, ctx) -> render(curves(h), ctx));
        renderer.createRegistration(io.convnb.model.ConfusionMatrix.class)
                .preferring(MIMEType.IMAGE_PNG).supporting(MIMEType.TEXT_PLAIN)
                .register((c, ctx) -> render(confusion(c), ctx));
        renderer.createRegistration(Layer.class)
                .preferring(MIMEType.IMAGE_PNG).supporting(MIMEType.TEXT_PLAIN)
                .register((l, ctx) -> {
                    Figure f = kernels(l);
                    if (f != null) {
                        render(f, ctx);
                    } else {
                        ctx.renderIfRequested(MIMEType.TEXT_PLAIN, l::toString);
                    }
                });
        Explain.registerAll(renderer);
    }

    private static void render(Figure f, io.github.spencerpark.jupyter.kernel.display.RenderContext ctx) {
        ctx.renderIfRequested(MIMEType.IMAGE_PNG, f::base64);
        ctx.renderIfRequested(MIMEType.TEXT_PLAIN, f::text);
    }

    private static void render(HtmlView v, io.github.spencerpark.jupyter.kernel.display.RenderContext ctx) {
        ctx.renderIfRequested(MIMEType.TEXT_HTML, v::html);
        ctx.renderIfRequested(MIMEType.TEXT_PLAIN, v::text);
    }

    /** The Keras summary as an HTML table. */
    public static HtmlView summary(ModelSummary s) {
        List<List<String>> rows = new ArrayList<>();
        for (ModelSummary.Row r : s.rows()) {
            rows.add(List.of(r.layerLabel(), r.outputShape(), ModelSummary.formatCount(r.params())));
        }
        HtmlView html = SummaryHtml.of(s.modelName(), rows, s.totalParams(), s.trainableParams());
        return new HtmlView(html.html(), s.toString());
    }

    /** Loss and accuracy curves, training against validation, of the completed epochs. */
    public static Figure curves(History h) {
        return Charts.trainingCurves(curveData(h));
    }

    static Map<String, List<Double>> curveData(History h) {
        Map<String, List<Double>> data = new LinkedHashMap<>();
        for (String name : h.metricNames()) {
            if (!name.equals("seconds")) {
                data.put(name, h.metric(name));
            }
        }
        return data;
    }

    public static Figure confusion(io.convnb.model.ConfusionMatrix c) {
        return ConfusionMatrix.png(c.counts(), c.classNames());
    }

    /** A convolution layer's filters as an image grid; null for layers without a kernel. */
    public static Figure kernels(Layer layer) {
        INDArray k;
        if (layer instanceof Conv2D c) {
            k = c.kernel();
        } else if (layer instanceof Conv1D c && c.kernel() != null) {
            long[] s = c.kernel().shape();
            k = c.kernel().reshape(1, s[0], s[1], s[2]);
        } else if (layer instanceof Conv2DTranspose c && c.kernel() != null) {
            k = c.kernel().permute(0, 1, 3, 2).dup('c');
        } else {
            return null;
        }
        return k == null ? null : KernelGrid.of(k);
    }
}
