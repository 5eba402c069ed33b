package io.convnb.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

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
            OpenMpPolicy.apply();
            Nd4j.create(DataType.FLOAT, 1);
            System.out.println("REPORT " + OpenMpPolicy.describe());
            System.out.println("GETENV " + NativeLibrary.getProcess().getFunction("getenv").invokeString(
                    new Object[] {"OMP_WAIT_POLICY"}, false));
            System.out.println("LIBGOMP " + OpenMpPolicy.libgompLoaded());
        }
    }

    private static List<String> probe(String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder();
        pb.command().addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        pb.command().addAll(List.of(args));
        pb.environment().remove("OMP_WAIT_POLICY");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.lines().filter(l -> l.startsWith("REPORT ") || l.startsWith("GETENV ") || l.startsWith("LIBGOMP ")).toList();
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

    @Test
    void aValueFromTheEnvironmentIsKept() {
        // The Maven tests run with OMP_WAIT_POLICY=PASSIVE in the environment (root pom).
        assertEquals(System.getenv("OMP_WAIT_POLICY") + " (from the environment)", OpenMpPolicy.describe());
    }
}
