package io.convnb.data;

/**
 * A data set that is not installed where convnb looks for it. The message lists the places searched,
 * the command that installs the data and the environment variable or system property that points
 * elsewhere.
 */
public class DataNotFoundException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public DataNotFoundException(String message) {
        super(message);
    }
}
