package io.convnb.kernel;

import java.util.List;

/**
 * A cell (or one of its snippets) did not compile. Reaches the notebook with ename
 * {@code CompilationException}, as in IJava; {@link #problems()} locate each error in the cell.
 */
public final class CompilationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<ErrorFormatter.CompileProblem> problems;
    private final List<String> unresolved;

    CompilationException(List<ErrorFormatter.CompileProblem> problems, List<String> unresolved) {
        super(summary(problems, unresolved));
        this.problems = List.copyOf(problems);
        this.unresolved = List.copyOf(unresolved);
    }

    /** Where each compile error is, with javac's message. */
    public List<ErrorFormatter.CompileProblem> problems() {
        return problems;
    }

    /** Names a declaration needs but that are not defined yet (JShell's "unresolved dependencies"). */
    public List<String> unresolved() {
        return unresolved;
    }

    private static String summary(List<ErrorFormatter.CompileProblem> problems, List<String> unresolved) {
        if (!problems.isEmpty()) {
            return problems.get(0).message().lines().findFirst().orElse("compile error");
        }
        return "unresolved: " + String.join(", ", unresolved);
    }
}
