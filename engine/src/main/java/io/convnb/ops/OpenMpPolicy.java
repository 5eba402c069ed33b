package io.convnb.ops;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Lets libnd4j's OpenMP threads sleep between native ops ({@code OMP_WAIT_POLICY=PASSIVE}) in a JVM that
 * was started without the setting.
 *
 * <p>With OpenMP's default policy, libnd4j's worker threads spin for a while after every native op, on
 * the cores that the engine's Java passes need next. On the 2-vCPU machines here the thin-layer backward
 * pass that follows the layer's oneDNN forward pass took 5.1-6.2 ms a step in a JVM without the setting,
 * 3.0-3.6 ms with it. The kernelspecs and scripts set it in the environment; a notebook kernel or a
 * program started some other way has not. libgomp reads the variable once, when libnd4j loads it (at
 * ND4J's first use), so {@link #apply()} puts it into the process environment ({@code setenv}, which
 * Java's {@code System.getenv} does not see) if it is unset and libgomp is not loaded yet. The engine's
 * entry points ({@code Layer}, {@code Sequential}, {@code Datasets}) call it as their classes load, and
 * the notebook extension when the kernel starts; code that touches ND4J before any convnb class should
 * call it first or set {@code OMP_WAIT_POLICY=PASSIVE} itself. A value the user set is never changed;
 * the system property {@code convnb.omp.passive=false} turns this off. {@link #describe()} says what
 * happened.
 *
 * <p>It also sizes OpenMP's teams (libnd4j's ops and oneDNN's primitives, which run on the same libgomp) to
 * the CPUs the JVM may use, {@link Runtime#availableProcessors()}: the affinity mask (taskset, a container's
 * cpuset, a batch scheduler's) and a container's CPU quota. Two things size them otherwise:
 * <ul>
 *   <li>libgomp counts the affinity mask, not a quota. {@link #apply()} puts {@code OMP_NUM_THREADS} into
 *       the environment beside the wait policy, under the same conditions (unset, libgomp not loaded).</li>
 *   <li>ND4J, as it loads, gives the thread that loads it as many OpenMP threads as javacpp counts cores
 *       on the whole machine ({@code Loader.totalCores() / totalChips()}), affinity mask or not, unless
 *       the JVM started with {@code OMP_NUM_THREADS}. On a 16-core Intel Xeon with the JVM held to 2 CPUs
 *       by taskset, the 16 threads that this gave oneDNN's barrier-synchronised primitives made them
 *       crawl: the backward pass of the (16,64,64,32) x32 dilated layer took 74-80 ms against 20.5 with 2
 *       threads, and that of batch normalization on (32,56,56,64) 72-73 ms against 5.1. {@link #prepareNd4j()}
 *       loads ND4J and puts the thread that calls it back to the CPUs it may use; the engine's entry
 *       points call it as their classes load, so the thread that first uses them is the one corrected.
 *       Other threads get libgomp's default, which the first point makes right.</li>
 * </ul>
 * {@link #describeThreads()} says what was set.
 */
public final class OpenMpPolicy {
    private static final String VARIABLE = "OMP_WAIT_POLICY";
    private static final String THREADS = "OMP_NUM_THREADS";
    private static final String STATE = set();
    private static final String THREADS_STATE = setThreads();
    private static volatile String corrected = "";

    private OpenMpPolicy() {
    }

    /** Applies the policy once (the class initializer does the work); safe to call from anywhere, any number of times. */
    public static void apply() {
        // Loading the class ran set().
    }

    /**
     * {@link #apply()}, then loads ND4J if nothing has yet, and gives the calling thread's OpenMP teams at
     * most {@link Runtime#availableProcessors()} threads where ND4J's start-up gave it more (see the class
     * comment). A thread count the JVM was started with ({@code OMP_NUM_THREADS}) is left alone: ND4J used
     * it. Safe to call from anywhere, any number of times; cheap after the first.
     */
    public static void prepareNd4j() {
        NativeOps ops;
        try {
            org.nd4j.linalg.factory.Nd4j.getBackend();   // loads the backend, which names the native ops class
            ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        } catch (RuntimeException | LinkageError e) {
            return;   // ND4J cannot load here: the first real use reports why, in a class that still works
        }
        if (System.getenv(THREADS) != null) {
            return;
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        int threads = ops.ompGetMaxThreads();
        if (threads > cpus) {
            ops.setOmpNumThreads(cpus);
            corrected = "; " + Thread.currentThread().getName() + " had " + threads + " from ND4J's start-up, set to " + cpus;
        }
    }

    /** One line for environment reports: the policy in force, and who set it. */
    public static String describe() {
        return STATE;
    }

    /** One line for environment reports: OpenMP's thread count, who set it, and any thread {@link #prepareNd4j()} corrected. */
    public static String describeThreads() {
        return THREADS_STATE + corrected;
    }

    private static String setThreads() {
        String inherited = System.getenv(THREADS);
        if (inherited != null) {
            return inherited + " (from the environment)";
        }
        String cpus = Integer.toString(Runtime.getRuntime().availableProcessors());
        String notSet = putBeforeLibgomp(THREADS, cpus);
        return notSet != null ? notSet : cpus + " (set by convnb before ND4J loaded: the CPUs the JVM may use)";
    }

    private static String set() {
        String inherited = System.getenv(VARIABLE);
        if (inherited != null) {
            return inherited + " (from the environment)";
        }
        if ("false".equalsIgnoreCase(System.getProperty("convnb.omp.passive"))) {
            return "OpenMP's default (system property convnb.omp.passive=false)";
        }
        String notSet = putBeforeLibgomp(VARIABLE, "PASSIVE");
        return notSet != null ? notSet : "PASSIVE (set by convnb before ND4J loaded; convnb.omp.passive=false keeps the default)";
    }

    /**
     * Puts {@code name=value} into the process environment ({@code setenv}), where libgomp reads it as it
     * loads: null when it did, else the report of why OpenMP keeps its default.
     */
    private static String putBeforeLibgomp(String name, String value) {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return "OpenMP's default (not Linux; set " + name + "=" + value + " before starting the JVM)";
        }
        if (libgompLoaded()) {
            return "OpenMP's default: ND4J was loaded before convnb could set it; set " + name + "=" + value
                    + " before starting the JVM";
        }
        try {
            Function setenv = NativeLibrary.getProcess().getFunction("setenv");
            return setenv.invokeInt(new Object[] {name, value, 0}) == 0 ? null : "OpenMP's default (setenv failed)";
        } catch (UnsatisfiedLinkError | RuntimeException | NoClassDefFoundError e) {
            return "OpenMP's default (no setenv here: " + e.getClass().getSimpleName() + ")";
        }
    }

    /**
     * The threads OpenMP gives a team by default in this process: {@code OMP_NUM_THREADS} as the C library
     * sees it (the user's, or the one {@link #apply()} set), else what libgomp counts, the CPUs of the
     * affinity mask; 0 where neither can be read.
     */
    static int defaultThreads() {
        try {
            String value = NativeLibrary.getProcess().getFunction("getenv").invokeString(new Object[] {THREADS}, false);
            if (value != null && value.trim().matches("[0-9]+(,.*)?")) {
                return Integer.parseInt(value.trim().split(",")[0]);
            }
        } catch (UnsatisfiedLinkError | RuntimeException | NoClassDefFoundError e) {
            // no C getenv here: the affinity mask below
        }
        return affinityCpus();
    }

    /** CPUs in this process's affinity mask (what libgomp sizes its teams by), or 0 where unknown. */
    static int affinityCpus() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    int count = 0;
                    for (String range : line.substring(line.indexOf(':') + 1).trim().split(",")) {
                        String[] ends = range.split("-");
                        count += ends.length == 1 ? 1 : Integer.parseInt(ends[1]) - Integer.parseInt(ends[0]) + 1;
                    }
                    return count;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or an unexpected format
        }
        return 0;
    }

    /** Whether the OpenMP runtime is already mapped into this process (then it has read its settings). */
    static boolean libgompLoaded() {
        try {
            return Files.readString(Path.of("/proc/self/maps"), StandardCharsets.UTF_8).contains("libgomp");
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }
}
