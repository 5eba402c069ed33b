package io.convnb.magic;

/**
 * A magic was called with arguments it cannot use. The message is one paragraph that names the
 * magic, the argument, what was received and the accepted forms, e.g.
 * {@code %convmath: stride=0x1 is not valid: strides must be >= 1 on every axis. Accepted: stride=2 or stride=2x1.}
 */
public class MagicArgumentException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** An error with its full message. */
    public MagicArgumentException(String message) {
        super(message);
    }

    /** An error that rewords (or prefixes) another one, keeping it as the cause. */
    public MagicArgumentException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The usual form: {@code <magic>: <key>=<value> is not valid: <reason>. Accepted: <forms>.}
     *
     * @param magic  the magic as typed, e.g. {@code %convmath}
     * @param key    the argument name
     * @param value  the value received
     * @param reason what is wrong, without a final full stop
     * @param forms  the accepted forms, e.g. {@code stride=2 or stride=2x1}
     */
    public static MagicArgumentException invalid(String magic, String key, String value, String reason, String forms) {
        return new MagicArgumentException(magic + ": " + key + "=" + value + " is not valid: " + reason
                + ". Accepted: " + forms + ".");
    }
}
