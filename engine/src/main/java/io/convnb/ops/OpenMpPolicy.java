package io.convnb.ops;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
 */
public final class OpenMpPolicy {
    private static final String VARIABLE = "OMP_WAIT_POLICY";
    private static final String STATE = set();

    private OpenMpPolicy() {
    }

    /** Applies the policy once (the class initializer does the work); safe to call from anywhere, any number of times. */
    public static void apply() {
        // Loading the class ran set().
    }

    /** One line for environment reports: the policy in force, and who set it. */
    public static String describe() {
        return STATE;
    }

    private static String set() {
        String inherited = System.getenv(VARIABLE);
        if (inherited != null) {
            return inherited + " (from the environment)";
        }
        if ("false".equalsIgnoreCase(System.getProperty("convnb.omp.passive"))) {
            return "OpenMP's default (system property convnb.omp.passive=false)";
        }
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return "OpenMP's default (not Linux; set " + VARIABLE + "=PASSIVE before starting the JVM)";
        }
        if (libgompLoaded()) {
            return "OpenMP's default: ND4J was loaded before convnb could set it; set " + VARIABLE
                    + "=PASSIVE before starting the JVM";
        }
        try {
            Function setenv = NativeLibrary.getProcess().getFunction("setenv");
            if (setenv.invokeInt(new Object[] {VARIABLE, "PASSIVE", 0}) != 0) {
                return "OpenMP's default (setenv failed)";
            }
            return "PASSIVE (set by convnb before ND4J loaded; convnb.omp.passive=false keeps the default)";
        } catch (UnsatisfiedLinkError | RuntimeException | NoClassDefFoundError e) {
            return "OpenMP's default (no setenv here: " + e.getClass().getSimpleName() + ")";
        }
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
