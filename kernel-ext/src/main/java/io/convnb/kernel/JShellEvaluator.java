package io.convnb.kernel;

import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Evaluates cells with JShell in this JVM: splits a cell into snippets, runs them in order, stops
 * at the first error, and returns the value of the last expression.
 *
 * <p>The JShell instance is built and warmed up (startup snippets compiled and run) on a
 * background thread as soon as the evaluator is created, so the kernel answers Jupyter at once and
 * the first cell does not pay for javac's start-up.
 */
final class JShellEvaluator implements AutoCloseable {
    /** Where a snippet came from: the cell's execution count and the snippet's first line in it. */
    record Origin(int executionCount, int firstLine) {
    }

    private static final java.util.Set<String> INTERRUPT_EXCEPTIONS = java.util.Set.of(
            "java.lang.InterruptedException", "java.nio.channels.ClosedByInterruptException");

    private final InProcessExecutionControl control = new InProcessExecutionControl();
    private final CompletableFuture<JShell> ready;
    private final Map<String, Origin> origins = new ConcurrentHashMap<>();
    private final List<String> startupReport = new ArrayList<>();
    private volatile boolean interruptRequested;

    /**
     * @param classpath       the cells' class path: the kernel's own, so cells can import the engine,
     *                        ND4J and Tablesaw (entries beyond this JVM's class path are added)
     * @param startupSnippets run once before the first cell; a snippet that does not compile is
     *                        dropped and reported by {@link #startupReport()}
     */
    JShellEvaluator(String classpath, List<String> startupSnippets, PrintStream log) {
        ready = CompletableFuture.supplyAsync(() -> {
            // JShell's compiler starts from this JVM's java.class.path. Passing --class-path as a
            // compiler option instead would pin it: later addToClasspath calls (%jars) would be ignored.
            JShell shell = JShell.builder()
                    .executionEngine(control.provider(), Map.of())
                    .build();
            List<String> inherited = List.of(System.getProperty("java.class.path", "").split(File.pathSeparator));
            for (String entry : withoutEmptyEntries(classpath).split(File.pathSeparator)) {
                if (!entry.isEmpty() && !inherited.contains(entry)) {
                    shell.addToClasspath(entry);
                }
            }
            for (String snippet : startupSnippets) {
                for (SnippetEvent e : shell.eval(snippet)) {
                    if (e.causeSnippet() == null && (!e.status().isDefined() || e.exception() != null)) {
                        String why = shell.diagnostics(e.snippet()).map(d -> d.getMessage(Locale.ROOT))
                                .findFirst().orElse(e.exception() != null ? e.exception().toString() : e.status().toString());
                        synchronized (startupReport) {
                            startupReport.add(snippet.strip() + "  -> skipped: " + why.lines().findFirst().orElse(why));
                        }
                        shell.drop(e.snippet());
                    }
                }
            }
            // Warm javac and the execution path, then forget the temporary variable.
            for (SnippetEvent e : shell.eval("\"warm-up\".length()")) {
                takeValue(e);
                shell.drop(e.snippet());
            }
            synchronized (startupReport) {
                startupReport.forEach(line -> log.println("convnb kernel startup: " + line));
            }
            return shell;
        }, runnable -> {
            Thread t = new Thread(runnable, "convnb-jshell-startup");
            t.setDaemon(true);
            t.start();
        });
    }

    /** The JShell instance, waiting for start-up to finish. */
    JShell shell() throws Exception {
        try {
            return ready.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception ex ? ex : new IllegalStateException("JShell failed to start", cause);
        }
    }

    /** Startup snippets that were skipped, with the reason. */
    List<String> startupReport() {
        synchronized (startupReport) {
            return List.copyOf(startupReport);
        }
    }

    /** Where snippet {@code id} (JShell's snippet id) came from, or null for startup snippets. */
    Origin origin(String id) {
        return origins.get(id);
    }

    /**
     * Runs {@code java} (a cell with magics already rewritten) snippet by snippet.
     *
     * @return the value of the last snippet if it is an expression, else null
     * @throws CompilationException          a snippet did not compile (later snippets did not run)
     * @throws jdk.jshell.EvalException      a snippet threw (carries the real exception's class)
     * @throws EvaluationInterruptedException the cell was interrupted
     * @throws IncompleteSourceException     the cell ends mid-statement
     */
    Object eval(String java, int executionCount) throws Exception {
        JShell shell = shell();
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        interruptRequested = false;
        control.setInterruptPending(false);
        Object last = null;
        String remaining = java;
        while (true) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            int base = java.length() - remaining.length();
            if (!info.completeness().isComplete()) {
                if (info.completeness() != SourceCodeAnalysis.Completeness.EMPTY) {
                    String rest = info.remaining();
                    int at = base + Math.max(0, remaining.indexOf(rest.strip()));
                    throw new IncompleteSourceException(rest.strip(), lineOf(java, at));
                }
                return last;
            }
            if (interruptRequested) {
                throw new EvaluationInterruptedException(false);
            }
            String source = info.source();
            int start = base + snippetOffset(remaining, source);
            long taskBefore = control.lastTask();
            try {
                last = evalSnippet(shell, source, java, start, executionCount);
            } catch (EvalException e) {
                // Thread.sleep, wait() or an NIO channel answering the interrupt is the interrupt, not a bug.
                if (interruptRequested && INTERRUPT_EXCEPTIONS.contains(e.getExceptionClassName())) {
                    throw new EvaluationInterruptedException(false);
                }
                throw e;
            }
            long task = control.lastTask();
            if (task != taskBefore && control.wasStopped(task)) {
                throw new EvaluationInterruptedException(true);
            }
            if (interruptRequested) {
                throw new EvaluationInterruptedException(false);
            }
            remaining = info.remaining();
        }
    }

    private Object evalSnippet(JShell shell, String source, String cell, int start, int executionCount) throws Exception {
        List<SnippetEvent> events = shell.eval(source);
        Object result = null;
        // Take every stored value first, so an error below cannot leak them.
        for (SnippetEvent e : events) {
            Object value = takeValue(e);
            if (e.causeSnippet() == null) {
                // JShell numbers a snippet's lines from its first non-blank character.
                int lead = source.length() - source.stripLeading().length();
                origins.put(e.snippet().id(), new Origin(executionCount, lineOf(cell, start + lead)));
                result = switch (e.snippet().subKind()) {
                    case VAR_VALUE_SUBKIND, OTHER_EXPRESSION_SUBKIND, TEMP_VAR_EXPRESSION_SUBKIND -> value;
                    default -> null;
                };
            }
        }
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null) {
                continue;
            }
            JShellException thrown = e.exception();
            if (thrown != null) {
                throw thrown;
            }
            if (!e.status().isDefined()) {
                throw compilationException(shell, e.snippet(), cell, start);
            }
        }
        return result;
    }

    private Object takeValue(SnippetEvent e) {
        String key = e.value();
        if (key == null || !e.snippet().subKind().isExecutable()) {
            return null;
        }
        return control.takeResult(key);
    }

    private static CompilationException compilationException(JShell shell, Snippet snippet, String cell, int start) {
        List<ErrorFormatter.CompileProblem> problems = new ArrayList<>();
        shell.diagnostics(snippet).filter(Diag::isError).forEach(d -> problems.add(ErrorFormatter.locate(
                cell, start, d.getStartPosition(), d.getEndPosition(), d.getMessage(Locale.ROOT))));
        List<String> unresolved = snippet instanceof DeclarationSnippet ds
                ? shell.unresolvedDependencies(ds).toList() : List.of();
        return new CompilationException(problems, unresolved);
    }

    /** Marks the running cell as interrupted and interrupts its thread; returns the running snippet's task id. */
    long interrupt() {
        interruptRequested = true;
        control.setInterruptPending(true);
        return control.interruptRunning();
    }

    /** Id of the snippet task running now, 0 if none. */
    long runningTask() {
        return control.runningTask();
    }

    /** True while snippet task {@code task} is still running. */
    boolean isRunning(long task) {
        return control.isRunning(task);
    }

    /** JShell's hard stop of the running snippet. */
    void forceStop() throws Exception {
        shell().stop();
    }

    /** Adds a jar or directory to both the compiler's class path and the cells' class loader. */
    void addToClasspath(String path) throws Exception {
        shell().addToClasspath(path);
    }

    @Override
    public void close() {
        ready.thenAccept(JShell::close);
        control.close();
    }

    /** Index of {@code source} (JShell's copy of the snippet, maybe with an added ';') in {@code text}. */
    static int snippetOffset(String text, String source) {
        String probe = source.strip();
        int i = text.indexOf(probe);
        if (i < 0 && probe.endsWith(";")) {
            i = text.indexOf(probe.substring(0, probe.length() - 1));
        }
        if (i < 0) {
            i = text.length() - text.stripLeading().length();
        }
        int lead = source.length() - source.stripLeading().length();
        return Math.max(0, i - lead);
    }

    /** {@code classpath} without empty entries (which would mean "the current directory"). */
    static String withoutEmptyEntries(String classpath) {
        return java.util.Arrays.stream(classpath.split(java.io.File.pathSeparator))
                .filter(e -> !e.isBlank())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    static int lineOf(String text, int index) {
        int line = 1;
        for (int i = 0; i < Math.min(index, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
