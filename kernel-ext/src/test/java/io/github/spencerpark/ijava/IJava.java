package io.github.spencerpark.ijava;

import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.magic.registry.Magics;

/**
 * Test stand-in for IJava 1.3.0's entry class (IJava itself is not on Maven Central): just the
 * {@code getKernelInstance()} that convnb's IJava startup script calls, returning a kernel that,
 * like IJava's {@code JavaKernel}, has {@code public Magics getMagics()}.
 */
public final class IJava {
    /** The stand-in kernel. */
    public static final class StandInKernel extends BaseKernel {
        private final Magics magics = new Magics();

        public Magics getMagics() {
            return magics;
        }

        @Override
        public DisplayData eval(String expr) {
            throw new UnsupportedOperationException("stand-in kernel does not evaluate code");
        }

        @Override
        public LanguageInfo getLanguageInfo() {
            return new LanguageInfo.Builder("java").build();
        }
    }

    public static final StandInKernel KERNEL = new StandInKernel();

    private IJava() {
    }

    public static StandInKernel getKernelInstance() {
        return KERNEL;
    }
}
