package io.convnb.kernel.maven;

import io.convnb.magic.MagicArgumentException;

/**
 * {@code %maven} could not add what it was asked for: a malformed coordinate, an artifact no
 * repository has, a repository that cannot be reached, a settings file that cannot be read, or a
 * version clash with a library the kernel has loaded. The message is one paragraph naming the
 * coordinate, the cause (with the repository URL tried) and a fix; nothing was added to the class
 * path. A {@link MagicArgumentException}, so the kernel shows the message without a stack trace.
 */
public class MavenException extends MagicArgumentException {
    private static final long serialVersionUID = 1L;

    public MavenException(String message) {
        super(message);
    }

    public MavenException(String message, Throwable cause) {
        super(message, cause);
    }
}
