package io.convnb.memory;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.memory.enums.MemoryKind;
import org.nd4j.linalg.cpu.nativecpu.CpuMemoryManager;

/**
 * ND4J's CPU memory manager with {@link TensorMemoryGuard}'s check in front of {@link #allocate}: the
 * call through which a workspace allocates its block when it is first sized (after its learning
 * loop, the sum of a step's arrays plus overallocation) and when it spills or grows. The arrays
 * inside a workspace reuse that block and are checked only against the per-tensor cap.
 */
final class GuardedMemoryManager extends CpuMemoryManager {

    @Override
    public Pointer allocate(long bytes, MemoryKind kind, boolean initialize) {
        TensorMemoryGuard.checkWorkspaceBlock(bytes);
        return super.allocate(bytes, kind, initialize);
    }
}
