package io.convnb.display;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.DisplayDataRenderable;
import io.github.spencerpark.jupyter.kernel.display.RenderContext;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;

import java.util.Set;

/**
 * An HTML fragment (XHTML-compatible: every tag closed, only numeric entities) together with its
 * {@code text/plain} form. Displaying it in a notebook shows the HTML.
 */
public final class HtmlView implements DisplayDataRenderable {

    private static final Set<MIMEType> TYPES = Set.of(MIMEType.TEXT_HTML, MIMEType.TEXT_PLAIN);

    private final String html;
    private final String text;

    /** Keeps an HTML fragment with its text fallback. */
    public HtmlView(String html, String text) {
        this.html = html;
        this.text = text;
    }

    /** The {@code text/html} fragment. */
    public String html() {
        return html;
    }

    /** The {@code text/plain} form. */
    public String text() {
        return text;
    }

    /** A bundle with {@code text/html} and {@code text/plain}, for {@code kernel.display(...)}. */
    public DisplayData toDisplayData() {
        DisplayData d = new DisplayData(text);
        d.putHTML(html);
        return d;
    }

    @Override
    public Set<MIMEType> getPreferredRenderTypes() {
        return TYPES;
    }

    @Override
    public Set<MIMEType> getSupportedRenderTypes() {
        return TYPES;
    }

    @Override
    public void render(RenderContext ctx) {
        ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> html);
        ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> text);
    }

    @Override
    public String toString() {
        return text;
    }
}
