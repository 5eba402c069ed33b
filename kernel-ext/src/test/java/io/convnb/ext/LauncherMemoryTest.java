package io.convnb.ext;

import io.convnb.memory.MemoryCaps;
import io.convnb.memory.TensorMemoryGuard;
import io.convnb.memory.TensorMemoryLimitError;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LauncherMemoryTest {
    static final long MIB = 1L << 20;

    @AfterEach
    void cleanUp() {
        System.clearProperty(LauncherMemory.LIMIT_PROPERTY);
        System.clearProperty(LauncherMemory.SOURCE_PROPERTY);
        TensorMemoryGuard.uninstall();
    }

    @Test
    void capsComeFromJavaCppAndSayWhichLimitTheLauncherSizedThemFrom() {
        MemoryCaps caps = LauncherMemory.caps("2147483648", "MEM_LIMIT", 781 * MIB, 1664 * MIB);
        assertEquals(781 * MIB, caps.tensorBytes());
        assertEquals(1664 * MIB, caps.processBytes());
        assertEquals("JavaCPP maxbytes and maxphysicalbytes, which convnb-launch.sh sized at kernel start from the "
                + "2,048 MiB limit of MEM_LIMIT", caps.sizedFrom());
        assertEquals("restart the kernel with a larger MEM_LIMIT (now 2,048 MiB, the smallest limit here; it can only "
                + "lower the container's own limit)", caps.moreMemory());
        assertEquals("restart the kernel in a container with a larger memory limit (this one allows 2,048 MiB; MEM_LIMIT "
                + "can only lower it; a mybinder.org session gets at most 2 GB)",
                LauncherMemory.moreMemory("cgroup v2 /sys/fs/cgroup/memory.max", 2L << 30));
        assertEquals("restart the kernel on a machine with more memory (this one has 24,105 MiB)",
                LauncherMemory.moreMemory("physical memory", 24105 * MIB));
        assertNull(LauncherMemory.caps(null, null, 1, 1));
        assertNull(LauncherMemory.caps("2g", "MEM_LIMIT", 1, 1));
    }

    @Test
    void theGuardIsInstalledOnlyInAJvmTheLauncherSized() {
        assertFalse(LauncherMemory.installGuard());
        assertNull(TensorMemoryGuard.caps());

        System.setProperty(LauncherMemory.LIMIT_PROPERTY, Long.toString(2L << 30));
        System.setProperty(LauncherMemory.SOURCE_PROPERTY, "MEM_LIMIT");
        assertTrue(LauncherMemory.installGuard());
        assertEquals(Pointer.maxBytes(), TensorMemoryGuard.caps().tensorBytes());
        assertEquals(Pointer.maxPhysicalBytes(), TensorMemoryGuard.caps().processBytes());
        // surefire's -Xmx2g makes JavaCPP's maxbytes 2 GiB: 3 GiB is refused, with the launcher's words
        TensorMemoryLimitError e = assertThrows(TensorMemoryLimitError.class, () -> Nd4j.create(DataType.FLOAT, 3L << 28));
        assertTrue(e.getMessage().contains("(JavaCPP maxbytes and maxphysicalbytes, which convnb-launch.sh sized at kernel "
                + "start from the 2,048 MiB limit of MEM_LIMIT)") && e.getMessage().endsWith("or restart the kernel with a "
                + "larger MEM_LIMIT (now 2,048 MiB, the smallest limit here; it can only lower the container's own limit)."),
                e.getMessage());
        assertEquals(6.0, Nd4j.ones(DataType.FLOAT, 2, 3).sumNumber().doubleValue());
    }
}
