package io.convnb.memory;

/**
 * Thrown by {@link TensorMemoryGuard} instead of allocating a tensor that would not fit: nothing was
 * allocated, so the JVM and every existing variable are intact. An {@link OutOfMemoryError} like the
 * JVM's own "Java heap space" and JavaCPP's cap errors, so code that handles running out of memory
 * handles this too, and ND4J's {@code catch (Exception e)} wrappers pass it through unchanged.
 */
public final class TensorMemoryLimitError extends OutOfMemoryError {
    private static final long serialVersionUID = 1L;
    private final long requestedBytes;
    private final long capBytes;

    TensorMemoryLimitError(String message, long requestedBytes, long capBytes) {
        super(message);
        this.requestedBytes = requestedBytes;
        this.capBytes = capBytes;
    }

    /** The bytes the refused tensor or workspace asked for. */
    public long requestedBytes() {
        return requestedBytes;
    }

    /** The cap it would have passed: the per-tensor cap, or the whole process's. */
    public long capBytes() {
        return capBytes;
    }
}
