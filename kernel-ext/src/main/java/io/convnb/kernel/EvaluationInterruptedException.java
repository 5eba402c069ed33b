package io.convnb.kernel;

/** The cell was interrupted from the notebook; the snippets after the interrupted one did not run. */
public final class EvaluationInterruptedException extends Exception {
    private static final long serialVersionUID = 1L;

    EvaluationInterruptedException(boolean forced) {
        super(forced
                ? "The cell ignored the interrupt and was stopped by force (Thread.stop); objects it was changing may be inconsistent."
                : "The cell was interrupted; the code stopped at its next interrupt check.");
    }
}
