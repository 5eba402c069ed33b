package io.convnb.ext;

import io.convnb.memory.MemoryCaps;
import io.convnb.memory.TensorMemoryGuard;
import org.bytedeco.javacpp.Pointer;

/**
 * Installs the {@link TensorMemoryGuard} with the caps {@code convnb-launch.sh} gave this JVM: JavaCPP's
 * {@code maxbytes} per tensor and {@code maxphysicalbytes} for the process, sized from the memory
 * limit the launcher passes as {@value #LIMIT_PROPERTY} (bytes) and {@value #SOURCE_PROPERTY} (which
 * limit it was: a cgroup file, {@code MEM_LIMIT} or physical memory). A JVM started another way has
 * no such limit; the guard then stays off, as JavaCPP's defaults are no container's limit.
 */
final class LauncherMemory {
    static final String LIMIT_PROPERTY = "convnb.memory.limit";
    static final String SOURCE_PROPERTY = "convnb.memory.source";

    private LauncherMemory() {
    }

    /** Installs the guard when the launcher sized this JVM; returns whether it did. */
    static boolean installGuard() {
        MemoryCaps caps = caps(System.getProperty(LIMIT_PROPERTY), System.getProperty(SOURCE_PROPERTY),
                Pointer.maxBytes(), Pointer.maxPhysicalBytes());
        if (caps == null) {
            return false;
        }
        TensorMemoryGuard.install(caps);
        return true;
    }

    /** The caps for a launcher limit of {@code limit} bytes from {@code source}, or null without one. */
    static MemoryCaps caps(String limit, String source, long maxBytes, long maxPhysicalBytes) {
        if (limit == null || !limit.matches("\\d+") || source == null || source.isBlank()) {
            return null;
        }
        long limitBytes = Long.parseLong(limit);
        String sizedFrom = "JavaCPP maxbytes and maxphysicalbytes, which convnb-launch.sh sized at kernel start from the "
                + String.format("%,d MiB", limitBytes >> 20) + " limit of " + source;
        return new MemoryCaps(maxBytes, maxPhysicalBytes, sizedFrom, moreMemory(source, limitBytes));
    }

    /** How to give the kernel more memory, for the limit that was the smallest. */
    static String moreMemory(String source, long limitBytes) {
        String mib = String.format("%,d MiB", limitBytes >> 20);
        if (source.equals("MEM_LIMIT")) {
            return "restart the kernel with a larger MEM_LIMIT (now " + mib + ", the smallest limit here; "
                    + "it can only lower the container's own limit)";
        }
        if (source.startsWith("cgroup")) {
            return "restart the kernel in a container with a larger memory limit (this one allows " + mib
                    + "; MEM_LIMIT can only lower it; a mybinder.org session gets at most 2 GB)";
        }
        return "restart the kernel on a machine with more memory (this one has " + mib + ")";
    }
}
