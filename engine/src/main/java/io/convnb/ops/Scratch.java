package io.convnb.ops;

import java.util.HashMap;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-thread reusable buffers for the conv ops. Fresh native arrays cost a page fault per 4 KiB
 * and are freed only by the garbage collector, so patch matrices and Java-side copies are kept and
 * reused across calls; only arrays that leave an op (outputs, gradients) are allocated per call.
 */
final class Scratch {
    /** Native buffers kept per thread; beyond this many distinct shapes the cache starts over. */
    private static final int MAX_NATIVE = 12;
    /**
     * Bytes of native buffers kept per thread; a new buffer that would pass this starts the cache over:
     * four patch-matrix chunks ({@link ConvGemm#chunkElements}, so that a model with a few large im2col
     * layers reuses its buffers step after step instead of faulting fresh ones in) and at least 128 MiB.
     */
    private static long nativeBudget() {
        return Math.max(128L << 20, 4 * ConvGemm.chunkElements * Float.BYTES);
    }

    private long nativeBytes;
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    private final Map<String, INDArray> nativeArrays = new HashMap<>();
    private final Map<String, float[]> floats = new HashMap<>();
    private final Map<String, double[]> doubles = new HashMap<>();
    private final Map<String, float[][]> planes = new HashMap<>();
    private final Map<String, int[]> ints = new HashMap<>();

    static Scratch get() {
        return LOCAL.get();
    }

    /** A reusable (rows, cols) C-ordered matrix; its contents are whatever the last user left. */
    INDArray matrix(String slot, DataType type, long rows, long cols) {
        String key = slot + ':' + type + ':' + rows + 'x' + cols;
        INDArray a = nativeArrays.get(key);
        if (a == null) {
            long bytes = rows * cols * type.width();
            if (nativeArrays.size() >= MAX_NATIVE || nativeBytes + bytes > nativeBudget()) {
                nativeArrays.clear();   // callers keep what they hold; the rest goes to the garbage collector
                nativeBytes = 0;
            }
            nativeBytes += bytes;
            // Outside any workspace: the buffer must outlive the caller's workspace scope.
            MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces();
            try {
                a = Nd4j.create(type, new long[] {rows, cols}, 'c');
            } finally {
                outside.close();
            }
            nativeArrays.put(key, a);
        }
        return a;
    }

    /** A reusable (1, length) row of ones (its slot is never handed out for writing). */
    INDArray onesRow(DataType type, long length) {
        String key = "ones:" + type + ':' + 1 + 'x' + length;   // the key matrix("ones", ...) stores it under
        INDArray a = nativeArrays.get(key);
        return a != null ? a : matrix("ones", type, 1, length).assign(1);
    }

    /** A Java float array of at least {@code length} elements (contents undefined). */
    float[] floats(String slot, int length) {
        float[] a = floats.get(slot);
        if (a == null || a.length < length) {
            a = new float[length];
            floats.put(slot, a);
        }
        return a;
    }

    /**
     * {@code count} Java float arrays of at least {@code length} elements each (contents undefined): sets
     * of planes indexed from 0, which the JIT vectorises where it would not vectorise slices of one array.
     */
    float[][] planes(String slot, int count, int length) {
        float[][] a = planes.get(slot);
        if (a == null || a.length < count || (count > 0 && a[0].length < length)) {
            a = new float[count][length];
            planes.put(slot, a);
        }
        return a;
    }

    /** A Java int array of at least {@code length} elements (contents undefined). */
    int[] ints(String slot, int length) {
        int[] a = ints.get(slot);
        if (a == null || a.length < length) {
            a = new int[length];
            ints.put(slot, a);
        }
        return a;
    }

    /** A Java double array of at least {@code length} elements (contents undefined). */
    double[] doubles(String slot, int length) {
        double[] a = doubles.get(slot);
        if (a == null || a.length < length) {
            a = new double[length];
            doubles.put(slot, a);
        }
        return a;
    }
}
