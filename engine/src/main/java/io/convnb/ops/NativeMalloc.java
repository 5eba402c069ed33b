package io.convnb.ops;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;

/**
 * Keeps the native heap's freed memory mapped between libnd4j's oneDNN calls, on Linux with glibc.
 *
 * <p>oneDNN, inside libnd4j's {@code conv2d}, {@code conv2d_bp} and {@code deconv2d}, allocates its
 * temporary buffers (reorders between NHWC and its blocked layouts, a few MiB to a few tens of MiB)
 * with {@code malloc} on every call and frees them at the end. glibc's default is to adapt: it serves
 * such a request from a fresh {@code mmap} or trims the freed top of the heap back to the kernel,
 * depending on the sizes it has seen, and a buffer that comes back from the kernel costs a page fault
 * per 4 KiB the next time it is written. Which of the two a process settles into differs from run to
 * run: on the 2-vCPU AMD EPYC machines here the backward pass of a (16,64,64,32) layer with dilation 2
 * took 14-19 ms in one JVM and 42-68 ms in the next, the same code and data, and oneDNN's
 * deconvolution for a Conv1D layer 10-15 or 44-54 ms.
 *
 * <p>{@link #tune()} fixes glibc's two thresholds, as {@code mallopt} does (the same as starting the
 * JVM with {@code GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=134217728}):
 * requests below {@link #MMAP_THRESHOLD} come from the heap, and the heap keeps up to
 * {@link #TRIM_THRESHOLD} of freed memory at its top instead of returning it. Larger requests (big
 * tensors) are still mapped and unmapped on their own, so freeing a large tensor still lowers the
 * process's resident size, which the tensor memory guard measures. With the thresholds fixed, the
 * dilated layer ran 20.6-29 ms a step in eight JVMs of eight (one later benchmark JVM still took 48.6 ms,
 * so this narrows the slow mode rather than removing it).
 *
 * <p>Runs once, when the first class that calls libnd4j's oneDNN ops loads. Does nothing where the C
 * library has no {@code mallopt} or is not glibc, or with the system property
 * {@code convnb.malloc.tune=false}; {@link #describe()} says which.
 */
public final class NativeMalloc {
    /** glibc's largest mmap threshold on 64-bit systems (DEFAULT_MMAP_THRESHOLD_MAX), 32 MiB. */
    static final int MMAP_THRESHOLD = 32 << 20;
    /** Freed memory the heap may keep at its top, 128 MiB. */
    static final int TRIM_THRESHOLD = 128 << 20;
    /** glibc's mallopt parameter numbers (malloc.h). */
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;

    private static final String STATE = apply();

    private NativeMalloc() {
    }

    /** Applies the settings once (the class initializer does the work); safe to call from anywhere. */
    static void tune() {
        // Loading the class ran apply().
    }

    /** One line for environment reports: what was set, or why nothing was. */
    public static String describe() {
        return STATE;
    }

    private static String apply() {
        if ("false".equalsIgnoreCase(System.getProperty("convnb.malloc.tune"))) {
            return "default glibc thresholds (system property convnb.malloc.tune=false)";
        }
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return "default (not Linux)";
        }
        try {
            NativeLibrary process = NativeLibrary.getProcess();
            Function version = process.getFunction("gnu_get_libc_version");
            String glibc = version.invokeString(new Object[0], false);
            Function mallopt = process.getFunction("mallopt");
            int mmap = mallopt.invokeInt(new Object[] {M_MMAP_THRESHOLD, MMAP_THRESHOLD});
            int trim = mallopt.invokeInt(new Object[] {M_TRIM_THRESHOLD, TRIM_THRESHOLD});
            if (mmap != 1 || trim != 1) {
                return "default: glibc " + glibc + " refused mallopt (mmap threshold " + mmap + ", trim threshold " + trim + ")";
            }
            return "glibc " + glibc + ": mmap threshold " + (MMAP_THRESHOLD >> 20) + " MiB, trim threshold "
                    + (TRIM_THRESHOLD >> 20) + " MiB (set by convnb; convnb.malloc.tune=false keeps the defaults)";
        } catch (UnsatisfiedLinkError | RuntimeException | NoClassDefFoundError e) {
            return "default (no glibc mallopt here: " + e.getClass().getSimpleName() + ")";
        }
    }
}
