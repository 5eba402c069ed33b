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
 * <p>{@link #tune()} fixes three of glibc's settings, as {@code mallopt} does (the same as starting the
 * JVM with {@code GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=134217728:glibc.malloc.top_pad=67108864}):
 * requests below {@link #MMAP_THRESHOLD} come from the heap, the heap keeps up to
 * {@link #TRIM_THRESHOLD} of freed memory at its top instead of returning it, and a thread's heap that
 * empties is kept ({@link #TOP_PAD}). Larger requests (big tensors) are still mapped and unmapped on
 * their own, so freeing a large tensor still lowers the process's resident size, which the tensor
 * memory guard measures. With the two thresholds fixed, the dilated layer ran 20.6-29 ms a step in
 * eight JVMs of eight, but one later benchmark JVM still took 48.6 ms, and the Conv1D layer's backward
 * pass 82-85 ms instead of 36-42 in two JVMs of ten: the deleted heaps below. With the pad as well,
 * {@code conv2d_bp} on that layer page-faulted through a fresh 16 MiB buffer in 1-2 calls of 300 in
 * each of three JVMs (the heaps' first use), against most calls in some JVMs before.
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
    /**
     * Room the heap keeps beyond a request, 64 MiB (glibc's default is 128 KiB). Each thread other than
     * the process's first allocates from heaps of at most 64 MiB, and glibc deletes (unmaps) the newest
     * heap as soon as it is empty unless the one before it has less than this much room left, whatever
     * the trim threshold. A 16 MiB buffer that did not fit in the first heap therefore came from a
     * freshly mapped heap on every call and cost 4,000 page faults: oneDNN's {@code conv2d_bp} on the
     * Conv1D layer (64,1000,64) took 22 ms in one JVM and 52-115 ms in others (4,000 or 8,000 faults per
     * call). A pad of 32 MiB still left several slow calls in 80; at the heap size no heap is deleted.
     * The pad only reserves address space beyond the top: pages that are never written cost no memory.
     */
    static final int TOP_PAD = 64 << 20;
    /** glibc's mallopt parameter numbers (malloc.h). */
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_TOP_PAD = -2;
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
            int pad = mallopt.invokeInt(new Object[] {M_TOP_PAD, TOP_PAD});
            if (mmap != 1 || trim != 1 || pad != 1) {
                return "default: glibc " + glibc + " refused mallopt (mmap threshold " + mmap + ", trim threshold " + trim
                        + ", top pad " + pad + ")";
            }
            return "glibc " + glibc + ": mmap threshold " + (MMAP_THRESHOLD >> 20) + " MiB, trim threshold "
                    + (TRIM_THRESHOLD >> 20) + " MiB, top pad " + (TOP_PAD >> 20)
                    + " MiB (set by convnb; convnb.malloc.tune=false keeps the defaults)";
        } catch (UnsatisfiedLinkError | RuntimeException | NoClassDefFoundError e) {
            return "default (no glibc mallopt here: " + e.getClass().getSimpleName() + ")";
        }
    }
}
