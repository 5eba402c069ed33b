package io.convnb.kernel;

import io.convnb.ext.ConvnbExtension;
import io.convnb.kernel.maven.MavenMagic;
import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.channels.JupyterSocket;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.magic.registry.Magics;
import io.github.spencerpark.jupyter.messages.Header;
import jdk.jshell.EvalException;
import jdk.jshell.UnresolvedReferenceException;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The convnb Java kernel: jupyter-jvm-basekernel 2.3.0 for the protocol, JShell running in this
 * JVM for the code, IJava's cell syntax for magics, and the convnb extension installed at start.
 *
 * <p>Start it as {@code java -cp 'lib/*' io.convnb.kernel.ConvnbKernel <connection file>}
 * (the kernelspec written by {@code scripts/install-kernel.sh} does). User code reaches the
 * running kernel through {@link #getKernelInstance()}, like IJava's
 * {@code IJava.getKernelInstance()}.
 */
public final class ConvnbKernel extends BaseKernel {
    /** How long an interrupted cell may take to stop by itself before it is stopped by force. */
    static final long INTERRUPT_GRACE_MS = Long.getLong("convnb.interruptGraceMs", 1500);

    private static volatile ConvnbKernel instance;

    private final Magics magics = new Magics();
    private final List<Path> addedToClasspath = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final JShellEvaluator evaluator;
    private final CompletableFuture<Void> extensionInstalled;
    private final ErrorFormatter errors = new ErrorFormatter(true);
    private final LanguageInfo languageInfo = new LanguageInfo.Builder("java")
            .version(Runtime.version().toString())
            .mimetype("text/x-java-source")
            .fileExtension(".jshell")
            .pygments("java")
            .codemirror("java")
            .build();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "convnb-interrupt-watchdog");
        t.setDaemon(true);
        return t;
    });
    private final CellCompletion completion;
    private volatile int executingCell;          // execution count of the running cell, 0 if idle
    private boolean startupReported;
    private final Object mavenLock = new Object();
    private MavenMagic maven;

    /**
     * A kernel whose cells compile against {@code classpath}, start with {@code startupSnippets}
     * and log start-up problems to {@code log}. The convnb extension is installed in the background.
     */
    ConvnbKernel(String classpath, List<String> startupSnippets, PrintStream log) {
        instance = this;
        MagicCalls.bind(magics);
        registerClasspathMagics();
        evaluator = new JShellEvaluator(classpath, startupSnippets, log);
        completion = new CellCompletion(evaluator);
        extensionInstalled = CompletableFuture.runAsync(() -> ConvnbExtension.install(this), r -> {
            Thread t = new Thread(r, "convnb-extension-install");
            t.setDaemon(true);
            t.start();
        });
    }

    /** The kernel running in this JVM, or null if none. */
    public static ConvnbKernel getKernelInstance() {
        return instance;
    }

    static ConvnbKernel requireInstance() {
        ConvnbKernel k = instance;
        if (k == null) {
            throw new IllegalStateException("No convnb kernel is running in this JVM.");
        }
        return k;
    }

    /** The convnb version this kernel was built as (from the module's build). */
    public static String version() {
        Properties p = new Properties();
        try (InputStream in = ConvnbKernel.class.getResourceAsStream("convnb-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    /** The magics registry that {@code %name} and {@code %%name} dispatch to (as IJava's {@code getMagics()}). */
    public Magics getMagics() {
        return magics;
    }

    /** Adds a jar or class directory to the cells' class path (compiler and class loader). */
    public void addToClasspath(String path) throws Exception {
        evaluator.addToClasspath(path);
        addedToClasspath.add(Path.of(path));
    }

    /** What {@link #addToClasspath} added since start ({@code %jars}, {@code %maven}), in order. */
    List<Path> addedToClasspath() {
        return List.copyOf(addedToClasspath);
    }

    @Override
    public LanguageInfo getLanguageInfo() {
        return languageInfo;
    }

    @Override
    public String getBanner() {
        return "Java " + Runtime.version() + " :: convnb kernel " + version()
                + "\nProtocol v" + Header.PROTOCOL_VERISON + " by jupyter-jvm-basekernel " + KERNEL_META.getOrDefault("version", "?");
    }

    @Override
    public List<LanguageInfo.Help> getHelpLinks() {
        return List.of(new LanguageInfo.Help("Java tutorial", "https://docs.oracle.com/javase/tutorial/"),
                new LanguageInfo.Help("JShell guide", "https://docs.oracle.com/en/java/javase/17/jshell/"));
    }

    @Override
    public DisplayData eval(String code) throws Exception {
        int count = executionCount.get() - 1; // basekernel has already counted this request
        reportStartupOnce();
        String java = MagicSyntax.toJava(code);
        executingCell = count;
        Object value;
        try {
            value = evaluator.eval(java, count);
        } finally {
            executingCell = 0;
        }
        if (value == null) {
            return null;
        }
        return value instanceof DisplayData d ? d : getRenderer().render(value);
    }

    /** Shows, in the first cell's stderr, what went wrong while the session started (if anything). */
    private void reportStartupOnce() throws Exception {
        evaluator.shell();
        if (startupReported) {
            return;
        }
        startupReported = true;
        List<String> problems = new ArrayList<>(evaluator.startupReport());
        try {
            extensionInstalled.join();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            problems.add("the convnb extension failed to install: " + cause);
        }
        problems.forEach(p -> System.err.println("convnb kernel startup: " + p));
    }

    /**
     * Interrupts the running cell: its thread is interrupted at once (code that checks
     * {@link Thread#interrupted()}, like {@code fit} after each batch, stops cleanly), and if the
     * cell is still running after {@link #INTERRUPT_GRACE_MS} it is stopped the JShell way.
     */
    @Override
    public void interrupt() {
        int cell = executingCell;
        if (cell == 0) {
            return;
        }
        evaluator.interrupt();
        watchdog.schedule(() -> {
            // Any snippet still running in this cell now ignored the interrupt (or started
            // after it, while the cell was compiling): stop it.
            if (executingCell == cell && evaluator.runningTask() != 0) {
                try {
                    evaluator.forceStop();
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }
        }, INTERRUPT_GRACE_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public ReplacementOptions complete(String code, int cursor) throws Exception {
        return completion.complete(code, cursor);
    }

    @Override
    public String isComplete(String code) {
        try {
            return completion.isComplete(code);
        } catch (Exception e) {
            return IS_COMPLETE_MAYBE;
        }
    }

    @Override
    public DisplayData inspect(String code, int cursor, boolean extraDetail) throws Exception {
        return completion.inspect(code, cursor);
    }

    @Override
    public List<String> formatError(Exception e) {
        if (e instanceof CompilationException ce) {
            return errors.formatCompilation(ce);
        }
        if (e instanceof IncompleteSourceException ie) {
            return errors.formatIncomplete(ie);
        }
        if (e instanceof EvalException ee) {
            return errors.formatException(ee.getExceptionClassName(), ee,
                    t -> t instanceof EvalException x ? x.getExceptionClassName() : t.getClass().getName(),
                    this::describeSnippet);
        }
        if (e instanceof UnresolvedReferenceException ue) {
            List<String> lines = new ArrayList<>();
            lines.add(ErrorFormatter.RED + "Cannot run " + ue.getSnippet().name()
                    + ": it uses names that are not defined yet." + ErrorFormatter.RESET);
            try {
                evaluator.shell().unresolvedDependencies(ue.getSnippet()).forEach(n -> lines.add("   - " + n));
            } catch (Exception ignored) {
                // the list is a courtesy; the message above already says what is wrong
            }
            return lines;
        }
        if (e instanceof EvaluationInterruptedException || e instanceof IllegalArgumentException) {
            List<String> lines = new ArrayList<>();
            String head = e.getClass().getName() + ": " + e.getMessage();
            head.lines().forEach(lines::add);
            return lines;
        }
        return errors.formatException(e.getClass().getName(), e, t -> t.getClass().getName(), this::describeSnippet);
    }

    private String describeSnippet(String file, int line) {
        JShellEvaluator.Origin o = file.startsWith("#") ? evaluator.origin(file.substring(1)) : null;
        return o == null ? null : "In[" + o.executionCount() + "] line " + (o.firstLine() + line - 1);
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        watchdog.shutdownNow();
        evaluator.close();
    }

    /**
     * {@code %jars}, {@code %classpath} and {@code %maven}: only in this kernel (IJava has its own,
     * so {@code ConvnbExtension.install}, which both kernels run, does not register them). The
     * resolver behind {@code %maven} is loaded at its first call, never at start.
     */
    private void registerClasspathMagics() {
        ClasspathMagics jars = new ClasspathMagics(this);
        magics.registerLineMagic("jars", jars::add);
        magics.registerLineMagic("classpath", jars::add);
        magics.registerLineMagic("maven", args -> {
            display(maven().run(args, System.out::println));
            return null;
        });
    }

    /**
     * The {@code %maven} magic, made at its first call so that none of its classes load at start.
     * Not synchronized on the kernel: basekernel holds that monitor while a cell runs, and magics
     * run on the cell's own thread.
     */
    private MavenMagic maven() {
        synchronized (mavenLock) {
            if (maven == null) {
                maven = MavenMagic.forKernel(this::addedToClasspath, jar -> addToClasspath(jar.toString()));
            }
            return maven;
        }
    }

    /**
     * Runs typical first cells without a connection, to load the classes a session needs. The
     * installer runs it once with {@code -XX:ArchiveClassesAtExit} to build a class-data-sharing
     * archive, which makes later kernel starts and first cells faster (javac's classes come
     * pre-parsed instead of being loaded from the JDK's modules).
     */
    static void warmUp() throws Exception {
        ConvnbKernel kernel = new ConvnbKernel(System.getProperty("java.class.path"), StartupSnippets.all(), System.err);
        kernel.reportStartupOnce();
        String[] cells = {
                "int warm = 1 + 2;\nString.valueOf(warm).length()",
                "List<Integer> xs = new ArrayList<>(List.of(3, 1, 2));\nCollections.sort(xs);\nxs",
                "int broken = \"not an int\";",
                "Object o = null;\no.hashCode()",
                "org.nd4j.linalg.factory.Nd4j.zeros(2, 3).addi(1).sumNumber()",
        };
        for (String cell : cells) {
            try {
                kernel.eval(cell);
            } catch (Exception e) {
                kernel.formatError(e);
            }
        }
        kernel.complete("Strin", 5);
        kernel.isComplete("for (int i = 0; i < 3; i++) {");
        kernel.extensionInstalled.join();
        kernel.onShutdown(false);
    }

    /** Entry point: {@code ConvnbKernel <connection file>} (or {@code --warm-up}, see {@link #warmUp()}). */
    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        if (args.length == 1 && args[0].equals("--warm-up")) {
            warmUp();
            System.exit(0);
        }
        if (args.length != 1) {
            throw new IllegalArgumentException("Usage: java -cp 'lib/*' io.convnb.kernel.ConvnbKernel <connection-file>;"
                    + " got " + args.length + " arguments. Jupyter passes the connection file as {connection_file}.");
        }
        Path connectionFile = Path.of(args[0]);
        if (!Files.isRegularFile(connectionFile)) {
            throw new IllegalArgumentException("Connection file '" + connectionFile + "' is not a file.");
        }
        JupyterSocket.JUPYTER_LOGGER.setLevel(Level.WARNING);
        // basekernel's channel loops ("Loop-shell-0", ...) log every start and stop at INFO to the
        // kernel's stderr; the console handler only reaches the Jupyter server's terminal anyway.
        for (Handler h : Logger.getLogger("").getHandlers()) {
            h.setLevel(Level.WARNING);
        }
        KernelConnectionProperties props =
                KernelConnectionProperties.parse(Files.readString(connectionFile, StandardCharsets.UTF_8));
        JupyterConnection connection = new JupyterConnection(props);
        ConvnbKernel kernel = new ConvnbKernel(System.getProperty("java.class.path"), StartupSnippets.all(), System.err);
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        System.err.printf("convnb kernel %s listening after %d ms%n", version(), (System.nanoTime() - start) / 1_000_000);
        connection.waitUntilClose();
        instance = null;
        System.exit(0);
    }
}
