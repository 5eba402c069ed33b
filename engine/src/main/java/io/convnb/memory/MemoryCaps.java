package io.convnb.memory;

/**
 * The native-memory caps {@link TensorMemoryGuard} enforces, and the words its error uses to say
 * where they came from and how to get more.
 *
 * @param tensorBytes  the most one tensor (one ND4J data buffer) may take, in bytes; the kernels use
 *                     JavaCPP's {@code maxbytes}
 * @param processBytes the most the whole process may hold resident (heap, libraries and tensors) once
 *                     a large tensor is added, in bytes; the kernels use JavaCPP's {@code maxphysicalbytes}
 * @param sizedFrom    how the caps were chosen, completing "JavaCPP maxbytes, ...", e.g.
 *                     {@code "sized at kernel start by convnb-launch.sh from the 2,048 MiB limit of MEM_LIMIT"}
 * @param moreMemory   the fix that gives the process more memory, e.g.
 *                     {@code "restart the kernel in a container with a larger memory limit"}
 */
public record MemoryCaps(long tensorBytes, long processBytes, String sizedFrom, String moreMemory) {
    public MemoryCaps {
        if (tensorBytes <= 0 || processBytes <= 0) {
            throw new IllegalArgumentException("MemoryCaps: tensorBytes and processBytes must be > 0, received tensorBytes="
                    + tensorBytes + ", processBytes=" + processBytes + ".");
        }
        if (sizedFrom == null || sizedFrom.isBlank() || moreMemory == null || moreMemory.isBlank()) {
            throw new IllegalArgumentException("MemoryCaps: sizedFrom and moreMemory must say where the caps came from "
                    + "and how to get more memory; received sizedFrom=" + sizedFrom + ", moreMemory=" + moreMemory + ".");
        }
    }
}
