package io.convnb.ext;

import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

/** Where live displays go: the executing cell's output area of a kernel (or a test's list). */
interface DisplaySink {
    /** Whether a cell is executing, i.e. output would reach a notebook. */
    boolean attached();

    /** Creates a new output; with a display id in {@code data} it can be updated later. */
    void display(DisplayData data);

    /** Replaces the output that was displayed with {@code displayId}. */
    void update(String displayId, DisplayData data);

    static DisplaySink of(BaseKernel kernel) {
        return new DisplaySink() {
            @Override
            public boolean attached() {
                return kernel.getIO().display.isAttached();
            }

            @Override
            public void display(DisplayData data) {
                kernel.display(data);
            }

            @Override
            public void update(String displayId, DisplayData data) {
                kernel.getIO().display.updateDisplay(displayId, data);
            }
        };
    }
}
