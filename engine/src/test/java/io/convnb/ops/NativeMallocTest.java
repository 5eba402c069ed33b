package io.convnb.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link NativeMalloc} against glibc's own accounting ({@code mallinfo2}): after the engine's first
 * oneDNN class loads, a request below 32 MiB comes from the heap (no new mapping), one above it is
 * mapped on its own and unmapped when freed.
 */
class NativeMallocTest {
    /** glibc's struct mallinfo2: ten size_t fields. */
    public static class MallInfo2 extends Structure implements Structure.ByValue {
        public long arena;
        public long ordblks;
        public long smblks;
        public long hblks;
        public long hblkhd;
        public long usmblks;
        public long fsmblks;
        public long uordblks;
        public long fordblks;
        public long keepcost;

        @Override
        protected List<String> getFieldOrder() {
            return List.of("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                    "keepcost");
        }
    }

    private static final NativeLibrary PROCESS = NativeLibrary.getProcess();

    private static long mappedBytes() {
        MallInfo2 info = (MallInfo2) PROCESS.getFunction("mallinfo2").invoke(MallInfo2.class, new Object[0]);
        return info.hblkhd;
    }

    private static Pointer malloc(long bytes) {
        Pointer p = PROCESS.getFunction("malloc").invokePointer(new Object[] {bytes});
        assertTrue(p != null, "malloc(" + bytes + ") failed");
        p.setMemory(0, bytes, (byte) 1);   // touch every page
        return p;
    }

    private static void free(Pointer p) {
        PROCESS.getFunction("free").invokeVoid(new Object[] {p});
    }

    @Test
    void thresholdsAreFixedOnLinuxWithGlibc() throws ClassNotFoundException {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "glibc's malloc is Linux-only");
        Function version = PROCESS.getFunction("gnu_get_libc_version");
        String[] v = version.invokeString(new Object[0], false).split("\\.");
        assumeTrue(Integer.parseInt(v[0]) > 2 || Integer.parseInt(v[1]) >= 33, "mallinfo2 needs glibc 2.33");

        // Loading (initialising) the engine's oneDNN class applies the settings.
        Class.forName(BuiltinConv.class.getName(), true, BuiltinConv.class.getClassLoader());
        assertTrue(NativeMalloc.describe().contains("mmap threshold 32 MiB, trim threshold 128 MiB"), NativeMalloc.describe());

        // 8 MiB: above glibc's default threshold (128 KiB, adapting upwards), below ours: from the heap.
        long before = mappedBytes();
        Pointer small = malloc(8L << 20);
        long during = mappedBytes();
        free(small);
        assertTrue(during - before < 8L << 20, "an 8 MiB block was mapped on its own: " + (during - before) + " bytes");

        // 48 MiB: above the threshold, mapped on its own and returned when freed.
        Pointer big = malloc(48L << 20);
        long withBig = mappedBytes();
        free(big);
        long after = mappedBytes();
        assertTrue(withBig - during >= 48L << 20, "a 48 MiB block was not mapped on its own: " + (withBig - during));
        assertTrue(withBig - after >= 48L << 20, "a freed 48 MiB block stayed mapped: " + (withBig - after));
    }
}
