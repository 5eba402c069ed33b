package io.convnb.memory;

import io.convnb.data.Dataset;
import io.convnb.layers.Conv2D;
import io.convnb.layers.Dense;
import io.convnb.layers.Flatten;
import io.convnb.layers.MaxPooling2D;
import io.convnb.model.FitOptions;
import io.convnb.model.History;
import io.convnb.model.Sequential;
import io.convnb.model.StepWorkspace;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.cpu.nativecpu.CpuMemoryManager;
import org.nd4j.linalg.cpu.nativecpu.buffer.DefaultDataBufferFactory;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorMemoryGuardTest {
    static final String SIZED = "JavaCPP maxbytes 64 MiB, sized for this test";
    static final String MORE = "restart the kernel with more memory";
    static final long MIB = 1L << 20;

    @AfterEach
    void uninstall() {
        TensorMemoryGuard.uninstall();
    }

    /** Caps of 64 MiB per tensor and 1 GiB for the process, whose resident size reads as {@code resident}. */
    static void install64(AtomicLong resident) {
        TensorMemoryGuard.install(new MemoryCaps(64 * MIB, 1024 * MIB, SIZED, MORE), resident::get);
    }

    @Test
    void aTensorOverTheCapIsRefusedWithAReadableErrorAndTheNextAllocationWorks() {
        install64(new AtomicLong(100 * MIB));
        TensorMemoryLimitError e = assertThrows(TensorMemoryLimitError.class, () -> Nd4j.create(DataType.FLOAT, 8192, 4096));
        assertEquals("a FLOAT tensor of 33,554,432 elements needs 128 MiB, more than the 64 MiB one tensor may take in "
                + "this process (JavaCPP maxbytes 64 MiB, sized for this test). It was refused before any memory was "
                + "allocated: the kernel and its variables are intact. Fixes: a smaller batch (batchSize of fit, evaluate "
                + "and predict) or a smaller tensor; or restart the kernel with more memory.", e.getMessage());
        assertEquals(128 * MIB, e.requestedBytes());
        assertEquals(64 * MIB, e.capBytes());
        // 3 GiB, as a cell on a 2 GiB Binder pod might ask: refused as fast, sizes in GiB too.
        e = assertThrows(TensorMemoryLimitError.class, () -> Nd4j.zeros(DataType.FLOAT, 3L << 28));
        assertTrue(e.getMessage().startsWith("a FLOAT tensor of 805,306,368 elements needs 3,072 MiB (3.00 GiB), more than the 64 MiB"),
                e.getMessage());
        assertThrows(TensorMemoryLimitError.class, () -> Nd4j.rand(DataType.DOUBLE, 4096, 4096));
        assertThrows(TensorMemoryLimitError.class, () -> Nd4j.ones(DataType.INT8, 65 * MIB));

        INDArray ok = Nd4j.create(DataType.FLOAT, 1000, 1000).assign(1);
        assertEquals(1_000_000.0, ok.sumNumber().doubleValue());
        INDArray justUnder = Nd4j.zeros(DataType.FLOAT, 4096, 4096);   // exactly 64 MiB
        assertEquals(64 * MIB, justUnder.data().length() * 4);
        assertEquals(2_000_000.0, ok.dup().muli(2).sumNumber().doubleValue());
    }

    @Test
    void aLargeTensorThatWouldTakeTheProcessPastItsCapIsRefusedAfterAGarbageCollection() {
        AtomicLong resident = new AtomicLong(1000 * MIB);
        install64(resident);
        TensorMemoryLimitError e = assertThrows(TensorMemoryLimitError.class, () -> Nd4j.create(DataType.FLOAT, 8192, 1024));
        assertEquals("a FLOAT tensor of 8,388,608 elements needs 32 MiB, and this process already holds 1,000 MiB resident "
                + "(after a garbage collection): together more than the 1,024 MiB (1.00 GiB) the whole process may use "
                + "(JavaCPP maxbytes 64 MiB, sized for this test). It was refused before any memory was allocated: the "
                + "kernel and its variables are intact. Fixes: release tensors you no longer need (set their variables to "
                + "null), a smaller batch (batchSize of fit, evaluate and predict) or a smaller tensor; or restart the "
                + "kernel with more memory.", e.getMessage());
        assertEquals(1024 * MIB, e.capBytes());
        // Below 16 MiB the process is not measured: the slack above the caps absorbs small tensors.
        assertEquals(2 * 1024 * 1024, Nd4j.create(DataType.FLOAT, 2048, 1024).length());
        resident.set(900 * MIB);
        assertEquals(8192 * 1024, Nd4j.create(DataType.FLOAT, 8192, 1024).length());
    }

    @Test
    void workspaceBlocksAreCheckedWhenAWorkspaceAllocatesThem() {
        AtomicLong resident = new AtomicLong(100 * MIB);
        install64(resident);
        WorkspaceConfiguration big = WorkspaceConfiguration.builder().initialSize(128 * MIB).build();
        TensorMemoryLimitError e = assertThrows(TensorMemoryLimitError.class,
                () -> Nd4j.getWorkspaceManager().getAndActivateWorkspace(big, "guard-test-big").close());
        // ND4J asks for the initial size plus its default overallocation (30%).
        assertTrue(e.getMessage().startsWith("an ND4J workspace block (the arrays of one training or prediction step) "
                + "needs 166 MiB, more than the 64 MiB one tensor may take"), e.getMessage());

        // A workspace that fits works; an array in it over the tensor cap is refused before the workspace grows.
        resident.set(1000 * MIB);
        try (MemoryWorkspace ws = StepWorkspace.open("guard-test-step")) {
            INDArray small = Nd4j.create(DataType.FLOAT, 1024, 1024);   // 4 MiB: no process check
            assertTrue(small.isAttached());
            assertThrows(TensorMemoryLimitError.class, () -> Nd4j.create(DataType.FLOAT, 8192, 4096));
            // 32 MiB inside the workspace: the factory lets it through (attached), but the workspace must
            // grow by a fresh block, and that block would take the process past 1 GiB.
            e = assertThrows(TensorMemoryLimitError.class, () -> Nd4j.create(DataType.FLOAT, 8192, 1024));
            assertTrue(e.getMessage().startsWith("an ND4J workspace block"), e.getMessage());
            // Closing a workspace after its first (learning) loop allocates its block: let that fit.
            resident.set(100 * MIB);
        }
    }

    @Test
    void trainingRunsInWorkspacesUnderTheGuardAndComputesTheSameWeights() {
        float[] unguarded = trainedWeights();
        TensorMemoryGuard.install(new MemoryCaps(64 * MIB, Pointer.physicalBytes() + (2048 * MIB), SIZED, MORE));
        float[] guarded = trainedWeights();
        assertArrayEquals(unguarded, guarded);
    }

    @Test
    void aStepOverTheCapStopsFitWithTheErrorAndASmallerBatchTrains() {
        Dataset data = images(256, 3);
        Sequential m = new Sequential().seed(4)
                .add(new Conv2D(64, 3, 3).activation("relu").inputShape(28, 28, 1))
                .add(new MaxPooling2D(2)).add(new Flatten()).add(new Dense(2).activation("softmax"))
                .compile("adam", "categorical_crossentropy", "accuracy");
        // One batch of 256 images gives a (256, 26, 26, 64) activation: 42 MiB, over a 16 MiB cap.
        TensorMemoryGuard.install(new MemoryCaps(16 * MIB, Pointer.physicalBytes() + (2048 * MIB), SIZED, MORE));
        TensorMemoryLimitError e = assertThrows(TensorMemoryLimitError.class,
                () -> m.fit(data, FitOptions.epochs(1).batchSize(256).verbose(false)));
        assertTrue(e.getMessage().startsWith("a FLOAT tensor of 11,075,584 elements needs 42 MiB, more than the 16 MiB"),
                e.getMessage());
        History h = m.fit(data, FitOptions.epochs(1).batchSize(32).verbose(false));
        assertEquals(1, h.epochCount());
        assertTrue(Double.isFinite(h.last("loss")), h.toString());
    }

    @Test
    void uninstallPutsNd4jsOwnFactoryAndMemoryManagerBack() {
        install64(new AtomicLong(0));
        assertEquals(GuardedBufferFactory.class, Nd4j.getDataBufferFactory().getClass());
        assertEquals(GuardedMemoryManager.class, Nd4j.getMemoryManager().getClass());
        assertTrue(TensorMemoryGuard.describe().startsWith("on: refuses, before libnd4j allocates it, a tensor over 64 MiB "
                + "or one of 16 MiB or more that would take the process past 1,024 MiB (1.00 GiB) resident"), TensorMemoryGuard.describe());
        MemoryCaps caps = TensorMemoryGuard.caps();
        install64(new AtomicLong(0));   // again: the caps change, the factory stays
        assertEquals(GuardedBufferFactory.class, Nd4j.getDataBufferFactory().getClass());
        assertEquals(caps, TensorMemoryGuard.caps());
        TensorMemoryGuard.uninstall();
        assertSame(DefaultDataBufferFactory.class, Nd4j.getDataBufferFactory().getClass());
        assertSame(CpuMemoryManager.class, Nd4j.getMemoryManager().getClass());
        assertEquals("off", TensorMemoryGuard.describe());
        assertEquals(8192L * 4096, Nd4j.create(DataType.FLOAT, 8192, 4096).length());
    }

    @Test
    void capsMustBePositiveAndSayWhereTheyCameFrom() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MemoryCaps(0, 1, SIZED, MORE));
        assertEquals("MemoryCaps: tensorBytes and processBytes must be > 0, received tensorBytes=0, processBytes=1.", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MemoryCaps(1, 1, " ", MORE));
    }

    private static float[] trainedWeights() {
        Sequential m = new Sequential().seed(7)
                .add(new Conv2D(8, 3, 3).activation("relu").inputShape(28, 28, 1))
                .add(new MaxPooling2D(2)).add(new Flatten()).add(new Dense(2).activation("softmax"))
                .compile("adam", "categorical_crossentropy", "accuracy");
        m.fit(images(128, 1), FitOptions.epochs(2).batchSize(32).seed(3).verbose(false));
        return m.parameters().get(0).value().dup().data().asFloat();
    }

    /** Two classes of 28x28 images: brighter left or right half, with noise. */
    private static Dataset images(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 28 * 28];
        float[] y = new float[n * 2];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(2);
            y[i * 2 + c] = 1;
            for (int p = 0; p < 28 * 28; p++) {
                boolean bright = (p % 28 < 14) == (c == 0);
                x[i * 784 + p] = (float) ((bright ? 0.8 : 0.2) + 0.2 * (r.nextDouble() - 0.5));
            }
        }
        return Dataset.of("halves", Nd4j.create(x, new long[] {n, 28, 28, 1}, 'c'), Nd4j.create(y, new long[] {n, 2}, 'c'),
                List.of("left", "right"));
    }
}
