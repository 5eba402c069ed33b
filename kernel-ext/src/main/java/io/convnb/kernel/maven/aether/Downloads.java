package io.convnb.kernel.maven.aether;

import org.eclipse.aether.transfer.AbstractTransferListener;
import org.eclipse.aether.transfer.TransferEvent;
import org.eclipse.aether.transfer.TransferResource;

import java.util.Locale;
import java.util.function.Consumer;

/** One line per finished download, so a cell that fetches a large graph shows that it is working. */
final class Downloads extends AbstractTransferListener {
    private final Consumer<String> out;

    Downloads(Consumer<String> out) {
        this.out = out;
    }

    @Override
    public void transferSucceeded(TransferEvent event) {
        TransferResource r = event.getResource();
        if (event.getRequestType() == TransferEvent.RequestType.GET && r.getResourceName().endsWith(".jar")) {
            out.accept("downloaded " + r.getRepositoryUrl() + r.getResourceName() + " (" + size(event.getTransferredBytes()) + ")");
        }
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}
