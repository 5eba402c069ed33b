package io.convnb.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * {@link OpenMpPolicy} in fresh JVMs started without {@code OMP_WAIT_POLICY}, as a notebook kernel
 * launched by someone else would be: before ND4J loads, the engine puts PASSIVE into the process
 * environment, where libgomp reads it; after, it says it is too late and changes nothing.
 */
class OpenMpPolicyTest {
    /** Runs in the child JVM: prints the policy's report, then the variable as the C library sees it. */
    public static final class Probe {
        public static void main(String[] args) {
            if (args.length > 0 && args[0].equals("nd4j-first")) {
                Nd4j.create(DataType.FLOAT, 1);
            }
            if (args.length > 1 && args[1].equals("threads")) {
                threads();
                return;
            }
            OpenMpPolicy.apply();
            Nd4j.create(DataType.FLOAT, 1);
            System.out.println("REPORT " + OpenMpPolicy.describe());
            System.out.println("GETENV " + NativeLibrary.getProcess().getFunction("getenv").invokeString(
                    new Object[] {"OMP_WAIT_POLICY"}, false));
            System.out.println("LIBGOMP " + OpenMpPolicy.libgompLoaded());
        }
    }

    /** The OpenMP thread counts after an engine entry point's class loads, on this thread and on a new one. */
    private static void threads() {
        try {
            Class.forName("io.convnb.layers.Layer");   // its initializer calls OpenMpPolicy.prepareNd4j()
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        int[] other = new int[1];
        Thread t = new Thread(() -> other[0] = ops.ompGetMaxThreads());
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        System.out.println("REPORT " + OpenMpPolicy.describeThreads());
        System.out.println("GETENV " + NativeLibrary.getProcess().getFunction("getenv").invokeString(
                new Object[] {"OMP_NUM_THREADS"}, false));
        System.out.println("THREADS " + Runtime.getRuntime().availableProcessors() + " " + ops.ompGetMaxThreads() + " " + other[0]);
        System.out.println("CORES " + Loader.totalCores() / Math.max(1, Loader.totalChips()));
        System.out.println("ONEDNN " + Conv2DOps.oneDnnConvolutions());
    }

    private static List<String> probe(String... args) throws IOException, InterruptedException {
        return probe(List.of(), args);
    }

    /** Runs the probe JVM behind {@code prefix} (e.g. taskset), without OMP_WAIT_POLICY and OMP_NUM_THREADS. */
    private static List<String> probe(List<String> prefix, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new java.util.ArrayList<>(prefix));
        pb.environment().remove("OMP_NUM_THREADS");
        pb.command().addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        pb.command().addAll(List.of(args));
        pb.environment().remove("OMP_WAIT_POLICY");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.lines().filter(l -> l.startsWith("REPORT ") || l.startsWith("GETENV ") || l.startsWith("LIBGOMP ")
                || l.startsWith("THREADS ") || l.startsWith("CORES ") || l.startsWith("ONEDNN ")).toList();
    }

    @Test
    void setsPassiveBeforeNd4jLoadsAndOnlyThen() throws Exception {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "setenv and /proc/self/maps are Linux's");
        List<String> before = probe();
        assertEquals(List.of("REPORT PASSIVE (set by convnb before ND4J loaded; convnb.omp.passive=false keeps the default)",
                "GETENV PASSIVE", "LIBGOMP true"), before);
        List<String> after = probe("nd4j-first");
        assertTrue(after.get(0).startsWith("REPORT OpenMP's default: ND4J was loaded before convnb could set it"), after.toString());
        assertEquals("GETENV null", after.get(1));
    }

    /**
     * Held to one CPU by taskset, a JVM gets one OpenMP thread per team on the thread that loaded ND4J
     * (ND4J's start-up gives it the machine's core count) and on every other (libgomp's default, from the
     * OMP_NUM_THREADS that apply() sets), also when the program loaded ND4J before any convnb class.
     */
    @Test
    void openMpTeamsFitTheCpusTheJvmMayUse() throws Exception {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "taskset and setenv are Linux's");
        List<String> taskset = List.of("taskset", "-c", "0");
        List<String> first = probe(taskset, "convnb-first", "threads");
        assertEquals("THREADS 1 1 1", first.get(2), first.toString());
        assertEquals("GETENV 1", first.get(1), first.toString());
        assertTrue(first.get(0).startsWith("REPORT 1 (set by convnb before ND4J loaded"), first.toString());
        int cores = Integer.parseInt(first.get(3).substring("CORES ".length()));
        if (cores > 1) {   // ND4J gave the loading thread the machine's cores: the report says it was put back
            assertTrue(first.get(0).endsWith("main had " + cores + " from ND4J's start-up, set to 1"), first.toString());
        }
        List<String> late = probe(taskset, "nd4j-first", "threads");
        assertEquals("THREADS 1 1 1", late.get(2), late.toString());
        assertEquals("GETENV null", late.get(1), late.toString());
        assertTrue(late.get(0).startsWith("REPORT OpenMP's default: ND4J was loaded before convnb could set it"), late.toString());
    }

    /**
     * In a cgroup whose CPU quota allows one CPU (as a Binder pod's allows fewer than its host's cores),
     * OpenMP's teams get one thread, and oneDNN's convolutions stay on since their teams fit the quota.
     */
    @Test
    void aCpuQuotaSizesOpenMpTeamsAndOneDnnStaysOn() throws Exception {
        Path group = quotaOfOneCpu();
        assumeTrue(group != null, "making a cgroup with a CPU quota needs root and a cgroup cpu controller");
        try {
            String join = "echo $$ > " + group.resolve("cgroup.procs") + " && exec \"$0\" \"$@\"";
            List<String> out = probe(List.of("sh", "-c", join), "convnb-first", "threads");
            assertEquals("THREADS 1 1 1", out.get(2), out.toString());
            assertEquals("GETENV 1", out.get(1), out.toString());
            assertTrue(out.get(4).startsWith("ONEDNN on"), out.toString());
        } finally {
            Files.delete(group);
        }
    }

    /** A new cgroup (v1 or v2) with a quota of one CPU, or null where none can be made. */
    private static Path quotaOfOneCpu() {
        String name = "convnb-test-" + ProcessHandle.current().pid();
        try {
            Path v1 = Path.of("/sys/fs/cgroup/cpu");
            if (Files.exists(v1.resolve("cpu.cfs_quota_us"))) {
                Path group = Files.createDirectory(v1.resolve(name));
                Files.writeString(group.resolve("cpu.cfs_period_us"), "100000");
                Files.writeString(group.resolve("cpu.cfs_quota_us"), "100000");
                return group;
            }
            Path v2 = Path.of("/sys/fs/cgroup");
            if (Files.exists(v2.resolve("cgroup.controllers"))
                    && Files.readString(v2.resolve("cgroup.controllers")).contains("cpu")) {
                if (!Files.readString(v2.resolve("cgroup.subtree_control")).contains("cpu")) {
                    Files.writeString(v2.resolve("cgroup.subtree_control"), "+cpu");
                }
                Path group = Files.createDirectory(v2.resolve(name));
                Files.writeString(group.resolve("cpu.max"), "100000 100000");
                return group;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    @Test
    void aValueFromTheEnvironmentIsKept() {
        // The Maven tests run with OMP_WAIT_POLICY=PASSIVE in the environment (root pom).
        assertEquals(System.getenv("OMP_WAIT_POLICY") + " (from the environment)", OpenMpPolicy.describe());
    }
}
