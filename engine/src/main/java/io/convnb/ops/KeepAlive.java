package io.convnb.ops;

import java.lang.ref.Reference;

/**
 * Keeps the owners of native memory reachable while Java code reads or writes that memory through NIO
 * views. {@code INDArray.data().asNioFloat()} and {@code asNioDouble()} wrap the native address in a
 * direct buffer that does not refer to the array: once the JIT sees an array's last use (often the
 * {@code asNio} call itself, or a temporary copy made by {@link OpChecks#plain}), outside an ND4J
 * workspace the garbage collector may run the array's deallocator and free the memory while worker
 * threads still copy through the view, which crashes the JVM (SIGSEGV) or reads freed memory. So every
 * method that takes such a view fences the arrays it viewed after its last access (in a {@code finally}
 * around parallel work), and holders of views ({@link NativeBlocks}) keep a field to the array and are
 * fenced in turn. Workspace memory is safe either way: it is released only when its workspace is.
 */
final class KeepAlive {
    private KeepAlive() {
    }

    /** Holds {@code owners} (and so their native buffers) strongly reachable up to this call. */
    static void fence(Object... owners) {
        Reference.reachabilityFence(owners);
    }
}
