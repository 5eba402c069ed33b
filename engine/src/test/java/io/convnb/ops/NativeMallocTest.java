package io.convnb.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link NativeMalloc} against glibc's own accounting ({@code mallinfo2}), in fresh JVMs: after the
 * engine's first oneDNN class loads, a request below 32 MiB comes from the heap (no new mapping), one
 * above it is mapped on its own and unmapped when freed; with the tuning off, glibc maps the smaller
 * one too.
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

    /** Bytes glibc holds from the system over all arenas (mallinfo2's arena field). */
    private static long systemBytes() {
        MallInfo2 info = (MallInfo2) PROCESS.getFunction("mallinfo2").invoke(MallInfo2.class, new Object[0]);
        return info.arena;
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

    /**
     * Runs in a fresh JVM (a test JVM's heap already holds freed blocks that malloc reuses whatever the
     * thresholds): initialises the engine's oneDNN class, or first turns the tuning off with
     * {@code default}, then reports how glibc served an 8 MiB and a 48 MiB block.
     */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            if (args.length > 0 && args[0].equals("default")) {
                System.setProperty("convnb.malloc.tune", "false");
            }
            Class.forName(BuiltinConv.class.getName(), true, BuiltinConv.class.getClassLoader());
            if (args.length > 0 && args[0].equals("heap")) {
                if (args.length > 1 && args[1].equals("default-pad")) {
                    PROCESS.getFunction("mallopt").invokeInt(new Object[] {-2, 128 << 10});   // M_TOP_PAD, glibc's default
                }
                heapProbe();
                return;
            }
            long before = mappedBytes();
            Pointer small = malloc(8L << 20);
            long during = mappedBytes();
            free(small);
            Pointer big = malloc(48L << 20);
            long withBig = mappedBytes();
            free(big);
            long after = mappedBytes();
            System.out.println("REPORT " + NativeMalloc.describe());
            System.out.println("SMALL_MAPPED " + (during - before));
            System.out.println("BIG_MAPPED " + (withBig - during));
            System.out.println("BIG_UNMAPPED " + (withBig - after));
        }
    }

    /** Heaps of threads other than the process's first are 64 MiB and aligned to it (glibc's HEAP_MAX_SIZE). */
    private static final long HEAP = 64L << 20;

    /**
     * In new threads (each allocating from an arena other than the main one), allocates 20 MiB blocks
     * until one opens a heap of its own (it starts within a page of a 64 MiB boundary), frees that block
     * and reports how much glibc's system memory dropped: the whole heap when glibc deletes it.
     */
    static void heapProbe() throws InterruptedException {
        long[] released = {-1};
        for (int attempt = 0; attempt < 4 && released[0] < 0; attempt++) {
            Thread t = new Thread(() -> {
                List<Pointer> held = new java.util.ArrayList<>();
                for (int i = 0; i < 12 && released[0] < 0; i++) {
                    Pointer p = malloc(20L << 20);
                    long at = Pointer.nativeValue(p);
                    if (i > 0 && at % HEAP < 4096) {
                        long before = systemBytes();
                        free(p);
                        released[0] = before - systemBytes();
                    } else {
                        held.add(p);
                    }
                }
                held.forEach(NativeMallocTest::free);
            });
            t.start();
            t.join();
        }
        System.out.println("REPORT " + NativeMalloc.describe());
        System.out.println("HEAP_RELEASED " + released[0]);
    }

    private static Map<String, String> probe(String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder();
        pb.command().addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        pb.command().addAll(List.of(args));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        Map<String, String> values = new HashMap<>();
        out.lines().filter(l -> l.matches("[A-Z_]+ .*")).forEach(l -> values.put(l.substring(0, l.indexOf(' ')),
                l.substring(l.indexOf(' ') + 1)));
        return values;
    }

    /** These checks read glibc's own accounting: Linux, glibc 2.33 or later. */
    private static void assumeGlibcWithMallinfo2() {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "glibc's malloc is Linux-only");
        Function version = PROCESS.getFunction("gnu_get_libc_version");
        String[] v = version.invokeString(new Object[0], false).split("\\.");
        assumeTrue(Integer.parseInt(v[0]) > 2 || Integer.parseInt(v[1]) >= 33, "mallinfo2 needs glibc 2.33");
    }

    @Test
    void thresholdsAreFixedOnLinuxWithGlibc() throws Exception {
        assumeGlibcWithMallinfo2();

        Map<String, String> tuned = probe();
        assertTrue(tuned.get("REPORT").contains("mmap threshold 32 MiB, trim threshold 128 MiB"), tuned.toString());
        // 8 MiB: above glibc's default threshold (128 KiB, adapting upwards), below ours: from the heap.
        assertTrue(Long.parseLong(tuned.get("SMALL_MAPPED")) < 8L << 20, "an 8 MiB block was mapped on its own: " + tuned);
        // 48 MiB: above the threshold, mapped on its own and returned when freed.
        assertTrue(Long.parseLong(tuned.get("BIG_MAPPED")) >= 48L << 20, "a 48 MiB block was not mapped on its own: " + tuned);
        assertTrue(Long.parseLong(tuned.get("BIG_UNMAPPED")) >= 48L << 20, "a freed 48 MiB block stayed mapped: " + tuned);

        // Without the tuning, glibc's default maps the 8 MiB block on its own: the check above can fail.
        Map<String, String> plain = probe("default");
        assertTrue(plain.get("REPORT").startsWith("default glibc thresholds"), plain.toString());
        assertTrue(Long.parseLong(plain.get("SMALL_MAPPED")) >= 8L << 20, "glibc's default served 8 MiB from the heap: " + plain);
    }

    /**
     * The top pad keeps a thread's newest heap when it empties: a 20 MiB block that needed a heap of its
     * own leaves it mapped when freed, so the next such request does not page-fault through fresh memory.
     * With glibc's default pad (128 KiB) the same free deletes the heap.
     */
    @Test
    void threadHeapsOutliveTheirBlocks() throws Exception {
        assumeGlibcWithMallinfo2();

        Map<String, String> tuned = probe("heap");
        assertTrue(tuned.get("REPORT").contains("top pad 64 MiB"), tuned.toString());
        long kept = Long.parseLong(tuned.get("HEAP_RELEASED"));
        assertTrue(kept >= 0, "no 20 MiB block opened a heap of its own: " + tuned);
        assertEquals(0, kept, "freeing the block released its heap: " + tuned);

        Map<String, String> defaultPad = probe("heap", "default-pad");
        assertTrue(Long.parseLong(defaultPad.get("HEAP_RELEASED")) >= 20L << 20,
                "with glibc's default pad the emptied heap stayed: " + defaultPad);
    }
}
