package io.convnb.model;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.MirroringPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An ND4J workspace around one training or inference step. Every activation and gradient of a step
 * is allocated in it, and the next step reuses the same memory. Without it each step allocates fresh
 * native arrays; on this machine class a fresh page costs about 12 microseconds, so a 5.5 MB
 * activation cost 18 ms to allocate against 0.15 ms to compute.
 *
 * <p>Anything that must outlive a step (weights, gradients, optimizer state, returned predictions)
 * lives outside: the model's flat vectors are created before training, optimizer state is created
 * out of workspaces, and {@code predict} detaches its results. Public for custom loops and the benchmarks,
 * which time a layer under the same conditions as {@code fit}.
 */
public final class StepWorkspace {
    private static final WorkspaceConfiguration CONFIG = WorkspaceConfiguration.builder()
            .initialSize(0)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .overallocationLimit(0.2)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policyMirroring(MirroringPolicy.FULL)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();

    private StepWorkspace() {
    }

    /** Opens the workspace {@code id} for one step; close it when the step is done. */
    public static MemoryWorkspace open(String id) {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, id);
    }
}
