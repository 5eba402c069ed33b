package io.convnb.display;

import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import org.nd4j.linalg.api.ndarray.INDArray;
import tech.tablesaw.api.Table;

/**
 * Registers the displays of library types with a kernel's {@link Renderer}: {@link INDArray}
 * (registered on the interface, so every ND4J implementation is covered) and Tablesaw
 * {@link Table}. Each MIME type is computed only when the front end asks for it
 * ({@code ctx.renderIfRequested}). The engine's own types ({@link Figure}, {@link HtmlView}) render
 * themselves through {@code DisplayDataRenderable} and need no registration.
 *
 * <ul>
 *   <li>INDArray: {@code text/plain} ({@link TensorText}) always; {@code text/html}
 *       ({@link TensorHtml}) for 1-D and 2-D arrays; {@code image/png} ({@link Heatmap}) for 2-D to
 *       4-D arrays when requested, e.g. {@code renderer.renderAs(array, "image/png")} or IJava's
 *       {@code display(array, "image/png")}.</li>
 *   <li>Table: {@code text/html} and {@code text/plain} ({@link TableHtml}).</li>
 * </ul>
 */
public final class Renderers {

    private Renderers() {
    }

    /** Registers all displays; options are read from {@link DisplayOptions#global()} at render time. */
    public static void registerAll(Renderer renderer) {
        registerAll(renderer, DisplayOptions.global());
    }

    /** Registers all displays reading the given (mutable) options at render time. */
    public static void registerAll(Renderer renderer, DisplayOptions options) {
        renderer.createRegistration(INDArray.class)
                .preferring(MIMEType.TEXT_PLAIN, MIMEType.TEXT_HTML)
                .supporting(MIMEType.IMAGE_PNG)
                .register((a, ctx) -> {
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> TensorText.of(a, options));
                    if (a.rank() == 1 || a.rank() == 2) {
                        ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> TensorHtml.of(a, options));
                    }
                    if (a.rank() >= 2 && a.rank() <= 4 && a.length() > 0) {
                        ctx.renderIfRequested(MIMEType.IMAGE_PNG, () -> Heatmap.of(a, options).base64());
                    }
                });
        renderer.createRegistration(Table.class)
                .preferring(MIMEType.TEXT_HTML, MIMEType.TEXT_PLAIN)
                .register((t, ctx) -> {
                    ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> TableHtml.of(t).html());
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> TableHtml.of(t).text());
                });
    }
}
