package io.convnb.kernel;

import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs JShell snippets inside the kernel's own JVM, on one long-lived execution thread.
 *
 * <p>In-process execution is what lets the kernel's renderers see user objects: JShell's class
 * loader has the application class loader (engine, extension, basekernel) as parent. One long-lived
 * thread, rather than a thread per snippet, keeps thread-local state such as ND4J's per-thread
 * random generator and workspaces the same from cell to cell.
 *
 * <p>Like IJava's execution control, {@link #invoke(Method)} returns a key instead of the value's
 * string, and the real value is fetched with {@link #takeResult(String)} so it can be rendered.
 * Stopping is two-staged: {@link #interruptRunning()} interrupts the thread (code that checks its
 * interrupt flag, such as the training loop, stops cleanly), {@link #stop()} is JShell's hard stop
 * ({@link Thread#stop()}), for code that ignores interrupts.
 */
final class InProcessExecutionControl extends DirectExecutionControl {
    private static final Object NULL = new Object();

    private final Map<String, Object> results = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "convnb-cell");
        t.setDaemon(true);
        return t;
    });

    private final Object lock = new Object();
    private Thread runningThread;        // guarded by lock
    private long runningTask;            // guarded by lock: id of the snippet now running, 0 if none
    private long taskCounter;            // guarded by lock
    private volatile long stoppedTask;   // id of the last task hit by stop()
    private volatile boolean interruptPending;

    /** A provider handing this control to {@code JShell.builder().executionEngine(..)}. */
    ExecutionControlProvider provider() {
        InProcessExecutionControl self = this;
        return new ExecutionControlProvider() {
            @Override
            public String name() {
                return "convnb-in-process";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                return self;
            }
        };
    }

    /**
     * The value of the snippet run under {@code key} (null for void or null values), removed from
     * the store. Keys JShell did not get from {@link #invoke(Method)} yield null.
     */
    Object takeResult(String key) {
        Object value = results.remove(key);
        return value == NULL ? null : value;
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        Object value = runOnCellThread(doitMethod);
        String key = UUID.randomUUID().toString();
        results.put(key, value == null ? NULL : value);
        return key;
    }

    private Object runOnCellThread(Method doitMethod) throws Exception {
        long id;
        synchronized (lock) {
            id = ++taskCounter;
        }
        Thread[] worker = new Thread[1];
        Future<Object> future = executor.submit(() -> {
            Thread t = Thread.currentThread();
            Thread.interrupted(); // an interrupt aimed at an earlier cell must not hit this one
            if (interruptPending) {
                t.interrupt();    // ... but one that arrived while this snippet was compiling must
            }
            t.setContextClassLoader(doitMethod.getDeclaringClass().getClassLoader());
            synchronized (lock) {
                worker[0] = t;
                runningThread = t;
                runningTask = id;
            }
            try {
                return doitMethod.invoke(null);
            } finally {
                synchronized (lock) {
                    runningThread = null;
                    runningTask = 0;
                }
            }
        });
        while (true) {
            try {
                return future.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // A hard stop can land after the task body finished; then the worker thread dies
                // without completing the future. Notice that instead of waiting forever.
                Thread t;
                synchronized (lock) {
                    t = worker[0];
                }
                if (stoppedTask == id && t != null && !t.isAlive()) {
                    throw new StoppedException();
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                Throwable user = cause instanceof InvocationTargetException ite ? ite.getCause() : cause;
                if (stoppedTask == id && user instanceof ThreadDeath) {
                    throw new StoppedException();
                }
                if (cause instanceof InvocationTargetException ite) {
                    throw ite; // DirectExecutionControl turns it into JShell's EvalException
                }
                throw cause instanceof Exception ex ? ex : new InternalException(String.valueOf(cause));
            }
        }
    }

    /** Whether snippets started from now on begin with their interrupt flag set (the cell was interrupted). */
    void setInterruptPending(boolean pending) {
        interruptPending = pending;
    }

    /**
     * Interrupts the thread running a snippet, if any.
     *
     * @return the id of the interrupted snippet, or 0 if none was running
     */
    long interruptRunning() {
        synchronized (lock) {
            if (runningThread != null) {
                runningThread.interrupt();
            }
            return runningTask;
        }
    }

    /** True while snippet {@code taskId} is still running. */
    boolean isRunning(long taskId) {
        synchronized (lock) {
            return taskId != 0 && runningTask == taskId;
        }
    }

    /** Id of the snippet running now, 0 if none. */
    long runningTask() {
        synchronized (lock) {
            return runningTask;
        }
    }

    /** True if {@link #stop()} stopped snippet {@code taskId}. */
    boolean wasStopped(long taskId) {
        return taskId != 0 && stoppedTask == taskId;
    }

    /** Id of the last snippet started (0 before the first). */
    long lastTask() {
        synchronized (lock) {
            return taskCounter;
        }
    }

    /**
     * JShell's hard stop: throws {@link ThreadDeath} in the running snippet. Locks the snippet holds
     * are released, but objects it was changing may be left half-updated.
     */
    @Override
    @SuppressWarnings({"deprecation", "removal"})
    public void stop() {
        synchronized (lock) {
            if (runningThread == null) {
                return;
            }
            stoppedTask = runningTask;
            try {
                runningThread.stop();
            } catch (UnsupportedOperationException e) {
                // Java 20+ removed Thread.stop: the cell keeps running until it checks its interrupt flag.
                stoppedTask = 0;
                System.err.println("convnb kernel: this JVM cannot force-stop a cell (" + e.getMessage()
                        + "); it stops when the code checks Thread.interrupted().");
            }
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        super.close();
    }
}
