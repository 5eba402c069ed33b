package io.convnb.magic;

import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.magic.registry.Magics;

import java.util.ArrayList;
import java.util.List;

/** A real basekernel {@link BaseKernel}, minimal: it keeps what the magics display instead of sending it. */
public class TestKernel extends BaseKernel {
    final List<DisplayData> displayed = new ArrayList<>();
    private final Magics magics = new Magics();

    /** Like IJava's and the convnb kernel's accessor, found by {@link ConvnbMagics#registerAll(BaseKernel)}. */
    public Magics getMagics() {
        return magics;
    }

    @Override
    public void display(DisplayData data) {
        displayed.add(data);
    }

    /** The last output a magic displayed. */
    public DisplayData displayedLast() {
        return displayed.get(displayed.size() - 1);
    }

    @Override
    public DisplayData eval(String code) {
        throw new UnsupportedOperationException("TestKernel evaluates no code");
    }

    @Override
    public LanguageInfo getLanguageInfo() {
        return new LanguageInfo.Builder("test-java").version("17").build();
    }
}
