package io.convnb.magic;

import io.convnb.data.DataSource;
import io.convnb.data.Datasets;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import io.convnb.memory.TensorMemoryGuard;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code %environment}: what a reproducible experiment must record, as a table: Java, the OS, CPU
 * cores and heap, the memory caps the kernel was started with (the container's limit, the heap and
 * JavaCPP's off-heap caps, see {@code scripts/kernel-launch.sh}), the kernel, convnb's version, the ND4J backend with its BLAS and thread counts,
 * the thread and BLAS environment variables, the ND4J random seed, and the SHA-256 of every data
 * file convnb found.
 */
public final class EnvironmentMagic {
    static final String MAGIC = "%environment";

    /** No arguments but {@code --help}. */
    public static final ArgSchema SCHEMA = ArgSchema.of(MAGIC);

    /** Environment variables that change numerical results or speed. */
    public static final List<String> VARIABLES = List.of("OPENBLAS_CORETYPE", "OMP_NUM_THREADS", "OMP_WAIT_POLICY", "OPENBLAS_NUM_THREADS",
            "MKL_NUM_THREADS", "JAVA_TOOL_OPTIONS", "MEM_LIMIT", "CONVNB_FASHION_MNIST", "CONVNB_DATA_DIR");

    /** The {@code --help} text. */
    public static final String USAGE = """
            %%environment

            A table of what a reproducible experiment must record: Java version and vendor, OS, CPU cores,
            maximum heap, the memory limit the kernel was sized for at start (container cgroup limit,
            MEM_LIMIT or physical memory) with JavaCPP's off-heap caps (maxbytes, maxphysicalbytes) and the
            tensor guard that enforces them before ND4J allocates, the kernel (language, version, banner), convnb's version, the ND4J backend with
            its BLAS vendor and thread counts, the variables %s,
            the ND4J random seed, and the size and SHA-256 of every data file convnb found.
            Paste it next to your results.
            """.formatted(String.join(", ", VARIABLES));

    /** {@code %convnb_version}: no arguments but {@code --help}. */
    public static final ArgSchema VERSION_SCHEMA = ArgSchema.of("%convnb_version");

    /** The {@code --help} text of {@code %convnb_version}. */
    public static final String VERSION_USAGE = """
            %convnb_version

            The version of convnb loaded in this kernel (%environment shows it with everything else).
            """;

    private EnvironmentMagic() {
    }

    /** Runs {@code %convnb_version}: one line, {@code convnb 0.1.0}. */
    public static DisplayData version(List<String> args) {
        ParsedArgs a = VERSION_SCHEMA.parse(args);
        if (a.help()) {
            return MagicOutput.help(VERSION_USAGE);
        }
        String v = "convnb " + convnbVersion();
        return MagicOutput.of(v, "<code>" + MagicOutput.escape(v) + "</code>");
    }

    /**
     * Runs {@code %environment}.
     *
     * @param kernel the running kernel, or {@code null} outside one
     */
    public static DisplayData line(List<String> args, BaseKernel kernel) {
        ParsedArgs a = SCHEMA.parse(args);
        if (a.help()) {
            return MagicOutput.help(USAGE);
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("group", "item", "value"));
        Runtime rt = Runtime.getRuntime();
        add(rows, "java", "version", System.getProperty("java.runtime.version", System.getProperty("java.version")));
        add(rows, "java", "vendor", System.getProperty("java.vendor"));
        add(rows, "java", "vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        add(rows, "system", "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                + System.getProperty("os.arch") + ")");
        add(rows, "system", "cpu cores", Integer.toString(rt.availableProcessors()));
        add(rows, "system", "max heap", (rt.maxMemory() >> 20) + " MiB");
        memoryRows(rows);
        if (kernel == null) {
            add(rows, "kernel", "kernel", "none (not run inside a kernel)");
        } else {
            add(rows, "kernel", "class", kernel.getClass().getName());
            LanguageInfo info = kernel.getLanguageInfo();
            if (info != null) {
                add(rows, "kernel", "language", info.getName() + " " + info.getVersion());
            }
            String banner = kernel.getBanner();
            if (banner != null) {
                add(rows, "kernel", "banner", banner.strip().replaceAll("\\s*\\n\\s*", " | "));
            }
        }
        add(rows, "convnb", "version", convnbVersion());
        add(rows, "nd4j", "backend class", Nd4j.getBackend().getClass().getName());
        add(rows, "nd4j", "default dtype", String.valueOf(Nd4j.dataType()));
        add(rows, "convnb", "direct conv (Vector API)", io.convnb.ops.Conv2DOps.directKernels());
        add(rows, "convnb", "oneDNN convolutions", io.convnb.ops.Conv2DOps.oneDnnConvolutions());
        add(rows, "convnb", "native malloc", io.convnb.ops.NativeMalloc.describe());
        add(rows, "convnb", "OpenMP wait policy", io.convnb.ops.OpenMpPolicy.describe());
        add(rows, "convnb", "OpenMP threads", io.convnb.ops.OpenMpPolicy.describeThreads());
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        Map<String, String> sorted = new TreeMap<>();
        env.forEach((k, v) -> sorted.put(String.valueOf(k), String.valueOf(v)));
        sorted.forEach((k, v) -> add(rows, "nd4j", k, v.length() > 160 ? v.substring(0, 157) + "..." : v));
        for (String name : VARIABLES) {
            String v = System.getenv(name);
            add(rows, "env", name, v == null ? "(unset)" : v);
        }
        add(rows, "seeds", "Nd4j.getRandom().getSeed()", Long.toString(Nd4j.getRandom().getSeed()));
        List<DataSource> sources = Datasets.sources();
        if (sources.isEmpty()) {
            add(rows, "data", "files", "none found (see %dataset --help for the install commands)");
        }
        for (DataSource s : sources) {
            add(rows, "data", s.name() + " " + s.path().getFileName(), s.sizeBytes() + " bytes, sha256 " + s.sha256()
                    + " (" + s.path() + ")");
        }
        String text = "Environment\n" + MagicOutput.textTable(rows);
        String html = "<div class=\"convnb-environment\">" + MagicOutput.htmlTable(rows) + "</div>";
        return MagicOutput.of(text, html);
    }

    /**
     * The caps a cell's allocations meet: JVM heap, JavaCPP's off-heap tensors (maxbytes) and the
     * whole process (maxphysicalbytes), the limit they were sized from when the kernel started
     * ({@code CONVNB_MEMORY}, set by the kernelspecs' launcher), and whether the tensor guard enforces
     * them before ND4J allocates.
     */
    static void memoryRows(List<List<String>> rows) {
        String sized = System.getenv("CONVNB_MEMORY");
        add(rows, "memory", "sized at start", sized == null
                ? "not started by convnb-launch.sh (caps from the JVM's own flags)" : sized);
        add(rows, "memory", "JavaCPP maxbytes", (Pointer.maxBytes() >> 20) + " MiB (off-heap tensors)");
        add(rows, "memory", "JavaCPP maxphysicalbytes", (Pointer.maxPhysicalBytes() >> 20) + " MiB (whole process)");
        add(rows, "memory", "process resident now", (Pointer.physicalBytes() >> 20) + " MiB");
        add(rows, "memory", "tensor guard", TensorMemoryGuard.caps() != null ? TensorMemoryGuard.describe()
                : "off (not started by convnb-launch.sh): a tensor larger than the free memory is allocated anyway");
    }

    private static void add(List<List<String>> rows, String group, String item, String value) {
        rows.add(List.of(group, item, value == null ? "(unknown)" : value));
    }

    /** The version Maven filtered into the kernel's resources, or the jar manifest's, or "unknown". */
    static String convnbVersion() {
        try (InputStream in = EnvironmentMagic.class.getResourceAsStream("/io/convnb/kernel/convnb-version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through to the manifest
        }
        String v = EnvironmentMagic.class.getPackage().getImplementationVersion();
        return v == null ? "unknown (classes not from a convnb jar)" : v;
    }
}
