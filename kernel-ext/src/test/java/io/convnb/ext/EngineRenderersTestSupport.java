package io.convnb.ext;

import io.github.spencerpark.jupyter.kernel.display.Renderer;

final class EngineRenderersTestSupport {
    private EngineRenderersTestSupport() {
    }

    static void register(Renderer r) {
        io.convnb.display.Renderers.registerAll(r);
        EngineRenderers.registerAll(r);
    }
}
